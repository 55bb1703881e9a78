"""The library's value types: what goes in (:class:`NewResult`), what comes out (:class:`ImageRecord`), and how
the gallery asks for a slice of it (:class:`Query`). Plain frozen dataclasses, safe to pass between threads."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

# Parameters an import keeps about its file (name, modification time): facts about the file, not a request's.
FILE_KEYS = ("file", "file_modified")


class Kind(StrEnum):
    """How an image came to be: the API's words for its three calls, plus pictures brought in from disk."""

    GENERATION = "generation"
    EDIT = "edit"
    VARIATION = "variation"
    IMPORT = "import"


@dataclass(frozen=True)
class NewResult:
    """One image to file, as the workflow has it the moment the API answers.

    ``image`` is the encoded file (PNG, JPEG or WebP) exactly as received. ``source_images`` and ``mask`` are the
    encoded picture(s) and mask the request was made from, kept so lineage stays a click away even when the source
    was never in the library; ``parent_ids`` names sources that already are library images.
    """

    image: bytes
    kind: Kind | str
    prompt: str = ""
    revised_prompt: str = ""
    model: str = ""
    provider: str = ""
    size: str = ""  # "1024x1024" as sent; the stored file's real size is in ImageRecord.width/height
    quality: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    cost: float | None = None  # US dollars, when known
    usage: Mapping[str, Any] = field(default_factory=dict)
    created: float = field(default_factory=time.time)  # seconds since the epoch, UTC
    parent_ids: Sequence[int] = ()
    source_images: Sequence[bytes] = ()
    mask: bytes | None = None
    tags: Sequence[str] = ()
    title: str = ""  # what to call the image when ``prompt`` is empty: "Variation of rocket.jpg"
    source: str = ""  # the name of the file the picture came from (imported, or opened and then edited)


@dataclass(frozen=True)
class ImageRecord:
    """One image in the library. ``id`` is stable for the life of the database; ``sha`` (content hash of the file)
    is stable for ever, and is what lineage refers to."""

    id: int
    sha: str
    path: Path
    kind: str
    prompt: str
    revised_prompt: str
    model: str
    provider: str
    size: str
    quality: str
    params: dict[str, Any]
    cost: float | None
    usage: dict[str, Any]
    created: float
    width: int
    height: int
    format: str  # "png", "jpeg", "webp"
    favourite: bool
    tags: tuple[str, ...]
    trashed: bool
    missing: bool  # the file was gone or damaged when last checked
    mask_sha: str | None
    parent_shas: tuple[str, ...]
    title: str = ""
    source: str = ""

    @property
    def label(self) -> str:
        """What the gallery calls the image: its prompt, else its title, else its file's name, else its kind."""
        return self.prompt or self.title or self.source or self.kind.capitalize()

    def asked(self) -> dict[str, Any]:
        """What was asked for, each setting once: size and quality as sent (the record's ``params`` hold what was
        sent, ``size``/``quality`` may hold what the provider answered), then the other parameters."""
        size = str(self.params.get("size") or self.size or f"{self.width}x{self.height}")
        quality = str(self.params.get("quality") or self.quality or "")
        rest = {k: v for k, v in self.params.items() if k not in ("size", "quality", *FILE_KEYS)}
        return {"size": size, "quality": quality, **rest}

    def answered(self) -> dict[str, str]:
        """What the provider answered where it differs from what was asked: the picture's real size, the quality
        it chose, the prompt it revised."""
        asked = self.asked()
        out: dict[str, str] = {}
        real = f"{self.width}x{self.height}"
        if asked["size"] != real:
            out["size"] = real
        if self.quality and self.quality != asked["quality"]:
            out["quality"] = self.quality
        if self.revised_prompt and self.revised_prompt != self.prompt:
            out["revised_prompt"] = self.revised_prompt
        return out

    def metadata(self) -> dict[str, Any]:
        """Everything known about the image except where it is stored: what export and recall carry. One value per
        setting: ``size``/``quality``/``params`` as asked, ``answered`` for what the provider made of them."""
        asked = self.asked()
        return {
            "kind": self.kind, "prompt": self.prompt, "revised_prompt": self.revised_prompt, "model": self.model,
            "provider": self.provider, "size": asked.pop("size"), "quality": asked.pop("quality"), "params": asked,
            "answered": self.answered(), "cost": self.cost, "usage": dict(self.usage), "created": self.created,
            "width": self.width, "height": self.height, "tags": list(self.tags), "sha256": self.sha,
            "parents": list(self.parent_shas), "mask": self.mask_sha, "title": self.title, "source": self.source,
        }


class Sort(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"


@dataclass(frozen=True)
class Query:
    """Which images the gallery shows. Empty fields do not filter. ``text`` matches words (and word prefixes, for
    search-as-you-type) in prompts, revised prompts, parameters, model, tags, kind, title and source file name."""

    text: str = ""
    kinds: frozenset[str] = frozenset()
    models: frozenset[str] = frozenset()
    since: float | None = None  # created >= since
    until: float | None = None  # created < until
    favourites_only: bool = False
    tags: frozenset[str] = frozenset()  # images carrying all of these
    trash: bool = False  # True: only the trash; False: only images not in the trash
    sort: Sort = Sort.NEWEST


@dataclass(frozen=True)
class Lineage:
    """Where an image came from and what was made from it. A parent that is not a library image (a picture opened
    from disk and edited) appears only in ``source_files``: the stored copy of it."""

    parents: tuple[ImageRecord, ...]
    source_files: tuple[Path, ...]
    mask: Path | None
    children: tuple[ImageRecord, ...]


@dataclass(frozen=True)
class ImportReport:
    added: tuple[int, ...]
    already_present: tuple[int, ...]
    skipped: tuple[tuple[Path, str], ...]  # (file, why)
