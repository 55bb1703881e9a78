"""The request parameters of the prompt panel: only what the request plan offers for the chosen model is shown."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QSpinBox, QWidget

from dalle_studio.api.models import ModelSpec
from dalle_studio.api.plan import offered_parameters

_LABELS = {
    "auto": "Auto", "low": "Low", "medium": "Medium", "high": "High", "xhigh": "Extra high", "max": "Max",
    "standard": "Standard", "hd": "HD", "vivid": "Vivid", "natural": "Natural", "transparent": "Transparent",
    "opaque": "Opaque", "png": "PNG", "jpeg": "JPEG", "webp": "WebP", "": "Default",
}


def _fill(combo: QComboBox, values: tuple[str, ...], keep: str | None, default: str | None = None) -> None:
    combo.blockSignals(True)
    combo.clear()
    for value in values:
        combo.addItem(_LABELS.get(value, value), value)
    index = combo.findData(keep) if keep is not None else -1
    if index < 0 and default is not None:
        index = combo.findData(default)
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)


class ParametersForm(QWidget):
    """Size, count, quality, background, output format, style, input fidelity and moderation for one model."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec: ModelSpec | None = None
        self.kind = "edit"
        self.size = QComboBox(objectName="size", editable=True)
        self.size.setToolTip("The size the model paints at; the result is scaled back to the frame.")
        self.count = QSpinBox(objectName="count", minimum=1, maximum=10, value=2)
        self.count.setToolTip("How many results to ask for (n)")
        self.quality = QComboBox(objectName="quality")
        self.background = QComboBox(objectName="background")
        self.output_format = QComboBox(objectName="outputFormat")
        self.style = QComboBox(objectName="style")
        self.fidelity = QComboBox(objectName="inputFidelity")
        self.fidelity.setToolTip("How closely the result keeps the input's features, especially faces")
        self.moderation = QComboBox(objectName="moderation")
        self.complexity = QComboBox(objectName="complexity")
        self.complexity.setToolTip("How much the model plans before painting (separate from quality)")
        _fill(self.fidelity, ("", "low", "high"), None)
        _fill(self.moderation, ("auto", "low"), None)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self._rows: dict[str, QWidget] = {}
        for key, label, widget in (
            ("size", "Size", self.size), ("n", "Results", self.count), ("quality", "Quality", self.quality),
            ("complexity", "Complexity", self.complexity),
            ("background", "Background", self.background), ("output_format", "Format", self.output_format),
            ("style", "Style", self.style), ("input_fidelity", "Fidelity", self.fidelity),
            ("moderation", "Moderation", self.moderation),
        ):
            self.form.addRow(QLabel(label), widget)
            self._rows[key] = widget
        for combo in (self.size, self.quality, self.background, self.output_format, self.style, self.fidelity,
                      self.moderation, self.complexity):
            combo.currentIndexChanged.connect(self.changed)
        self.size.editTextChanged.connect(self.changed)
        self.count.valueChanged.connect(self.changed)

    def set_model(self, spec: ModelSpec, kind: str = "any", learned: tuple[str, ...] = ()) -> None:
        """Show the parameters the request plan offers for ``spec`` and a request of ``kind`` (edit, variation,
        generation, or any), less those the provider refused for this model (``learned``)."""
        self.spec, self.kind = spec, kind
        offered = offered_parameters(spec, kind, learned)
        _fill(self.size, spec.sizes, self.size.currentData() or self.size.currentText(), spec.default_size)
        self.size.setEditable(spec.size_rule is not None)
        self.size.setToolTip(f"Allowed: {spec.allowed_sizes_text()}")
        self.count.setMaximum(max(1, spec.max_n) if spec.max_n > 1 else 10)
        self.count.setToolTip("How many results to ask for" + (
            " (this model makes one per request: several are sent in parallel)" if spec.max_n == 1 else ""))
        _fill(self.quality, spec.qualities, self.quality.currentData(), "auto" if "auto" in spec.qualities else None)
        _fill(self.background, spec.backgrounds, self.background.currentData(), "auto")
        _fill(self.output_format, spec.output_formats, self.output_format.currentData(), "png")
        _fill(self.style, spec.styles, self.style.currentData())
        _fill(self.fidelity, ("", *offered.get("input_fidelity", ())), self.fidelity.currentData(), "")
        _fill(self.complexity, ("", *offered.get("complexity", ())), self.complexity.currentData(), "")
        for key, widget in self._rows.items():
            self.form.setRowVisible(widget, key in offered)
        self.changed.emit()

    def apply(self, values: dict[str, Any]) -> None:
        """Set the fields named in ``values`` (size, n, quality, ...) where this model offers that value."""
        for key, value in values.items():
            widget = self._rows.get(key)
            if widget is None or value in (None, ""):
                continue
            if isinstance(widget, QSpinBox):
                if isinstance(value, int) or str(value).isdigit():
                    widget.setValue(int(value))
                continue
            index = widget.findData(value)
            if index >= 0:
                widget.setCurrentIndex(index)
            elif widget.isEditable():
                widget.setEditText(str(value))

    def values(self) -> dict[str, Any]:
        """The parameters to send, as the API names them; hidden ones are left out."""
        params: dict[str, Any] = {"n": self.count.value()}
        for key, widget in self._rows.items():
            if key == "n" or not self.form.isRowVisible(widget):
                continue
            assert isinstance(widget, QComboBox)
            value = widget.currentData() if widget.currentText() == widget.itemText(widget.currentIndex()) \
                else widget.currentText().strip()
            if value is None:
                value = widget.currentText().strip()
            if value:
                params[key] = value
        return params
