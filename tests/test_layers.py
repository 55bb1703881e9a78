"""Layer rules import-linter cannot express: document/ and jobs/ never import QtWidgets (DESIGN.md, Layers)."""

from __future__ import annotations

import ast
from pathlib import Path

import dalle_studio

PACKAGE = Path(dalle_studio.__file__).parent


def widget_imports(folder: Path) -> list[str]:
    found = []
    for source in sorted(folder.rglob("*.py")):
        tree = ast.parse(source.read_text("utf-8"), str(source))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            found += [f"{source.relative_to(folder.parent)}:{node.lineno} imports {n}" for n in names
                      if n == "PySide6.QtWidgets" or n.startswith("PySide6.QtWidgets.")]
    return found


def test_document_and_jobs_never_import_widgets():
    offending = widget_imports(PACKAGE / "document") + widget_imports(PACKAGE / "jobs")
    assert offending == []


def test_checker_sees_a_widget_import(tmp_path):
    (tmp_path / "m.py").write_text("from PySide6.QtWidgets import QWidget\n")
    assert widget_imports(tmp_path) != []
