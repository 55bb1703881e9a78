"""``emit(signal, *args)``: emits a Qt signal, working around a reference-count bug in PySide6 6.12.

PySide6 6.12.0's ``SignalInstance.emit`` returns ``True`` without taking a reference to it, so every emit from
Python leaves ``True`` one reference short; after a few thousand emits (a few minutes of painting) the
interpreter aborts with "Fatal Python error: bool_dealloc". The bug is measured once, on first use, and the
missing reference is given back after each emit only when the running PySide6 has it.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance


class _Probe(QObject):
    ping = Signal()


class _Repair:
    """Decides once whether emits lose a reference to ``True`` and, if so, gives it back each time."""

    def __init__(self) -> None:
        self.needed: bool | None = None

    def measure(self) -> bool:
        probe = _Probe()
        before = sys.getrefcount(True)
        for _ in range(16):
            ok = probe.ping.emit()
            del ok
        lost = before - sys.getrefcount(True)
        for _ in range(max(0, lost)):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
        return lost >= 16


_repair = _Repair()


def emit(signal: SignalInstance, *args: Any) -> None:
    """``signal.emit(*args)``, safe to call any number of times."""
    if _repair.needed is None:
        _repair.needed = _repair.measure()
    signal.emit(*args)
    if _repair.needed:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
