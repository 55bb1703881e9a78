"""Helpers for the packaging tests: the repo root and its build scripts."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


@cache
def load_script(name: str) -> ModuleType:
    """Import a build script by file: ``setup`` (the repo root) or one in ``packaging/`` (``"pyinstaller/launcher"``).

    Not as ``packaging.X``: that name belongs to the PyPA library which pytest and build import.
    """
    path = ROOT / f"{name}.py" if name == "setup" else ROOT / "packaging" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_dalle_studio_build_{name.replace('/', '_')}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
