"""The command-line front end on the API layer: ``dalle-studio generate|edit|vary ...`` for scripting.

Public API:

- :func:`main` — parse ``argv``, run one request, write each result as a file (PNG results carry the prompt and
  parameters as text chunks, never the key) in ``--out``, print one path per line; returns the exit status
  (0 done, 1 the provider refused or failed, 2 the request breaks a rule).
- :func:`build_parser` — the argparse parser (for ``--help`` and tests).
- :func:`png_with_metadata` — PNG bytes with a ``parameters`` text chunk (the form other image tools read) and a
  ``dalle-studio`` JSON chunk.

The key comes from the keychain (provider name), else ``--key-env`` (default ``OPENAI_API_KEY``).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image, PngImagePlugin

from dalle_studio.api.client import ImagesClient
from dalle_studio.api.errors import ImagesAPIError, RequestValidationError
from dalle_studio.api.keys import KeyStore
from dalle_studio.api.models import spec_for
from dalle_studio.api.prepare import PreparationError, prepare_edit, prepare_variation
from dalle_studio.api.pricing import actual_cost, estimate_cost
from dalle_studio.api.providers import COMPATIBLE, OPENAI_BASE_URL, Provider, azure, openai
from dalle_studio.api.requests import EditRequest, GenerateRequest, VariationRequest
from dalle_studio.api.results import ImagesResult
from dalle_studio.api.transport import RetryPolicy
from dalle_studio.core.atomic import atomic_write_bytes
from dalle_studio.core.images import ImageOpenError
from dalle_studio.core.paths import AppPaths

_EXT = {"png": "png", "jpeg": "jpg", "webp": "webp"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dalle-studio", description="Generate, edit and vary pictures with the "
                                     "OpenAI Images API or any compatible server.")
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--model", default=None, help="model id (default: gpt-image-2; dall-e-2 for vary)")
    common.add_argument("-n", type=int, default=None, help="number of results (1-10)")
    common.add_argument("--size", default=None, help="e.g. 1024x1024, 1536x1024, auto")
    common.add_argument("--out", type=Path, default=Path("."), help="folder for the results (default: here)")
    common.add_argument("--response-format", choices=("url", "b64_json"), default=None, help="DALL·E models only")
    where = common.add_argument_group("provider")
    where.add_argument("--base-url", default=os.environ.get("OPENAI_BASE_URL"),
                       help="an OpenAI-compatible server, e.g. http://localhost:8000/v1 (default: $OPENAI_BASE_URL)")
    where.add_argument("--azure-endpoint", default=None, help="https://<resource>.openai.azure.com")
    where.add_argument("--azure-api-version", default=None)
    where.add_argument("--azure-deployment", default=None)
    where.add_argument("--organization", default=os.environ.get("OPENAI_ORG_ID"), help="default: $OPENAI_ORG_ID")
    where.add_argument("--project", default=os.environ.get("OPENAI_PROJECT_ID"), help="default: $OPENAI_PROJECT_ID")
    where.add_argument("--key-env", default=None, help="environment variable holding the key (default "
                       "OPENAI_API_KEY, or AZURE_OPENAI_API_KEY for Azure)")
    where.add_argument("--max-retries", type=int, default=2)
    where.add_argument("--timeout", type=float, default=600.0, help="seconds per request")

    gpt = argparse.ArgumentParser(add_help=False)
    gpt.add_argument("--quality", default=None)
    gpt.add_argument("--output-format", choices=("png", "jpeg", "webp"), default=None)
    gpt.add_argument("--output-compression", type=int, default=None)
    gpt.add_argument("--background", choices=("transparent", "opaque", "auto"), default=None)
    gpt.add_argument("--partial-images", type=int, default=None, help="stream, showing progress (0-3 partials)")

    gen = sub.add_parser("generate", parents=[common, gpt], help="a new picture from a prompt")
    gen.add_argument("prompt")
    gen.add_argument("--style", choices=("vivid", "natural"), default=None, help="dall-e-3 only")
    gen.add_argument("--moderation", choices=("low", "auto"), default=None)

    edit = sub.add_parser("edit", parents=[common, gpt], help="change a picture where the mask is transparent")
    edit.add_argument("prompt")
    edit.add_argument("--image", type=Path, action="append", required=True, help="picture (repeat for several)")
    edit.add_argument("--mask", type=Path, default=None, help="PNG, transparent where to edit, same size")
    edit.add_argument("--fit", choices=("crop", "pad"), default="crop", help="how to reach an allowed shape")
    edit.add_argument("--input-fidelity", choices=("high", "low"), default=None)

    vary = sub.add_parser("vary", parents=[common], help="variations of a picture (dall-e-2 style servers)")
    vary.add_argument("--image", type=Path, required=True)
    return parser


def _provider(args: argparse.Namespace) -> Provider:
    if args.azure_endpoint:
        p = azure("Azure OpenAI", endpoint=args.azure_endpoint, api_version=args.azure_api_version or "preview",
                  deployment=args.azure_deployment)
    elif args.base_url and args.base_url.rstrip("/") != OPENAI_BASE_URL:
        p = Provider(COMPATIBLE, "Compatible server", args.base_url, organization=args.organization,
                     project=args.project, env_key="OPENAI_API_KEY")
    else:
        p = openai(organization=args.organization, project=args.project)
    if args.key_env:
        p = Provider.from_dict({**p.to_dict(), "env_key": args.key_env})
    return p


def png_with_metadata(data: bytes, params: dict[str, Any]) -> bytes:
    """``data`` (any picture) as a PNG carrying ``params`` (never a key: only request parameters are passed)."""
    info = PngImagePlugin.PngInfo()
    summary = ", ".join(f"{k.replace('_', ' ').capitalize()}: {v}" for k, v in params.items() if k != "prompt")
    info.add_itxt("parameters", f"{params.get('prompt', '')}\n{summary}")
    info.add_itxt("dalle-studio", json.dumps(params, ensure_ascii=False))
    with Image.open(io.BytesIO(data)) as img:
        buf = io.BytesIO()
        img.save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


def _write(result: ImagesResult, out: Path, command: str, params: dict[str, Any]) -> list[Path]:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    paths = []
    for i, image in enumerate(result.images, start=1):
        fmt = image.format or "png"
        meta = {**params, "revised_prompt": image.revised_prompt} if image.revised_prompt else params
        data = png_with_metadata(image.data, meta) if fmt == "png" else image.data
        path = out / f"{stamp}-{command}-{i}.{_EXT.get(fmt, fmt)}"
        atomic_write_bytes(path, data)
        paths.append(path)
    return paths


async def _run(args: argparse.Namespace) -> tuple[ImagesResult, dict[str, Any]]:
    provider = _provider(args)
    key = KeyStore(file=AppPaths.default().config / "keys.json").get(provider)
    stream = {"stream": True, "partial_images": args.partial_images} if getattr(args, "partial_images", None) \
        is not None else {}
    gpt = {k: getattr(args, k) for k in ("quality", "output_format", "output_compression", "background")
           if getattr(args, k, None) is not None}
    request: GenerateRequest | EditRequest | VariationRequest
    if args.command == "generate":
        request = GenerateRequest(model=args.model or "gpt-image-2", prompt=args.prompt, n=args.n, size=args.size,
                                  style=args.style, moderation=args.moderation, response_format=args.response_format,
                                  **gpt, **stream)
    elif args.command == "edit":
        model = args.model or "gpt-image-2"
        spec = spec_for(model)
        first, *extra = [p.read_bytes() for p in args.image]
        mask = args.mask.read_bytes() if args.mask else None
        prepared = await asyncio.to_thread(prepare_edit, first, mask, spec, size=args.size, fit=args.fit,
                                           extra=tuple(extra))
        request = EditRequest(model=model, prompt=args.prompt, images=prepared.images, mask=prepared.mask, n=args.n,
                              size=prepared.size, input_fidelity=args.input_fidelity,
                              response_format=args.response_format, image_list=len(args.image) > 1, **gpt, **stream)
    else:
        model = args.model or "dall-e-2"
        spec = spec_for(model)
        prepared = await asyncio.to_thread(prepare_variation, args.image.read_bytes(), spec, size=args.size)
        request = VariationRequest(model=model, image=prepared.image, n=args.n, size=prepared.size,
                                   response_format=args.response_format)
    params = {k: v for k, v in request.params().items() if k not in {"stream", "partial_images"}}
    estimate = estimate_cost(request.model, n=request.n or 1, size=request.size, quality=getattr(request, "quality",
                                                                                                 None))
    if estimate is not None:
        print(f"estimated cost: ${estimate:.3f}", file=sys.stderr)

    def progress(partial: Any) -> None:
        print(f"partial image {partial.index + 1} received", file=sys.stderr)

    async with ImagesClient(provider, key, timeout=args.timeout,
                            retry=RetryPolicy(max_retries=args.max_retries)) as client:
        if isinstance(request, GenerateRequest):
            result = await client.generate(request, on_partial=progress)
        elif isinstance(request, EditRequest):
            result = await client.edit(request, on_partial=progress)
        else:
            result = await client.vary(request)
    return result, params


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; see :func:`build_parser` for the options."""
    args = build_parser().parse_args(argv)
    try:
        result, params = asyncio.run(_run(args))
    except (RequestValidationError, PreparationError, ImageOpenError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ImagesAPIError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in _write(result, args.out, args.command, params):
        print(path)
    for error in result.errors:
        print(f"one of the requests failed: {error}", file=sys.stderr)
    cost = actual_cost(params["model"], result.usage, n=len(result.images), size=params.get("size"),
                       quality=params.get("quality"))
    if cost is not None:
        print(f"cost: ${cost:.3f}", file=sys.stderr)
    return 0
