"""The library's and gallery's settings; app.py merges this table into the program's."""

from __future__ import annotations

from dalle_studio.core.settings import Setting, declare
from dalle_studio.library.export import DEFAULT_TEMPLATE

SETTINGS = declare(
    Setting("gallery.thumbnail_size", int, 160, "Thumbnail size (pixels)",
            "How large each picture is shown in the gallery.", section="Gallery", minimum=64, maximum=512),
    Setting("gallery.cell_size", int, 128, "Thumbnail size in the grid (pixels)",
            "Changed with Ctrl+wheel or the slider under the gallery.", section="Gallery", minimum=64, maximum=320,
            visible=False),
    Setting("export.name_template", str, DEFAULT_TEMPLATE, "Names of exported files",
            "Fields: {date} {time} {prompt} {id} {index} {kind} {model} {hash}; e.g. {index:04d}_{prompt}.",
            section="Gallery"),
    Setting("export.quality", int, 90, "JPEG/WebP quality", "Higher is larger and closer to the original.",
            section="Gallery", minimum=1, maximum=100),
    Setting("export.format", str, "png", "Export format", "PNG keeps the prompt inside the file.",
            section="Gallery", choices=(("png", "PNG"), ("jpeg", "JPEG"), ("webp", "WebP"))),
    Setting("export.last_folder", str, "", "Last export folder", "Where export dialogs start.", visible=False),
)
