"""Bringing existing pictures into the library (dragged onto the gallery, or File > Import). PNGs that carry a
prompt (ours or another tool's ``parameters``) keep it."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dalle_studio.library.files import EXTENSIONS, NotAnImage, sha256
from dalle_studio.library.recall import read_parameters
from dalle_studio.library.records import ImportReport, Kind, NewResult

if TYPE_CHECKING:
    from dalle_studio.library.library import Library

MAX_IMPORT_BYTES = 200 * 1024 * 1024


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files named, plus image files found (recursively, sorted) in folders named."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                out.extend(Path(root) / f for f in sorted(files) if _is_image_name(f))
        else:
            out.append(path)
    return out


def import_files(library: Library, paths: Sequence[Path]) -> ImportReport:
    """Add every image in ``paths``; report what was added, what was already there, and what was skipped (why)."""
    added: list[int] = []
    present: list[int] = []
    skipped: list[tuple[Path, str]] = []
    for path in expand(paths):
        try:
            if path.stat().st_size > MAX_IMPORT_BYTES:
                skipped.append((path, "too large"))
                continue
            data = path.read_bytes()
            existing = library.find_by_sha(sha256(data))
            if existing is not None:
                present.append(existing.id)
                continue
            recalled = read_parameters(data)
            # Sorted by when it came in (it is new to the gallery); the file's own date is kept and shown.
            result = NewResult(
                image=data, kind=Kind.IMPORT, source=path.name,
                prompt=recalled.prompt if recalled else "",
                revised_prompt=recalled.revised_prompt if recalled else "",
                model=recalled.model if recalled else "", size=recalled.size if recalled else "",
                quality=recalled.quality if recalled else "",
                params={"file": path.name, "file_modified": path.stat().st_mtime,
                        **(recalled.params if recalled else {})},
            )
            added.append(library.add_result(result).id)
        except NotAnImage as exc:
            skipped.append((path, str(exc)))
        except OSError as exc:
            skipped.append((path, exc.strerror or str(exc)))
    return ImportReport(added=tuple(added), already_present=tuple(present), skipped=tuple(skipped))


def _is_image_name(name: str) -> bool:
    return name.rsplit(".", 1)[-1].lower() in EXTENSIONS and not name.startswith(".")
