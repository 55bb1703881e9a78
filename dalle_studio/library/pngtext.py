"""PNG text chunks without re-encoding: add ``tEXt``/``iTXt`` chunks to PNG bytes, and read them back.

Re-encoding a 1024x1024 PNG costs a third of a second; splicing chunks in costs nothing and keeps the pixels
bit-identical to what the API returned.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator, Mapping

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TEXT_TYPES = (b"tEXt", b"iTXt", b"zTXt")


class NotAPng(ValueError):
    pass


def _chunks(data: bytes) -> Iterator[tuple[bytes, bytes, int, int]]:
    """(type, payload, start, end) for each chunk (payload only for text chunks; empty for the rest); raises
    :class:`NotAPng` on a bad signature or truncation."""
    if not data.startswith(PNG_SIGNATURE):
        raise NotAPng("not a PNG file")
    pos = len(PNG_SIGNATURE)
    view = memoryview(data)  # image data chunks are megabytes: slice them without copying
    while pos + 8 <= len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        ctype = bytes(view[pos + 4:pos + 8])
        end = pos + 12 + length
        if end > len(data):
            raise NotAPng("truncated PNG chunk")
        payload = view[pos + 8:pos + 8 + length]
        yield ctype, bytes(payload) if ctype in _TEXT_TYPES else b"", pos, end
        pos = end
        if ctype == b"IEND":
            return
    raise NotAPng("PNG has no IEND chunk")


def _chunk(ctype: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + ctype + payload + struct.pack(">I", zlib.crc32(ctype + payload))


def _text_chunk(key: str, value: str) -> bytes:
    try:  # tEXt (Latin-1) where possible: what other tools read most reliably
        return _chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1"))
    except UnicodeEncodeError:
        return _chunk(b"iTXt", key.encode("latin-1") + b"\0\0\0\0\0" + value.encode("utf-8"))


def _keyword(ctype: bytes, payload: bytes) -> str:
    return payload.split(b"\0", 1)[0].decode("latin-1")


def with_text(data: bytes, texts: Mapping[str, str]) -> bytes:
    """``data`` (a PNG) with ``texts`` as text chunks, replacing any earlier chunks with the same keywords."""
    out = bytearray(PNG_SIGNATURE)
    for ctype, payload, start, end in _chunks(data):
        if ctype in _TEXT_TYPES and _keyword(ctype, payload) in texts:
            continue
        if ctype == b"IEND":
            for key, value in texts.items():
                out += _text_chunk(key, value)
        out += data[start:end]
    return bytes(out)


def read_text(data: bytes) -> dict[str, str]:
    """Every text chunk of a PNG, keyword -> text (later chunks win). Raises :class:`NotAPng`."""
    texts: dict[str, str] = {}
    for ctype, payload, _, _ in _chunks(data):
        if ctype not in _TEXT_TYPES:
            continue
        key, _, rest = payload.partition(b"\0")
        name = key.decode("latin-1")
        try:
            if ctype == b"tEXt":
                texts[name] = rest.decode("latin-1")
            elif ctype == b"zTXt":
                texts[name] = zlib.decompress(rest[1:]).decode("latin-1")
            else:
                flag, method = rest[0], rest[1]
                _lang, _, rest = rest[2:].partition(b"\0")
                _translated, _, text = rest.partition(b"\0")
                texts[name] = (zlib.decompress(text) if flag and method == 0 else text).decode("utf-8")
        except (zlib.error, UnicodeDecodeError, IndexError):
            continue
    return texts
