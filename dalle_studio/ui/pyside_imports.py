"""PySide6's per-import source scan, made cheap.

Importing PySide6 replaces ``builtins.__import__`` to support ``from __feature__ import snake_case,
true_property``. As a side effect, every module imported afterwards (ours, numpy's, httpx's: about 700 at start-up)
goes through ``shibokensupport.feature.feature_imported``, which reads the module's whole source file
(``inspect.getsource``) to decide whether the module mentions PySide6. Measured here: 20 ms before the window
shows and 275 ms of the GIL until everything is loaded (napari/napari#8584 found the same).

The studio never selects a feature, so every module keeps PySide's default selection (``0``): the same answer the
scan gives for modules that use Qt, without reading anything. A module that does select a feature still records its
own choice through ``from __feature__ import``, which this leaves alone.
"""

from __future__ import annotations

import sys

import PySide6.QtCore  # noqa: F401  (installs PySide's import hook, which this then lightens)

DEFAULT_SELECTION = 0


def lighten_import_hook() -> bool:
    """Replace the source scan with a dictionary entry; False when this PySide6 has no such hook (nothing to do)."""
    feature = sys.modules.get("shibokensupport.feature")
    table = getattr(feature, "pyside_feature_dict", None)
    if feature is None or not isinstance(table, dict) or not callable(getattr(feature, "feature_imported", None)):
        return False

    def feature_imported(module) -> None:
        name = getattr(module, "__name__", None)
        if name is not None and name not in table:
            table[name] = DEFAULT_SELECTION

    feature.feature_imported = feature_imported
    return True
