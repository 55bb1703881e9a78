"""Reading a request body: multipart forms (edits, variations) and JSON (generations), with limits.

Anything malformed becomes a 400 with OpenAI's error body, never an exception the server has not seen coming.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from dalle_studio.api.requests import ImageFile
from dalle_studio.engine.errors import engine_error

IMAGE_FIELDS = ("image", "image[]")
MAX_FILES = 17  # 16 pictures and a mask
MAX_FIELDS = 64
MAX_FIELD_BYTES = 256 * 1024  # a 32,000-character prompt in any script fits


class BodyTooLarge(Exception):
    """Raised by the body-limit middleware's ``receive`` once a body passes the engine's limit."""


@dataclass
class ImagesForm:
    """A multipart body split into text fields and pictures (``image`` and ``image[]`` together, in order)."""

    fields: dict[str, str] = field(default_factory=dict)
    images: list[ImageFile] = field(default_factory=list)
    mask: ImageFile | None = None
    image_list: bool = False


async def read_form(request: Request) -> ImagesForm:
    """The multipart body of ``request``; a 400 when it is not multipart or cannot be parsed."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise engine_error(400, "This endpoint takes multipart/form-data (the image as a file field named 'image' "
                           "or 'image[]').", code="invalid_content_type")
    try:
        form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS, max_part_size=MAX_FIELD_BYTES)
    except HTTPException as exc:
        raise engine_error(400, f"The multipart body could not be read: {exc.detail}",
                           code="invalid_multipart") from exc
    except (ValueError, KeyError, UnicodeDecodeError, AssertionError) as exc:
        raise engine_error(400, "The multipart body could not be read.", code="invalid_multipart") from exc
    result = ImagesForm()
    try:
        for key, value in form.multi_items():
            if key in IMAGE_FIELDS or key == "mask":
                if not isinstance(value, UploadFile):
                    raise engine_error(400, f"{key}: must be a file upload, not text.", param=key,
                                       code="invalid_type")
                picture = ImageFile(await value.read(), value.filename or f"{key}.png", value.content_type)
                if key == "mask":
                    if result.mask is not None:
                        raise engine_error(400, "mask: send at most one mask.", param="mask")
                    result.mask = picture
                else:
                    result.images.append(picture)
                    result.image_list = result.image_list or key == "image[]"
            elif isinstance(value, UploadFile):
                raise engine_error(400, f"{key}: must be a text field, not a file.", param=key, code="invalid_type")
            else:
                result.fields[key] = value
    finally:
        await form.close()
    return result


async def read_json(request: Request) -> dict[str, Any]:
    """The JSON object in the body; a 400 when it is not a JSON object."""
    body = await request.body()
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise engine_error(400, "We could not parse the JSON body of your request. The body must be a JSON object.",
                           code="invalid_json") from exc
    if not isinstance(value, dict):
        raise engine_error(400, "The request body must be a JSON object.", code="invalid_type")
    return value
