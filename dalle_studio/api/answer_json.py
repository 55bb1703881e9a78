"""Image answers parsed in short steps: megabytes of base64 per picture without holding the interpreter for long.

An answer of 8 pictures of 3840x2160 is ~70 MB of JSON. ``json.loads`` parses it in one C call of ~110 ms that holds
the GIL, and ``base64.b64decode`` each picture in another of ~30 ms: run in a worker thread, either still stops the
UI thread for that long, since it cannot take the GIL back until the call returns. Here every step of the parse is
a bounded C call (a search, the text of one slice), so the interpreter switches threads between steps, and the
base64 is decoded by pybase64, which lets go of the GIL while it works.

Public API:

- :func:`loads` — ``json.loads`` of an answer, with the ``"b64_json"`` strings lifted out before parsing and put back
  after; any answer the lifting does not fit is parsed whole, so the result is always ``json.loads``'s.
- :func:`b64decode` — strict base64 (the alphabet only, padding at the end), decoded without holding the GIL.
"""

from __future__ import annotations

import codecs
import json
from typing import Any

import pybase64

_KEY = '"b64_json"'
# Strings shorter than this stay in the skeleton: lifting them saves nothing.
LIFT_MIN = 64 * 1024
# Bytes of an answer's text decoded per C call: ~1 ms.
SLICE = 1 << 18
_WHITESPACE = " \t\r\n"


def loads(body: bytes | str) -> Any:
    """What ``json.loads(body)`` returns (it raises what that raises), parsed in short steps when the answer's
    weight is in ``"b64_json"`` strings."""
    if len(body) < LIFT_MIN:
        return json.loads(body)
    text = _Text(body)
    skeleton: list[str] = []
    lifted: list[str] = []
    pos = 0
    while (key := text.find(_KEY, pos)) >= 0:
        start = _string_start(text, key + len(_KEY))
        end = text.find('"', start) if start >= 0 else -1
        if end < 0 or end - start < LIFT_MIN or text.find("\\", start, end) >= 0:
            skeleton.append(text.piece(pos, key + len(_KEY)))  # short, escaped or no value: json reads it as is
            pos = key + len(_KEY)
            continue
        skeleton.append(text.piece(pos, start))
        skeleton.append(_placeholder(len(lifted)))
        lifted.append(text.piece(start, end))
        pos = end
    if not lifted:
        return json.loads(body)
    skeleton.append(text.piece(pos, len(body)))
    try:
        parsed = json.loads("".join(skeleton))
    except ValueError:
        return json.loads(body)  # the error, or the odd answer the lifting misread, as json sees the whole
    if _put_back(parsed, lifted) != len(lifted):
        return json.loads(body)
    return parsed


def b64decode(text: str | bytes) -> bytes:
    """``base64.b64decode(text, validate=True)`` by pybase64, which releases the GIL while it decodes (and decodes
    ~7x faster); raises :class:`binascii.Error` when ``text`` is not strict base64."""
    return pybase64.b64decode(text, validate=True)


class _Text:
    """Searches and pieces of the answer as ``str``, whether it came as bytes (decoded piece by piece: decoding
    70 MB at once is one call of ~40 ms) or as text."""

    def __init__(self, body: bytes | str) -> None:
        self.body = body
        self.binary = not isinstance(body, str)

    def find(self, needle: str, start: int, end: int | None = None) -> int:
        if self.binary:
            return self.body.find(needle.encode(), start, end)  # type: ignore[arg-type]
        return self.body.find(needle, start, end)  # type: ignore[arg-type]

    def at(self, index: int) -> str:
        char = self.body[index]
        return chr(char) if isinstance(char, int) else char

    def piece(self, start: int, end: int) -> str:
        if not self.binary:
            return self.body[start:end]  # type: ignore[return-value]
        view = memoryview(self.body)
        decoder = codecs.getincrementaldecoder("utf-8")()  # a character cut between two slices is joined
        pieces = [decoder.decode(view[i:min(end, i + SLICE)]) for i in range(start, end, SLICE)]
        return "".join([*pieces, decoder.decode(b"", final=True)])


def _string_start(text: _Text, after_key: int) -> int:
    """Where the string value after a ``"b64_json"`` key begins (just past its quote), or -1."""
    size = len(text.body)
    i = after_key
    while i < size and text.at(i) in _WHITESPACE:
        i += 1
    if i >= size or text.at(i) != ":":
        return -1
    i += 1
    while i < size and text.at(i) in _WHITESPACE:
        i += 1
    return i + 1 if i < size and text.at(i) == '"' else -1


def _placeholder(index: int) -> str:
    # Written as JSON's escape of a NUL, which no base64 holds: parsed, it is "\x00lifted:N".
    return f"\\u0000lifted:{index}"


def _put_back(node: Any, lifted: list[str]) -> int:
    """Put the lifted strings back where their placeholders are, as ``"b64_json"`` values; how many were."""
    count = 0
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            value = item.get("b64_json")
            if isinstance(value, str) and value.startswith("\x00lifted:"):
                item["b64_json"] = lifted[int(value[8:])]
                count += 1
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, dict | list))
    return count
