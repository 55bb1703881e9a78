"""Keep secrets out of the library: nothing shaped like an API key or a credential is ever stored or exported.

The workflow passes parameter dicts that it built from requests; a stray ``api_key`` field or an ``Authorization``
header must not end up in the database, a sidecar, or an exported PNG.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from dalle_studio.core.logs import redact

# Parameter names whose values are credentials, whatever they look like.
# "token" only as a whole name part ("token", "access_token"), so usage counts like "output_tokens" survive.
_SECRET_NAMES = re.compile(
    r"(?i)(api[-_]?key|authori[sz]ation|bearer|secret|password|passwd|cookie|credential|(^|[-_])token$)")


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAMES.search(name))


def scrub_text(text: str) -> str:
    """``text`` with anything shaped like an API key or bearer token replaced by ``[redacted]``."""
    return redact(text) if text else text


def scrub(value: Any) -> Any:
    """A deep copy of ``value`` (JSON-like) with credential-named entries dropped and key-shaped strings redacted."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, Mapping):
        return {str(k): scrub(v) for k, v in value.items() if not is_secret_name(str(k))}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return scrub_text(str(value))
