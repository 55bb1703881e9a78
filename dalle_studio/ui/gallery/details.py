"""The details pane: everything known about one image, and its lineage (the pictures and mask it came from, what
was made from it), each a click away."""

from __future__ import annotations

import html
import json
import time
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from dalle_studio.library import ImageRecord, Library, Lineage
from dalle_studio.ui.gallery.thumbnails import ThumbnailCache

LINEAGE_THUMB = 72


class DetailsPane(QTextBrowser):
    """Shows :attr:`record`. Clicking a library image in its lineage emits ``image_activated(id)``; clicking a
    source picture or mask that is not a library image emits ``file_activated(path)``."""

    image_activated = Signal(int)
    file_activated = Signal(Path)

    def __init__(self, library: Library, thumbnails: ThumbnailCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("galleryDetails")
        self.library = library
        self.thumbnails = thumbnails
        self.record: ImageRecord | None = None
        self.lineage: Lineage | None = None
        self._waiting: set[str] = set()
        self._files: dict[str, Path] = {}
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._on_anchor)
        thumbnails.ready.connect(self._on_thumbnail)
        self.show_record(None)

    def show_record(self, record: ImageRecord | None) -> None:
        self.record = record
        self.lineage = self.library.lineage(record.id) if record is not None else None
        self._render()

    def _render(self) -> None:
        record, lineage = self.record, self.lineage
        if record is None or lineage is None:
            self.setHtml("<p><i>Select an image to see how it was made.</i></p>")
            return
        self._waiting.clear()
        esc = html.escape
        asked, answered = record.asked(), record.answered()
        made = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(record.created))
        original = record.params.get("file_modified")
        rows = [("Kind", record.kind), ("Model", record.model), ("Provider", record.provider),
                ("Size", asked.pop("size") + (f" (made {answered['size']})" if "size" in answered else "")),
                ("Pixels", f"{record.width}×{record.height} {record.format.upper()}"),
                ("Quality", asked.pop("quality") + (f" (made {answered['quality']})" if "quality" in answered
                                                    else "")),
                ("Imported" if record.kind == "import" else "Made", made),
                ("File date", time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(original))
                 if isinstance(original, (int, float)) else ""),
                ("Cost", f"${record.cost:.3f}" if record.cost is not None else ""),
                ("Tags", ", ".join(record.tags))]
        rows.insert(1, ("File", record.source))
        rows += [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in sorted(asked.items())]
        if record.usage:
            rows.append(("Usage", ", ".join(f"{k}: {v}" for k, v in sorted(record.usage.items()))))
        parts = [f"<h3>{esc(record.prompt) or '<i>' + esc(record.title or 'No prompt') + '</i>'}</h3>"]
        if record.revised_prompt and record.revised_prompt != record.prompt:
            parts.append(f"<p><b>Revised prompt:</b> {esc(record.revised_prompt)}</p>")
        if record.missing:
            parts.append("<p><b>The file of this image is missing.</b></p>")
        parts.append("<table cellspacing='2'>" + "".join(
            f"<tr><td><b>{esc(k)}</b></td><td>{esc(str(v))}</td></tr>" for k, v in rows if v not in ("", None))
            + "</table>")
        made_from = [self._link(f"image:{p.id}", p.sha, p.path, esc(p.prompt[:40] or p.kind)) for p in lineage.parents]
        self._files = {p.stem: p for p in (*lineage.source_files, lineage.mask) if p is not None}
        made_from += [self._link(f"source:{p.stem}", p.stem, p, "source picture") for p in lineage.source_files]
        if lineage.mask is not None:
            made_from.append(self._link(f"source:{lineage.mask.stem}", lineage.mask.stem, lineage.mask, "mask"))
        made_into = [self._link(f"image:{c.id}", c.sha, c.path, esc(c.prompt[:40] or c.kind))
                     for c in lineage.children]
        parts.append("<h4>Made from</h4>" + (" ".join(made_from) or "<p><i>Nothing: a new image.</i></p>"))
        parts.append("<h4>Made from this</h4>" + (" ".join(made_into) or "<p><i>Nothing yet.</i></p>"))
        self.setHtml("".join(parts))

    def _link(self, href: str, sha: str, path: Path, caption: str) -> str:
        pixmap = self.thumbnails.pixmap(sha, path)
        if pixmap is None:
            self._waiting.add(sha)
            picture = ""
        else:
            url = QUrl(f"thumb:{sha}")
            self.document().addResource(QTextDocument.ResourceType.ImageResource, url, pixmap)
            scale = LINEAGE_THUMB / max(1, pixmap.width(), pixmap.height())
            picture = (f"<img src='thumb:{sha}' width='{int(pixmap.width() * scale)}' "
                       f"height='{int(pixmap.height() * scale)}'><br>")
        return (f"<a href='{html.escape(href, quote=True)}'>{picture}{caption}</a>"
                f"&nbsp;&nbsp;")

    def _on_thumbnail(self, sha: str) -> None:
        if sha in self._waiting:
            self._render()

    def _on_anchor(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("image:"):
            self.image_activated.emit(int(text.removeprefix("image:")))
        elif text.startswith("source:") and text.removeprefix("source:") in self._files:
            self.file_activated.emit(self._files[text.removeprefix("source:")])
