"""Render the app icon's PNG sizes from resources/icons/dalle-studio.svg with QtSvg.

    python packaging/render_icons.py          # (re)write resources/icons/hicolor/NxN/apps/dalle-studio.png

Run it after changing the SVG and commit the PNGs: desktops that do not read SVG, PyInstaller's Windows icon and
the AppStream metainfo use them. tests/distribution checks that they still match the SVG.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "dalle-studio.svg"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)  # the hicolor sizes desktops look for


def png_path(size: int, icons: Path = ICONS) -> Path:
    return icons / "hicolor" / f"{size}x{size}" / "apps" / "dalle-studio.png"


def render(svg: Path, size: int):
    """The SVG drawn on a transparent ``size`` × ``size`` QImage (ARGB32)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if QGuiApplication.instance() is None:  # fonts and some paint engines want one
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        render.app = QGuiApplication([])  # type: ignore[attr-defined]
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not an SVG that QtSvg can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def main() -> int:
    for size in SIZES:
        target = png_path(size)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(SVG, size).save(str(target), "PNG"):
            print(f"could not write {target}", file=sys.stderr)
            return 1
        print(f"{target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
