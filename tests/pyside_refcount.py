"""A stopgap for a PySide6 6.12 defect on Python 3.11 (the shared venv's Python when this was written).

PySide6 6.12's abi3 wheels return ``None``, ``True`` and ``False`` from many calls (every void method such as
``QAction.setEnabled``, every ``data()`` that yields no value) without taking a reference. On Python 3.12+ these
objects are immortal and nothing happens; on 3.11 each call drops their reference count by one, and after some
tens of thousands of Qt calls the interpreter aborts with "Fatal Python error: none_dealloc". The app itself needs
Python 3.12 or later; until the venv moves, long test and benchmark runs add references so they can finish.
"""

from __future__ import annotations

import ctypes
import sys


def hold_references(count: int = 1 << 40) -> None:
    """On Python < 3.12, raise the reference counts of None, True and False by ``count``, for good: they are
    never released, so neither the leak nor the interpreter's shutdown can bring them to zero."""
    if sys.version_info >= (3, 12):
        return
    for obj in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt is the first field of every object
        if refcount.value < count:
            refcount.value += count
