"""Putting the library right after something went wrong: a crash (files written but never recorded, files
recorded but gone) or a damaged database (rebuilt from the image files and their sidecars)."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from dalle_studio.library.database import join_tags
from dalle_studio.library.files import ImageFiles, NotAnImage, sha256, sniff

log = logging.getLogger(__name__)

SIDECAR_VERSION = 1


def insert_from_meta(conn: sqlite3.Connection, meta: Mapping[str, Any]) -> tuple[int, bool]:
    """Insert one image described by its sidecar ``meta``; return (id, inserted). An image already present (same
    hash) is left as it is. The caller holds the transaction."""
    row = conn.execute("SELECT id FROM images WHERE sha = ?", (meta["sha"],)).fetchone()
    if row:
        return row[0], False
    cur = conn.execute(
        "INSERT INTO images (sha, ext, kind, prompt, revised_prompt, model, provider, size, quality, params, cost, "
        "usage, created, width, height, favourite, tags, trashed_at, missing, mask_sha, title, source) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0,?,?,?)",
        (meta["sha"], meta["ext"], meta["kind"], meta.get("prompt", ""), meta.get("revised_prompt", ""),
         meta.get("model", ""), meta.get("provider", ""), meta.get("size", ""), meta.get("quality", ""),
         json.dumps(meta.get("params", {}), sort_keys=True), meta.get("cost"),
         json.dumps(meta.get("usage", {}), sort_keys=True), float(meta["created"]), int(meta["width"]),
         int(meta["height"]), int(bool(meta.get("favourite"))), join_tags(meta.get("tags", ())),
         meta.get("trashed_at"), meta.get("mask_sha"), meta.get("title", ""), meta.get("source", "")),
    )
    new_id = int(cur.lastrowid or 0)
    conn.executemany("INSERT OR IGNORE INTO parents (child_id, parent_sha) VALUES (?, ?)",
                     [(new_id, p) for p in meta.get("parents", ())])
    return new_id, True


def adopt_orphans(conn: sqlite3.Connection, files: ImageFiles) -> tuple[int, int]:
    """Record every stored image that has a sidecar but no row (an add cut off before its commit), and import
    images with neither that nothing refers to. Return (adopted, imported)."""
    known = {sha for (sha,) in conn.execute("SELECT sha FROM images")}
    referenced = {sha for (sha,) in conn.execute("SELECT parent_sha FROM parents")}
    referenced |= {sha for (sha,) in conn.execute("SELECT mask_sha FROM images WHERE mask_sha IS NOT NULL")}
    metas: list[dict[str, Any]] = []
    bare: list[tuple[str, Path]] = []
    for sha, path in files.iter_images():
        if sha in known:
            continue
        meta = files.read_sidecar(sha)
        if meta is not None and meta.get("sha") == sha:
            metas.append(meta)
        else:
            bare.append((sha, path))
    # Sidecars whose image never landed (a filing killed first) still claim the source pictures and masks they name.
    for meta in (*metas, *files.iter_unfinished_sidecars()):
        referenced.update(meta.get("parents", ()))
        if meta.get("mask_sha"):
            referenced.add(meta["mask_sha"])
    imported = 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        for meta in sorted(metas, key=lambda m: float(m.get("created", 0))):
            insert_from_meta(conn, meta)
        for sha, path in bare:
            if sha in referenced:
                continue  # a source picture or mask kept for lineage, not a gallery image of its own
            meta = _meta_for_bare_file(sha, path)
            if meta is not None:
                insert_from_meta(conn, meta)
                files.write_sidecar(sha, meta)
                imported += 1
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return len(metas), imported


def missing_ids(rows: Iterable[tuple[int, str, str]], files: ImageFiles, *, verify: bool = False) -> set[int]:
    """Ids among ``rows`` (id, sha, format) whose file is gone or empty (or, with ``verify``, whose bytes no longer
    match their hash). Touches only the files, not the database, so no lock need be held."""
    gone: set[int] = set()
    for id_, sha, ext in rows:
        path = files.path(sha, ext)
        try:
            ok = path.stat().st_size > 0
            if ok and verify:
                ok = sha256(path.read_bytes()) == sha
        except OSError:
            ok = False
        if not ok:
            gone.add(id_)
    return gone


def mark_missing(conn: sqlite3.Connection, files: ImageFiles, *, verify: bool = False) -> list[int]:
    """Flag records whose file is gone, clear the flag on those that are back (see :func:`missing_ids`); return the
    ids now flagged. Holds the database for the whole scan: for use while opening, before anyone else reads."""
    rows = conn.execute("SELECT id, sha, ext, missing FROM images").fetchall()
    gone = missing_ids(((i, s, e) for i, s, e, _ in rows), files, verify=verify)
    set_missing(conn, {i: i in gone for i, _, _, m in rows if bool(m) != (i in gone)})
    return sorted(gone)


def set_missing(conn: sqlite3.Connection, changes: Mapping[int, bool]) -> None:
    """Set the missing flag of each id in ``changes`` in one transaction."""
    if not changes:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany("UPDATE images SET missing = ? WHERE id = ?", [(int(v), i) for i, v in changes.items()])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def set_aside_damaged(db_path: Path) -> Path:
    """Move a damaged database (and its WAL and shared-memory files) out of the way; return the backup's path."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = db_path.with_name(f"{db_path.name}.damaged-{stamp}")
    n = 1
    while backup.exists():
        backup = db_path.with_name(f"{db_path.name}.damaged-{stamp}-{n}")
        n += 1
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(db_path) + suffix)
        if src.exists():
            os.replace(src, Path(str(backup) + suffix))
    return backup


def _meta_for_bare_file(sha: str, path: Path) -> dict[str, Any] | None:
    try:
        info = sniff(path.read_bytes())
    except (OSError, NotAnImage) as exc:
        log.warning("library file %s is unreadable (%s); left alone", path, exc)
        return None
    return {"version": SIDECAR_VERSION, "sha": sha, "ext": info.format, "kind": "import",
            "created": path.stat().st_mtime, "width": info.width, "height": info.height}
