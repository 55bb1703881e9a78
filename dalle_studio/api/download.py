"""Downloading ``url`` results at once (they expire after 60 minutes), with limits.

Public API:

- :func:`download_image` — GET an ``http(s)`` URL without our credentials, refuse bodies over ``max_bytes``
  (announced or actual), check that what arrived is a picture; failures raise :class:`APIResponseError`.
- :data:`DEFAULT_MAX_DOWNLOAD_BYTES`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from dalle_studio.api.errors import APIResponseError
from dalle_studio.api.requests import image_format
from dalle_studio.api.transport import describe_transport_error

DEFAULT_MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024


async def download_image(http: httpx.AsyncClient, url: str, *, max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
                         timeout: float = 60.0) -> bytes:
    """The picture at ``url``. No API key is sent: result URLs are pre-signed and may live on another host."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in {"http", "https"}:
        raise APIResponseError(f"The provider returned a result URL with an unsupported scheme ({scheme or 'none'}).")
    host = urlsplit(url).hostname or "?"
    try:
        async with http.stream("GET", url, timeout=timeout, follow_redirects=True) as response:
            if response.status_code != 200:
                raise APIResponseError(f"The result could not be downloaded from {host} (HTTP {response.status_code});"
                                       " result URLs expire after 60 minutes.")
            announced = response.headers.get("content-length")
            if announced is not None and announced.isdigit() and int(announced) > max_bytes:
                raise APIResponseError(f"The result at {host} is too large ({int(announced):,} bytes).")
            chunks: list[bytes] = []
            received = 0
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                if received > max_bytes:
                    raise APIResponseError(f"The result at {host} is larger than {max_bytes:,} bytes.")
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise APIResponseError(f"The result could not be downloaded from {host}: "
                               f"{describe_transport_error(exc)}.") from exc
    data = b"".join(chunks)
    if image_format(data) is None:
        raise APIResponseError(f"The result downloaded from {host} is not a PNG, JPEG or WebP picture.")
    return data
