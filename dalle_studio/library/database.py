"""SQLite plumbing for the library: opening (WAL, migrations), turning rows into records, and turning a
:class:`Query` into SQL. No policy lives here; :mod:`dalle_studio.library.library` decides what to do."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from dalle_studio.library.files import ImageFiles
from dalle_studio.library.records import ImageRecord, Query, Sort
from dalle_studio.library.schema import migrate

COLUMNS = (
    "id, sha, ext, kind, prompt, revised_prompt, model, provider, size, quality, params, cost, usage, created, "
    "width, height, favourite, tags, trashed_at, missing, mask_sha, title, source"
)


def connect(path: Path, *, durable: bool = True) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the database at ``path``. Raises ``sqlite3.DatabaseError`` when the file
    is not a usable SQLite database. ``durable=False`` skips fsync: only for throwaway libraries (benchmarks)."""
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        # FULL: a result that add_result reported filed survives even a power cut, not only a crash.
        conn.execute("PRAGMA synchronous=FULL" if durable else "PRAGMA synchronous=OFF")
        conn.execute("PRAGMA foreign_keys=ON")
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def quick_check(conn: sqlite3.Connection) -> bool:
    rows = conn.execute("PRAGMA quick_check").fetchall()
    return rows == [("ok",)]


def split_tags(tags: str) -> tuple[str, ...]:
    return tuple(t for t in tags.split("\n") if t)


def join_tags(tags: Sequence[str]) -> str:
    # Newline-separated, with a leading and trailing newline so `LIKE '%\ntag\n%'` finds whole tags.
    clean = sorted({t.strip() for t in tags if t.strip()})
    return ("\n" + "\n".join(clean) + "\n") if clean else ""


def normalise_tag(tag: str) -> str:
    return " ".join(tag.split()).lower()


def row_to_record(row: Sequence[Any], files: ImageFiles, parents: tuple[str, ...]) -> ImageRecord:
    (id_, sha, ext, kind, prompt, revised, model, provider, size, quality, params, cost, usage, created,
     width, height, favourite, tags, trashed_at, missing, mask_sha, title, source) = row
    return ImageRecord(
        id=id_, sha=sha, path=files.path(sha, ext), kind=kind, prompt=prompt, revised_prompt=revised, model=model,
        provider=provider, size=size, quality=quality, params=json.loads(params), cost=cost, usage=json.loads(usage),
        created=created, width=width, height=height, format=ext, favourite=bool(favourite), tags=split_tags(tags),
        trashed=trashed_at is not None, missing=bool(missing), mask_sha=mask_sha, parent_shas=parents,
        title=title, source=source,
    )


def fetch_records(conn: sqlite3.Connection, files: ImageFiles, ids: Sequence[int]) -> dict[int, ImageRecord]:
    """Records for ``ids`` (those that exist), keyed by id."""
    out: dict[int, ImageRecord] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        marks = ",".join("?" * len(chunk))
        parents: dict[int, list[str]] = {}
        for child, parent in conn.execute(
                f"SELECT child_id, parent_sha FROM parents WHERE child_id IN ({marks})", chunk):
            parents.setdefault(child, []).append(parent)
        for row in conn.execute(f"SELECT {COLUMNS} FROM images WHERE id IN ({marks})", chunk):
            out[row[0]] = row_to_record(row, files, tuple(parents.get(row[0], ())))
    return out


_WORD = re.compile(r"\w+", re.UNICODE)


def fts_match(text: str) -> str | None:
    """An FTS5 MATCH expression for what the user typed: every word must appear, the last one as a prefix so that
    results narrow as they type. None when there is nothing to search for."""
    words = _WORD.findall(text)
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " AND ".join(quoted)


def query_sql(query: Query, *, text: bool = True) -> tuple[str, list[Any]]:
    """SQL selecting the ids of the images ``query`` asks for, in its order (leaving out its text with
    ``text=False``)."""
    where: list[str] = []
    args: list[Any] = []
    match = fts_match(query.text) if text else None
    if match:
        where.append("images.id IN (SELECT rowid FROM images_fts WHERE images_fts MATCH ?)")
        args.append(match)
    where.append("trashed_at IS NOT NULL" if query.trash else "trashed_at IS NULL")
    if query.kinds:
        where.append(f"kind IN ({','.join('?' * len(query.kinds))})")
        args.extend(sorted(query.kinds))
    if query.models:
        where.append(f"model IN ({','.join('?' * len(query.models))})")
        args.extend(sorted(query.models))
    if query.since is not None:
        where.append("created >= ?")
        args.append(query.since)
    if query.until is not None:
        where.append("created < ?")
        args.append(query.until)
    if query.favourites_only:
        where.append("favourite = 1")
    for tag in sorted(query.tags):
        where.append("instr(tags, ?) > 0")
        args.append(f"\n{normalise_tag(tag)}\n")
    order = "DESC" if query.sort == Sort.NEWEST else "ASC"
    return f"SELECT id FROM images WHERE {' AND '.join(where)} ORDER BY created {order}, id {order}", args


def fetch_ids(conn: sqlite3.Connection, sql: str, args: Sequence[Any] = (), column: str = "id") -> np.ndarray:
    """The integer ``column`` that ``sql`` selects, in its order, as an array. At 100,000 rows, fetching them as one
    string (``group_concat`` over the ordered subquery) and parsing it in C is several times faster than building
    a Python tuple per row."""
    (text,) = conn.execute(f"SELECT group_concat({column}) FROM ({sql})", args).fetchone()
    return np.fromstring(text, dtype=np.int64, sep=",") if text else np.empty(0, dtype=np.int64)


def matching_ids(conn: sqlite3.Connection, match: str) -> np.ndarray:
    """Ids of every image (trashed or not) whose searchable text matches the FTS5 expression ``match``."""
    return fetch_ids(conn, "SELECT rowid FROM images_fts WHERE images_fts MATCH ?", (match,), column="rowid")
