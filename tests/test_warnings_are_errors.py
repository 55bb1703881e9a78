"""pytest turns a warning from our own package into an error (pyproject's filterwarnings), so none goes unnoticed."""

from __future__ import annotations

import pytest


def test_a_warning_raised_in_dalle_studio_fails_the_test() -> None:
    code = compile("import warnings\nwarnings.warn('something is off', UserWarning)", "dalle_studio/x.py", "exec")
    with pytest.raises(UserWarning, match="something is off"):
        exec(code, {"__name__": "dalle_studio.some_module"})


def test_a_warning_from_elsewhere_is_only_reported() -> None:
    code = compile("import warnings\nwarnings.warn('not ours', UserWarning)", "elsewhere.py", "exec")
    with pytest.warns(UserWarning, match="not ours"):
        exec(code, {"__name__": "somebody_else"})
