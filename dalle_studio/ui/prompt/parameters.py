"""The request parameters of the prompt panel: a view of the request model's parameters. Only what the chosen model
takes is shown; the widgets hold no state of their own (what is sent is read from the model, never from here)."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QSpinBox, QWidget

from dalle_studio.jobs.request import OPTIONAL, RequestModel, max_results

_LABELS = {
    "auto": "Auto", "low": "Low", "medium": "Medium", "high": "High", "xhigh": "Extra high", "max": "Max",
    "standard": "Standard", "hd": "HD", "vivid": "Vivid", "natural": "Natural", "transparent": "Transparent",
    "opaque": "Opaque", "png": "PNG", "jpeg": "JPEG", "webp": "WebP", "": "Default",
}


def _fill(combo: QComboBox, values: tuple[str, ...], current: str) -> None:
    """Show ``values`` with ``current`` chosen (typed text in an editable combo when it is not listed)."""
    if tuple(combo.itemData(i) for i in range(combo.count())) != values:
        combo.clear()
        for value in values:
            combo.addItem(_LABELS.get(value, value), value)
    index = combo.findData(current)
    if index >= 0:
        if combo.currentIndex() != index or (combo.isEditable() and combo.currentText() != combo.itemText(index)):
            combo.setCurrentIndex(index)
    elif combo.isEditable() and combo.currentText().strip() != current:
        combo.setEditText(current)


class ParametersForm(QWidget):
    """Size, count, quality, complexity, background, output format, style, input fidelity and moderation."""

    changed = Signal()

    def __init__(self, request: RequestModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.request = request
        self.size = QComboBox(objectName="size", editable=True)
        self.size.setToolTip("The size the model paints at; the result is scaled back to the frame.")
        self.count = QSpinBox(objectName="count", minimum=1, maximum=10)
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
            if isinstance(widget, QComboBox) and widget is not self.size:
                widget.currentIndexChanged.connect(
                    lambda _i, k=key, w=widget: request.set_parameter(k, w.currentData()))
        self.size.currentIndexChanged.connect(self._size_chosen)
        self.size.editTextChanged.connect(self._size_chosen)
        self.count.valueChanged.connect(lambda n: request.set_parameter("n", n))
        request.changed.connect(self._on_request_changed)
        self._sync()

    def _size_chosen(self, *_args: object) -> None:
        text = self.size.currentText().strip()
        index = self.size.findText(text)
        self.request.set_parameter("size", self.size.itemData(index) if index >= 0 else text)

    def _on_request_changed(self, what: str) -> None:
        if what in ("model", "parameters", "provider"):
            self._sync()
            self.changed.emit()

    def _sync(self) -> None:
        """Show the request model: its model's rows, each set to the value that will be sent."""
        blockers = [QSignalBlocker(widget) for widget in self._rows.values()]
        self._show()
        for blocker in blockers:
            blocker.unblock()

    def _show(self) -> None:
        request = self.request
        choice = request.model
        offered = request.offered()
        if choice is not None:
            spec = choice.spec
            self.size.setEditable(spec.size_rule is not None)
            self.size.setToolTip(f"Allowed: {spec.allowed_sizes_text()}")
            self.count.setMaximum(max_results(spec))
            self.count.setToolTip("How many results to ask for" + (
                " (this model makes one per request: several are sent in parallel)" if spec.max_n == 1 else ""))
            _fill(self.size, spec.sizes, request.value("size"))
        self.count.setValue(request.value("n"))
        for key in ("quality", "background", "output_format", "style", "input_fidelity", "moderation",
                    "complexity"):
            values = offered.get(key, ())
            combo = self._rows[key]
            assert isinstance(combo, QComboBox)
            _fill(combo, ("", *values) if key in OPTIONAL else values, request.value(key))
        for key, widget in self._rows.items():
            self.form.setRowVisible(widget, key in offered)
