"""A guard against C extensions that return ``None``, ``True`` or ``False`` without taking a reference.

PySide6 6.12.0 on CPython 3.11 does this on every call of a method returning ``void`` (``widget.update()``,
``item.setPos()``...) and on every ``Signal.emit()``: each call leaves the singleton one reference short, and after
some tens of thousands of calls (minutes of painting) the interpreter aborts with "Fatal Python error:
none_dealloc" (or bool_dealloc). CPython 3.12 and later make these objects immortal, so the bug is harmless there;
on 3.11 :func:`protect_singletons` gives them the same protection by adding a reference count no program can use up.
"""

from __future__ import annotations

import ctypes
import sys

_MARGIN = 1 << 40  # ~10^12 leaked references before anything could go wrong


def protect_singletons() -> bool:
    """Make ``None``, ``True``, ``False``, ``Ellipsis`` and ``NotImplemented`` effectively immortal on CPython
    before 3.12 (release builds, where the reference count is the object's first field). Idempotent enough: calling
    it again only adds margin. Returns whether anything was done."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12) or hasattr(sys, "gettotalrefcount"):
        return False
    for obj in (None, True, False, Ellipsis, NotImplemented):
        count = ctypes.c_ssize_t.from_address(id(obj))
        if count.value < _MARGIN:
            count.value += _MARGIN
    return True
