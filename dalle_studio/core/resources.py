"""Where the bundled resources (sample photos, icons, styles) are: ``resources/`` beside the package in a
source checkout, or ``dalle_studio/_resources`` in an installed build."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    for candidate in (_PACKAGE / "_resources", _PACKAGE.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the resources folder is missing from this installation")


def samples_dir() -> Path:
    return resources_dir() / "samples"
