"""The library of every image made: file a result, find it again, tag it, trash it, follow its lineage.

One :class:`Library` per library folder. Every method is safe to call from any thread (the app files results via
``asyncio.to_thread``); image bytes are written outside the database lock, so the gallery keeps reading while a
result is being stored. Listeners hear of every change, on the thread that made it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from dalle_studio.library import database as db
from dalle_studio.library import recovery
from dalle_studio.library.files import ImageFiles, sha256, sniff
from dalle_studio.library.records import ImageRecord, ImportReport, Kind, Lineage, NewResult, Query
from dalle_studio.library.scrub import scrub, scrub_text

log = logging.getLogger(__name__)

DB_NAME = "library.sqlite3"
_OPEN_MARKER = ".open"  # present while a library is open; found at open time, it means the last session crashed


@dataclass(frozen=True)
class LibraryEvent:
    """``added``/``changed``/``removed`` name the ids concerned; ``reset`` means reload everything."""

    kind: Literal["added", "changed", "removed", "reset"]
    ids: tuple[int, ...] = ()


Listener = Callable[[LibraryEvent], None]


class Library:
    """Every image ever made, with its metadata, in one folder (see DESIGN.md, Storage)."""

    def __init__(self, folder: Path, *, durable: bool = True) -> None:
        """Open the library in ``folder`` (created if needed). Never raises for a damaged database or missing files:
        it repairs what it can and says so in :attr:`warnings`. ``durable=False`` (no fsync) is for generating
        throwaway libraries only."""
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.durable = durable
        self.files = ImageFiles(self.folder, durable=durable)
        self.db_path = self.folder / DB_NAME
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._warnings: list[str] = []
        self._generation = 0  # counts committed changes: the cached order below is good for one generation
        self._order_cache: tuple[tuple[Query, int], np.ndarray] | None = None
        swept = self.files.sweep_incoming()
        marker = self.folder / _OPEN_MARKER
        crashed = marker.exists() or swept > 0
        self._conn = self._open_database(crashed)
        marker.write_text(str(os.getpid()))
        if crashed:
            self._reconcile()

    # ---- lifecycle -------------------------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("PRAGMA optimize")
            self._conn.close()
            with contextlib.suppress(FileNotFoundError):
                (self.folder / _OPEN_MARKER).unlink()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def warnings(self) -> list[str]:
        """What the user should be told about the library's state (repairs made, files missing), oldest first."""
        with self._lock:
            return list(self._warnings)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(event)`` after every change; returns a function that unsubscribes."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)
        return unsubscribe

    # ---- filing results --------------------------------------------------------------------------------------

    def add_result(self, result: NewResult) -> ImageRecord:
        """File one image and its metadata; return its record. Idempotent on the image's bytes (the same file added
        twice is one image). Raises ``NotAnImage`` for bytes that are not a PNG/JPEG/WebP, ``ValueError`` for an
        unknown kind or parent id. Credentials in the metadata are dropped and key-shaped text is redacted."""
        kind = Kind(result.kind).value
        info = sniff(result.image)
        sha = sha256(result.image)
        existing = self.find_by_sha(sha)
        parents: list[str] = []
        if result.parent_ids:
            found = self.get_many(result.parent_ids)
            unknown = [i for i in result.parent_ids if i not in found]
            if unknown:
                raise ValueError(f"no library images with ids {unknown}")
            parents.extend(found[i].sha for i in result.parent_ids)
        # Every part is checked before anything is written: a refused part leaves no trace.
        lineage = [(source, sniff(source).format, sha256(source)) for source in result.source_images]
        parents.extend(src_sha for _, _, src_sha in lineage)
        if result.mask is not None:
            lineage.append((result.mask, sniff(result.mask).format, sha256(result.mask)))
        mask_sha = lineage[-1][2] if result.mask is not None else None
        meta = {
            "version": recovery.SIDECAR_VERSION, "sha": sha, "ext": info.format, "kind": kind,
            "prompt": scrub_text(result.prompt), "revised_prompt": scrub_text(result.revised_prompt),
            "model": scrub_text(result.model), "provider": scrub_text(result.provider), "size": result.size,
            "quality": result.quality, "params": scrub(dict(result.params)), "cost": result.cost,
            "usage": scrub(dict(result.usage)), "created": float(result.created), "width": info.width,
            "height": info.height, "favourite": False, "tags": sorted({db.normalise_tag(t) for t in result.tags}),
            "trashed_at": None, "mask_sha": mask_sha, "parents": list(dict.fromkeys(p for p in parents if p != sha)),
            "title": scrub_text(result.title), "source": scrub_text(result.source),
        }
        # Order matters for crash safety: the sidecar first (the whole filing: metadata, lineage), then the source
        # pictures and mask, then the image, then the row. A kill at any point leaves files the next open either
        # completes into this result (the image is there: its sidecar gives its prompt, model and lineage) or keeps
        # out of the gallery (lineage files a sidecar claims); the row never points at a file that is not whole.
        if existing is None:
            self.files.write_sidecar(sha, meta)
        for data, fmt, part_sha in lineage:
            self.files.put(data, fmt, part_sha)
        self.files.put(result.image, info.format, sha)
        if existing is not None:
            if existing.trashed:  # filed again: the user meant to keep it
                self.restore([existing.id])
                existing = self.get(existing.id) or existing
            return existing
        with self._lock, self._transaction():
            new_id, inserted = recovery.insert_from_meta(self._conn, meta)
        if inserted:
            self._emit(LibraryEvent("added", (new_id,)))
        record = self.get(new_id)
        assert record is not None
        return record

    def import_files(self, paths: Iterable[str | os.PathLike[str]]) -> ImportReport:
        """Bring existing images (files, or folders searched recursively) into the library; see
        :func:`dalle_studio.library.importing.import_files`."""
        from dalle_studio.library.importing import import_files

        return import_files(self, [Path(p) for p in paths])

    # ---- reading ---------------------------------------------------------------------------------------------

    def ids(self, query: Query = Query()) -> list[int]:  # noqa: B008 - Query is frozen
        """Ids of the images ``query`` selects, in its order. Fast enough to call on every keystroke at 100,000
        images: the order without the text is read once per change of the library (or of the other filters), and
        each keystroke only asks the full-text index which ids match, then keeps those in that order."""
        match = db.fts_match(query.text)
        base = dataclasses.replace(query, text="")
        with self._lock:
            cached = self._order_cache
            if cached is None or cached[0] != (base, self._generation):
                sql, args = db.query_sql(base)
                cached = self._order_cache = ((base, self._generation), db.fetch_ids(self._conn, sql, args))
            order = cached[1]
            if match is None:
                return order.tolist()
            matched = db.matching_ids(self._conn, match)
        return order[np.isin(order, matched, assume_unique=True)].tolist()

    def get(self, image_id: int) -> ImageRecord | None:
        return self.get_many([image_id]).get(image_id)

    def get_many(self, ids: Sequence[int]) -> dict[int, ImageRecord]:
        """Records for those of ``ids`` that exist, keyed by id."""
        with self._lock:
            return db.fetch_records(self._conn, self.files, ids)

    def find_by_sha(self, sha: str) -> ImageRecord | None:
        with self._lock:
            row = self._conn.execute("SELECT id FROM images WHERE sha = ?", (sha,)).fetchone()
        return self.get(row[0]) if row else None

    def read_bytes(self, image_id: int) -> bytes:
        """The stored file's bytes. Raises ``KeyError`` for an unknown id, ``OSError`` when the file is gone."""
        record = self.get(image_id)
        if record is None:
            raise KeyError(image_id)
        return record.path.read_bytes()

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM images WHERE trashed_at IS NULL").fetchone()[0])

    def models(self) -> list[str]:
        """Every model name that made an image in the library, sorted."""
        with self._lock:
            return [m for (m,) in self._conn.execute("SELECT DISTINCT model FROM images WHERE model != '' ORDER BY 1")]

    def tags(self) -> list[str]:
        """Every tag in use, sorted."""
        with self._lock:
            rows = self._conn.execute("SELECT DISTINCT tags FROM images WHERE tags != ''").fetchall()
        return sorted({t for (tags,) in rows for t in db.split_tags(tags)})

    def lineage(self, image_id: int) -> Lineage:
        """Where the image came from (library parents, stored source pictures, the mask) and what was made from
        it. Raises ``KeyError`` for an unknown id."""
        record = self.get(image_id)
        if record is None:
            raise KeyError(image_id)
        with self._lock:
            parent_rows = {sha: i for sha, i in self._conn.execute(
                f"SELECT sha, id FROM images WHERE sha IN ({','.join('?' * len(record.parent_shas))})",
                record.parent_shas)} if record.parent_shas else {}
            child_ids = [i for (i,) in self._conn.execute(
                "SELECT child_id FROM parents WHERE parent_sha = ? ORDER BY child_id", (record.sha,))]
        parents_by_id = self.get_many(list(parent_rows.values()))
        children = self.get_many(child_ids)
        sources = tuple(p for sha in record.parent_shas if sha not in parent_rows
                        if (p := self.files.find(sha)) is not None)
        mask = self.files.find(record.mask_sha) if record.mask_sha else None
        return Lineage(
            parents=tuple(parents_by_id[parent_rows[s]] for s in record.parent_shas if s in parent_rows),
            source_files=sources, mask=mask, children=tuple(children[i] for i in child_ids if i in children),
        )

    # ---- changing --------------------------------------------------------------------------------------------

    def set_favourite(self, ids: Sequence[int], favourite: bool = True) -> None:
        self._update(ids, "UPDATE images SET favourite = ? WHERE id = ?", lambda r: (int(favourite), r.id),
                     lambda m: m.update(favourite=favourite))

    def add_tags(self, ids: Sequence[int], tags: Iterable[str]) -> None:
        new = {db.normalise_tag(t) for t in tags} - {""}
        self._retag(ids, lambda old: old | new)

    def remove_tags(self, ids: Sequence[int], tags: Iterable[str]) -> None:
        gone = {db.normalise_tag(t) for t in tags}
        self._retag(ids, lambda old: old - gone)

    def trash(self, ids: Sequence[int]) -> None:
        """Move images to the trash: out of the gallery, back with :meth:`restore` until :meth:`empty_trash`."""
        now = time.time()
        self._update(ids, "UPDATE images SET trashed_at = ? WHERE id = ?", lambda r: (now, r.id),
                     lambda m: m.update(trashed_at=now), event="removed")

    def restore(self, ids: Sequence[int]) -> None:
        """Take images out of the trash (the undo of :meth:`trash`)."""
        self._update(ids, "UPDATE images SET trashed_at = NULL WHERE id = ?", lambda r: (r.id,),
                     lambda m: m.update(trashed_at=None), event="added")

    def empty_trash(self) -> int:
        """Delete every image in the trash for good; return how many. Files another image's lineage still refers
        to are kept (as lineage sources), the rest are deleted."""
        with self._lock, self._transaction():
            rows = self._conn.execute("SELECT id, sha FROM images WHERE trashed_at IS NOT NULL").fetchall()
            self._conn.executemany("DELETE FROM images WHERE id = ?", [(i,) for i, _ in rows])
            referenced = {s for (s,) in self._conn.execute("SELECT parent_sha FROM parents")}
            referenced |= {s for (s,) in self._conn.execute("SELECT mask_sha FROM images WHERE mask_sha IS NOT NULL")}
        for _, sha in rows:
            if sha in referenced:
                with contextlib.suppress(FileNotFoundError):
                    self.files.sidecar(sha).unlink()
            else:
                self.files.remove(sha)
        if rows:
            self._emit(LibraryEvent("removed", tuple(i for i, _ in rows)))
        return len(rows)

    def check_files(self, *, verify: bool = False) -> list[int]:
        """Flag images whose file is missing (or, with ``verify``, damaged) and unflag those that are back; return
        the ids flagged. Listeners hear of the images whose flag changed; a warning is added when any are newly
        missing. Reads every file's status (every file, with ``verify``): call it off the UI thread."""
        with self._lock:
            rows = self._conn.execute("SELECT id, sha, ext, missing FROM images").fetchall()
        gone = recovery.missing_ids(((i, s, e) for i, s, e, _ in rows), self.files, verify=verify)
        changes = {i: i in gone for i, _, _, was in rows if bool(was) != (i in gone)}
        with self._lock:
            recovery.set_missing(self._conn, changes)
            newly = [i for i, now in changes.items() if now]
            if newly:
                self._warnings.append(f"{len(newly)} image file(s) are missing or damaged; they are marked in the "
                                      "gallery.")
        if changes:
            self._emit(LibraryEvent("changed", tuple(sorted(changes))))
        return sorted(gone)

    # ---- internals -------------------------------------------------------------------------------------------

    def _open_database(self, crashed: bool) -> sqlite3.Connection:
        try:
            conn = db.connect(self.db_path, durable=self.durable)
            if crashed and not db.quick_check(conn):
                conn.close()
                raise sqlite3.DatabaseError("integrity check failed")
            conn.execute("SELECT count(*) FROM images").fetchone()
            return conn
        except sqlite3.DatabaseError as exc:
            log.error("library database %s is damaged (%s); rebuilding it from the image files", self.db_path, exc)
            backup = recovery.set_aside_damaged(self.db_path)
            conn = db.connect(self.db_path, durable=self.durable)
            adopted, imported = recovery.adopt_orphans(conn, self.files)
            self._warnings.append(
                f"The library database was damaged and has been rebuilt from the image files "
                f"({adopted + imported} images recovered). The damaged copy was kept as {backup.name}.")
            return conn

    def _reconcile(self) -> None:
        with self._lock:
            adopted, imported = recovery.adopt_orphans(self._conn, self.files)
            missing = recovery.mark_missing(self._conn, self.files)
        if adopted or imported:
            log.info("library: recovered %d image(s) filed just before a crash", adopted + imported)
        if missing:
            self._warnings.append(f"{len(missing)} image file(s) are missing; they are marked in the gallery.")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")
        self._generation += 1

    def _retag(self, ids: Sequence[int], change: Callable[[set[str]], set[str]]) -> None:
        def args(record: ImageRecord) -> tuple[Any, ...]:
            return (db.join_tags(sorted(change(set(record.tags)))), record.id)
        self._update(ids, "UPDATE images SET tags = ? WHERE id = ?", args,
                     lambda m: m.update(tags=sorted(change(set(m.get("tags", []))))))

    def _update(self, ids: Sequence[int], sql: str, args: Callable[[ImageRecord], tuple[Any, ...]],
                edit_meta: Callable[[dict[str, Any]], None], event: Literal["changed", "added", "removed"] = "changed",
                ) -> None:
        records = self.get_many(ids)
        for record in records.values():  # sidecars first: a rebuild then knows at least as much as the database
            meta = self.files.read_sidecar(record.sha)
            if meta is not None:
                edit_meta(meta)
                self.files.write_sidecar(record.sha, meta)
        with self._lock, self._transaction():
            self._conn.executemany(sql, [args(r) for r in records.values()])
        if records:
            self._emit(LibraryEvent(event, tuple(records)))

    def _emit(self, event: LibraryEvent) -> None:
        with self._lock:
            self._generation += 1
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a broken view must not stop results being filed
                log.exception("library listener failed")
