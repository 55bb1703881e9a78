"""Export: one image or many, as PNG (carrying the prompt and parameters as text chunks) or JPEG/WebP at a chosen
quality, to a file, a folder or a zip, with names from a template. Never writes a credential."""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from PIL import Image

from dalle_studio.core.atomic import atomic_write_bytes, umask_file_mode
from dalle_studio.core.images import open_image
from dalle_studio.library.pixels import to_rgb
from dalle_studio.library.pngtext import with_text
from dalle_studio.library.recall import OUR_CHUNK, PARAMETERS_CHUNK
from dalle_studio.library.records import ImageRecord
from dalle_studio.library.scrub import scrub

Format = Literal["png", "jpeg", "webp"]
SUFFIXES: dict[str, Format] = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp"}
DEFAULT_TEMPLATE = "{date}_{prompt}_{id}"


def a1111_parameters(record: ImageRecord) -> str:
    """The ``parameters`` text other image tools write: the prompt, then one line of ``Key: value`` pairs, each key
    once: what was asked, then what the provider answered where it differs (``Answered size``...)."""
    asked = record.asked()
    pairs: list[tuple[str, Any]] = [("Model", record.model), ("Size", asked.pop("size")),
                                    ("Quality", asked.pop("quality")), ("Kind", record.kind),
                                    ("Provider", record.provider)]
    pairs += [(_label(k), v) for k, v in sorted(asked.items()) if _label(k) not in dict(pairs)]
    pairs += [(f"Answered {k.replace('_', ' ')}", v) for k, v in record.answered().items()]
    rendered = []
    for key, value in pairs:
        if value in ("", None):
            continue
        text = value if isinstance(value, str) else json.dumps(value)
        needs_quotes = re.search(r"[,:\n\"]", text) is not None
        rendered.append(f"{key}: {json.dumps(text) if needs_quotes else text}")
    return f"{record.prompt}\n{', '.join(rendered)}"


def _label(key: str) -> str:
    return str(key).replace("_", " ").capitalize()


def metadata_chunks(record: ImageRecord) -> dict[str, str]:
    """The two text chunks an exported PNG carries: ``parameters`` and our JSON (scrubbed of credentials)."""
    meta = scrub(record.metadata())
    meta["app"] = "DALL·E Studio"
    return {PARAMETERS_CHUNK: scrub(a1111_parameters(record)), OUR_CHUNK: json.dumps(meta, ensure_ascii=False)}


def encode(data: bytes, record: ImageRecord, fmt: Format, quality: int = 90) -> bytes:
    """The stored image ``data`` as ``fmt``. PNG sources keep their pixels byte-for-byte (chunks are spliced in);
    JPEG has no alpha, so transparency is flattened onto white."""
    if fmt == "png":
        if record.format != "png":
            out = io.BytesIO()
            open_image(data, record.sha).rgba.save(out, "PNG", compress_level=6)
            data = out.getvalue()
        return with_text(data, metadata_chunks(record))
    # Upright: the export's EXIF carries the parameters, not the source's orientation tag.
    im = open_image(data, record.sha).rgba
    picture = to_rgb(im, (255, 255, 255)) if fmt == "jpeg" else im
    out = io.BytesIO()
    picture.save(out, "JPEG" if fmt == "jpeg" else "WEBP", quality=max(1, min(100, quality)),
                 exif=parameters_exif(record))
    return out.getvalue()


EXIF_IFD, USER_COMMENT, SOFTWARE = 0x8769, 0x9286, 0x0131
UNICODE_PREFIX = b"UNICODE\x00"


def parameters_exif(record: ImageRecord) -> Image.Exif:
    """EXIF for JPEG and WebP exports: the ``parameters`` text in UserComment (UTF-16, as other image tools write
    and read it), scrubbed of credentials like the PNG chunks."""
    exif = Image.Exif()
    exif[SOFTWARE] = "DALL-E Studio"
    exif.get_ifd(EXIF_IFD)[USER_COMMENT] = UNICODE_PREFIX + scrub(a1111_parameters(record)).encode("utf-16-be")
    return exif


def format_for(path: Path, default: Format = "png") -> Format:
    return SUFFIXES.get(path.suffix.lower(), default)


def export_image(record: ImageRecord, dest: Path, *, fmt: Format | None = None, quality: int = 90) -> Path:
    """Save As: write ``record``'s image to ``dest`` (format from ``fmt`` or the suffix) atomically, with the mode
    the umask gives new files."""
    fmt = fmt or format_for(dest)
    atomic_write_bytes(dest, encode(record.path.read_bytes(), record, fmt, quality), mode=umask_file_mode())
    return dest


def render_name(template: str, record: ImageRecord, index: int) -> str:
    """A file name (no suffix) from ``template``. Fields: {index} {id} {date} {time} {kind} {model} {prompt}
    {hash}; format specs work ({index:04d}). Unknown fields and path separators are refused or removed."""
    created = time.localtime(record.created)
    fields = {
        "index": index, "id": record.id, "date": time.strftime("%Y-%m-%d", created),
        "time": time.strftime("%H%M%S", created), "kind": record.kind, "model": record.model or "unknown",
        "prompt": slug(record.prompt) or "untitled", "hash": record.sha[:12],
    }
    try:
        name = template.format_map(fields)
    except (KeyError, ValueError, IndexError) as exc:
        raise ValueError(f"bad name template {template!r}: {exc}; fields are {', '.join(fields)}") from exc
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name).strip(" .")
    return name[:180] or f"image-{record.id}"


def slug(text: str, limit: int = 60) -> str:
    words = re.findall(r"\w+", text.lower())
    out = "-".join(words)
    return out[:limit].rstrip("-")


def export_many(records: Sequence[ImageRecord], dest: Path, *, template: str = DEFAULT_TEMPLATE,
                fmt: Format = "png", quality: int = 90, as_zip: bool = False) -> list[str]:
    """Export ``records`` into folder ``dest`` (or, with ``as_zip``, into the zip file ``dest``, written atomically);
    return the file names used, in order. Clashing names get ``-2``, ``-3``... Images whose file is missing are
    skipped (and not named)."""
    suffix = ".jpg" if fmt == "jpeg" else f".{fmt}"
    mode = umask_file_mode()
    names: list[str] = []
    used: set[str] = set()
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) if as_zip else None
    try:
        for index, record in enumerate(records, start=1):
            try:
                data = record.path.read_bytes()
            except OSError:
                continue
            base = render_name(template, record, index)
            name, n = base + suffix, 2
            while name.lower() in used or (archive is None and (dest / name).exists()):
                name, n = f"{base}-{n}{suffix}", n + 1
            used.add(name.lower())
            encoded = encode(data, record, fmt, quality)
            if archive is not None:
                archive.writestr(name, encoded)
            else:
                atomic_write_bytes(dest / name, encoded, mode=mode)
            names.append(name)
    finally:
        if archive is not None:
            archive.close()
    if as_zip:
        atomic_write_bytes(dest, buffer.getvalue(), mode=mode)
    return names
