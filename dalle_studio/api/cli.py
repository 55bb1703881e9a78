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
from dataclasses import replace
from pathlib import Path
from typing import Any

from PIL import PngImagePlugin

from dalle_studio.api.client import ImagesClient
from dalle_studio.api.errors import ImagesAPIError, RequestValidationError, UndecodableImageError
from dalle_studio.api.keys import KeyStore
from dalle_studio.api.models import spec_for
from dalle_studio.api.plan import (
    EDIT,
    GENERATION,
    VARIATION,
    PlanError,
    edit_request,
    generate_request,
    plan_request,
    variation_request,
)
from dalle_studio.api.prepare import PreparationError, prepare_edit
from dalle_studio.api.pricing import actual_cost, estimate_cost
from dalle_studio.api.providers import COMPATIBLE, OPENAI_BASE_URL, Provider, azure, openai
from dalle_studio.api.requests import VARIATION_PROMPT, EditRequest, GenerateRequest, VariationRequest, image_format
from dalle_studio.api.results import RESULT_MAX_PIXELS, ImagesResult
from dalle_studio.api.transport import RetryPolicy
from dalle_studio.core.atomic import atomic_write_bytes
from dalle_studio.core.images import ImageOpenError, open_image, pixel_limit
from dalle_studio.core.paths import AppPaths

_EXT = {"png": "png", "jpeg": "jpg", "webp": "webp"}
DEFAULT_MODEL = "gpt-image-2"  # live on api.openai.com (resources/models.json); --model for any other


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dalle-studio", description="Generate, edit and vary pictures with the "
                                     "OpenAI Images API or any compatible server.")
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--model", default=None, help=f"model id (default: {DEFAULT_MODEL})")
    common.add_argument("-n", type=int, default=None, help="number of results (1-10)")
    common.add_argument("--size", default=None, help="e.g. 1024x1024, 1536x1024, auto")
    common.add_argument("--out", type=Path, default=Path("."), help="folder for the results (default: here)")
    common.add_argument("--response-format", choices=("url", "b64_json"), default=None, help="DALL·E models only")
    where = common.add_argument_group("provider")
    where.add_argument("--base-url", default=os.environ.get("OPENAI_BASE_URL"),
                       help="an OpenAI-compatible server, e.g. http://localhost:8000/v1 (default: $OPENAI_BASE_URL)")
    where.add_argument("--azure-endpoint", default=None, help="https://<resource>.openai.azure.com")
    where.add_argument("--azure-api-version", default=None, help="only for the older deployment route; without "
                       "it the v1 route ({endpoint}/openai/v1) is used")
    where.add_argument("--azure-deployment", default=None)
    where.add_argument("--organization", default=os.environ.get("OPENAI_ORG_ID"), help="default: $OPENAI_ORG_ID")
    where.add_argument("--project", default=os.environ.get("OPENAI_PROJECT_ID"), help="default: $OPENAI_PROJECT_ID")
    where.add_argument("--key-env", default=None, help="environment variable holding the key (default "
                       "OPENAI_API_KEY, or AZURE_OPENAI_API_KEY for Azure)")
    where.add_argument("--max-retries", type=int, default=2)
    where.add_argument("--timeout", type=float, default=600.0,
                       help="the longest one request may take in all, in seconds, from sending it to the last byte "
                       "of its answer (default 600; a retry starts afresh; with --partial-images each partial image "
                       "starts the clock again, up to 3 times)")
    where.add_argument("--idle-timeout", type=float, default=60.0,
                       help="once an answer has begun to arrive, give up when nothing more comes for this many "
                       "seconds (default 60)")

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
    gen.add_argument("--complexity", choices=("low", "medium", "high"), default=None, help="gpt-image-2.6")

    edit = sub.add_parser("edit", parents=[common, gpt], help="change a picture where the mask is transparent")
    edit.add_argument("prompt")
    edit.add_argument("--image", type=Path, action="append", required=True, help="picture (repeat for several)")
    edit.add_argument("--mask", type=Path, default=None, help="PNG, transparent where to edit, same size")
    edit.add_argument("--fit", choices=("crop", "pad"), default="crop", help="how to reach an allowed shape")
    edit.add_argument("--input-fidelity", choices=("high", "low"), default=None)

    vary = sub.add_parser("vary", parents=[common], help="variations of a picture (/images/variations where the "
                          "model has it, else an edit of the whole picture)")
    vary.add_argument("--image", type=Path, required=True)
    vary.add_argument("--prompt", default=None, help="for models without /images/variations")
    return parser


def _provider(args: argparse.Namespace) -> Provider:
    if args.azure_endpoint:
        # Without a dated api-version, the v1 route (no version needed); with one, the deployment route.
        p = azure("Azure OpenAI", endpoint=args.azure_endpoint, api_version=args.azure_api_version,
                  deployment=args.azure_deployment, v1=args.azure_api_version is None)
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
    opened = open_image(data, "The result", max_pixels=max(pixel_limit(), RESULT_MAX_PIXELS))
    picture = opened.rgba if opened.had_alpha else opened.rgba.convert("RGB")
    buf = io.BytesIO()
    picture.save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


