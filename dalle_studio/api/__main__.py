"""``python -m dalle_studio.api generate|edit|vary ...``: the command line of :mod:`dalle_studio.api.cli`."""

import sys

from dalle_studio.api.cli import main

sys.exit(main())
