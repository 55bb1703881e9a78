"""The canvas's remembered settings (merged into the app's table by app.py)."""

from __future__ import annotations

from dalle_studio.core.settings import Setting, declare

SETTINGS = declare(
    Setting("canvas.brush_size", float, 40.0, "Brush size", "Diameter of the mask brush, in picture pixels.",
            section="Canvas", minimum=1.0, maximum=2000.0, visible=False),
    Setting("canvas.brush_hardness", float, 0.8, "Brush hardness",
            "1 paints a hard edge, 0 fades from the centre outwards.", section="Canvas", minimum=0.0, maximum=1.0,
            visible=False),
    Setting("canvas.mask_display", str, "tinted", "Show the mask as",
            "How painted areas look: tinted with a colour, or erased to show the checkerboard.", section="Canvas",
            choices=(("tinted", "A tinted overlay"), ("erased", "Erased (checkerboard)"))),
    Setting("canvas.mask_color", str, "#ff3b6b", "Mask tint colour", "Colour of the tinted overlay.",
            section="Canvas"),
    Setting("canvas.mask_opacity", float, 0.5, "Mask tint opacity", "How strongly the tint covers the picture.",
            section="Canvas", minimum=0.1, maximum=1.0),
    Setting("canvas.feather_px", int, 8, "Feather, grow and shrink step (px)",
            "The number of pixels the Mask menu suggests for feather, grow and shrink.", section="Canvas",
            minimum=1, maximum=500, visible=False),
    Setting("canvas.select_mode", str, "replace", "Selection mode",
            "How Select object, the magic wand and colour range join the mask already there.", section="Canvas",
            choices=(("replace", "Replace"), ("add", "Add"), ("subtract", "Subtract"), ("intersect", "Intersect")),
            visible=False),
    Setting("canvas.wand_tolerance", int, 32, "Magic wand tolerance",
            "How far (0-255 in each channel) a colour may be from the clicked one and still be selected.",
            section="Canvas", minimum=0, maximum=255, visible=False),
    Setting("canvas.wand_global", bool, False, "Magic wand: every similar pixel",
            "Select every pixel of a similar colour, not only the region connected to the click.",
            section="Canvas", visible=False),
)