def keep_undecodable(error: UndecodableImageError, out: Path, command: str) -> list[Path]:
    """Write the bytes of pictures that did not decode into ``out`` as they arrived (they were paid for, and may
    be worth showing the provider), named ``...-undecodable-N.ext``; record the paths on ``error``."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    paths = []
    for i, data in enumerate(error.pictures, start=1):
        fmt = image_format(data) or "bin"
        path = out / f"{stamp}-{command}-undecodable-{i}.{_EXT.get(fmt, fmt)}"
        atomic_write_bytes(path, data)
        paths.append(path)
    error.kept_at = tuple(str(p) for p in paths)
    return paths


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


def _params(args: argparse.Namespace) -> dict[str, Any]:
    names = ("n", "size", "quality", "output_format", "output_compression", "background", "style", "moderation",
             "input_fidelity", "complexity")
    return {k: getattr(args, k) for k in names if getattr(args, k, None) is not None}


async def _run(args: argparse.Namespace) -> tuple[ImagesResult, dict[str, Any]]:
    provider = _provider(args)
    key = KeyStore(file=AppPaths.default().config / "keys.json").get(provider)
    model = args.model or DEFAULT_MODEL
    spec = spec_for(model)
    partials = getattr(args, "partial_images", None)
    # The same plan as the window: nothing the user did not ask for, nothing the model does not take, and
    # variations as an edit of the whole picture where /images/variations does not exist.
    plan = plan_request({"generate": GENERATION, "edit": EDIT, "vary": VARIATION}[args.command], provider, spec,
                        _params(args), stream_partials=bool(partials))
    if partials is not None and plan.stream:
        plan = replace(plan, fields={**plan.fields, "partial_images": partials})
    if args.response_format is not None and "response_format" in plan.fields:
        plan = replace(plan, fields={**plan.fields, "response_format": args.response_format})
    for reason in plan.reasons:
        print(f"note: {reason}", file=sys.stderr)
    request: GenerateRequest | EditRequest | VariationRequest
    if args.command == "generate":
        request = generate_request(plan, args.prompt)
    elif args.command == "edit":
        first, *extra = [p.read_bytes() for p in args.image]
        mask = args.mask.read_bytes() if args.mask else None
        prepared = await asyncio.to_thread(prepare_edit, first, mask, spec, size=plan.size, fit=args.fit,
                                           extra=tuple(extra))
        request = replace(edit_request(plan, args.prompt, prepared.images, prepared.mask, prepared.size),
                          image_list=len(args.image) > 1)
    else:
        assert plan.fit is not None
        prepared = await asyncio.to_thread(prepare_edit, args.image.read_bytes(), None, spec, size=plan.size,
                                           fit=plan.fit)
        if plan.endpoint == "variations":
            request = variation_request(plan, prepared.image, prepared.size)
        else:
            request = edit_request(plan, args.prompt or VARIATION_PROMPT, prepared.images, None, prepared.size)
    params = {k: v for k, v in request.params().items() if k not in {"stream", "partial_images"}}
    estimate = estimate_cost(request.model, n=request.n or 1, size=request.size,
                             quality=getattr(request, "quality", None), partial_images=int(partials or 0))
    if estimate is not None:
        print(f"estimated cost: ${estimate:.3f}", file=sys.stderr)

    def progress(partial: Any) -> None:
        print(f"partial image {partial.index + 1} received", file=sys.stderr)

    async with ImagesClient(provider, key, timeout=args.timeout, idle_timeout=args.idle_timeout,
                            retry=RetryPolicy(max_retries=args.max_retries)) as client:
        if isinstance(request, GenerateRequest):
            result = await client.generate(request, on_partial=progress, per_request=plan.per_request)
        elif isinstance(request, EditRequest):
            result = await client.edit(request, on_partial=progress, per_request=plan.per_request)
        else:
            result = await client.vary(request)
    return result, params


def _report_kept(error: UndecodableImageError, args: argparse.Namespace) -> None:
    """Keep the bytes of pictures that did not decode beside the results, and say where."""
    try:
        paths = keep_undecodable(error, args.out, args.command)
    except OSError as exc:
        print(f"error: the bytes received could not be kept in {args.out}: {exc}", file=sys.stderr)
        return
    for path in paths:
        print(f"error: the provider's bytes (not a usable picture) were kept as {path}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; see :func:`build_parser` for the options."""
    args = build_parser().parse_args(argv)
    try:
        result, params = asyncio.run(_run(args))
    except (RequestValidationError, PreparationError, ImageOpenError, PlanError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except UndecodableImageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        _report_kept(exc, args)
        return 1
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
        if isinstance(error, UndecodableImageError):
            _report_kept(error, args)
    cost = actual_cost(params["model"], result.usage, n=len(result.images), size=params.get("size"),
                       quality=params.get("quality"))
    if cost is not None:
        print(f"cost: ${cost:.3f}", file=sys.stderr)
    return 0
