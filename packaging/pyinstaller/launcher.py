"""The one-folder program's entry point: the same command line as the installed ``dalle-studio``.

It also understands ``-m dalle_studio.engine ...``: in a frozen build ``sys.executable`` is this program, not a
Python, so code that starts the engine as ``[sys.executable, "-m", "dalle_studio.engine", ...]`` lands here.
"""

from __future__ import annotations

import multiprocessing
import sys


def main() -> int:
    multiprocessing.freeze_support()  # a frozen program must say so before anything starts a process pool
    args = sys.argv[1:]
    if args[:2] == ["-m", "dalle_studio.engine"]:
        args = ["engine", *args[2:]]
    from dalle_studio.__main__ import main as studio_main

    return studio_main(args)


if __name__ == "__main__":
    sys.exit(main())
