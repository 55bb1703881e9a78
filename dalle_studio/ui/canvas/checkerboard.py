"""The checkerboard painted behind transparent pixels."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor, QPainter, QPixmap


def checkerboard_brush(cell: int = 8, light: str = "#cfcfcf", dark: str = "#9f9f9f") -> QBrush:
    tile = QPixmap(cell * 2, cell * 2)
    tile.fill(QColor(light))
    painter = QPainter(tile)
    painter.fillRect(0, 0, cell, cell, QColor(dark))
    painter.fillRect(cell, cell, cell, cell, QColor(dark))
    painter.end()
    return QBrush(tile)
