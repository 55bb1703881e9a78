"""Command line: ``dalle-studio [PICTURE]``, ``dalle-studio engine [...]``, ``--version``, ``--help``."""

from __future__ import annotations

import sys

from dalle_studio import APP_NAME, __version__


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["engine"]:
        from dalle_studio.engine.__main__ import main as engine_main

        return engine_main(args[1:])
    if args[:1] in (["generate"], ["edit"], ["vary"]):
        from dalle_studio.api.cli import main as cli_main

        return cli_main(args)
    if len(args) <= 1 and not any(a.startswith("-") for a in args):  # the usual start: no option to parse
        return _start(args[0] if args else None)
    import argparse  # only for options and --help: a plain start does without it (3 ms)

    parser = argparse.ArgumentParser(
        prog="dalle-studio",
        description=f"{APP_NAME}: paint the part of a picture to change, describe it, choose among the results.",
        epilog="Subcommands: 'dalle-studio engine --help' runs the embedded offline Images server on its own; "
        "'dalle-studio generate|edit|vary --help' send one request from the command line (for scripts).",
    )
    parser.add_argument("picture", nargs="?", help="a picture to open (PNG, JPEG, WebP, BMP, TIFF, GIF)")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    return _start(parser.parse_args(args).picture)


def _start(picture: str | None) -> int:
    early = None
    if picture:  # decoding starts now, on a thread, while Qt loads and the window appears
        from dalle_studio.document.early_open import EarlyOpen

        early = EarlyOpen(picture)
    from dalle_studio.ui.pyside_imports import lighten_import_hook

    lighten_import_hook()  # before the rest of the app loads: see the module
    from dalle_studio.app import run

    return run(picture, early)


if __name__ == "__main__":
    sys.exit(main())
