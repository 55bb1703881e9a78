"""The library database's schema, as numbered migrations applied in order inside one transaction each.

``PRAGMA user_version`` records how far a database has come. A migration is never edited once released: a change
is a new migration at the end of :data:`MIGRATIONS`.
"""

from __future__ import annotations

import sqlite3

_V1 = """
CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    sha TEXT NOT NULL UNIQUE,
    ext TEXT NOT NULL,
    kind TEXT NOT NULL,
    prompt TEXT NOT NULL DEFAULT '',
    revised_prompt TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    provider TEXT NOT NULL DEFAULT '',
    size TEXT NOT NULL DEFAULT '',
    quality TEXT NOT NULL DEFAULT '',
    params TEXT NOT NULL DEFAULT '{}',
    cost REAL,
    usage TEXT NOT NULL DEFAULT '{}',
    created REAL NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    favourite INTEGER NOT NULL DEFAULT 0,
    tags TEXT NOT NULL DEFAULT '',
    trashed_at REAL,
    missing INTEGER NOT NULL DEFAULT 0,
    mask_sha TEXT
);
CREATE INDEX images_created ON images(created);
CREATE INDEX images_model ON images(model);
CREATE TABLE parents (
    child_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    parent_sha TEXT NOT NULL,
    PRIMARY KEY (child_id, parent_sha)
);
CREATE INDEX parents_parent ON parents(parent_sha);
CREATE VIRTUAL TABLE images_fts USING fts5(
    prompt, revised_prompt, params, model, tags,
    content='images', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER images_ai AFTER INSERT ON images BEGIN
    INSERT INTO images_fts(rowid, prompt, revised_prompt, params, model, tags)
    VALUES (new.id, new.prompt, new.revised_prompt, new.params, new.model, new.tags);
END;
CREATE TRIGGER images_ad AFTER DELETE ON images BEGIN
    INSERT INTO images_fts(images_fts, rowid, prompt, revised_prompt, params, model, tags)
    VALUES ('delete', old.id, old.prompt, old.revised_prompt, old.params, old.model, old.tags);
END;
CREATE TRIGGER images_au AFTER UPDATE OF prompt, revised_prompt, params, model, tags ON images BEGIN
    INSERT INTO images_fts(images_fts, rowid, prompt, revised_prompt, params, model, tags)
    VALUES ('delete', old.id, old.prompt, old.revised_prompt, old.params, old.model, old.tags);
    INSERT INTO images_fts(rowid, prompt, revised_prompt, params, model, tags)
    VALUES (new.id, new.prompt, new.revised_prompt, new.params, new.model, new.tags);
END;
"""

# Trash listing and the favourites filter are common gallery views: index them.
_V2 = """
CREATE INDEX images_trashed ON images(trashed_at);
CREATE INDEX images_favourite ON images(favourite) WHERE favourite = 1;
"""

# At 100,000 images: prefix indexes make the first letters typed cheap to search (a one-letter prefix otherwise
# merges every word that starts with it), and the gallery's order (not trashed, by date) is read from an index
# rather than sorted. A title (what the gallery calls an image with no prompt of its own, e.g. "Variation of
# rocket.jpg") and the name of the file a picture came from; search covers them, and the kind, too.
_FTS_COLUMNS = "prompt, revised_prompt, params, model, tags, kind, title, source"
_V3 = f"""
ALTER TABLE images ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE images ADD COLUMN source TEXT NOT NULL DEFAULT '';
UPDATE images SET source = json_extract(params, '$.file') WHERE kind = 'import' AND json_valid(params)
    AND json_type(params, '$.file') = 'text';
DROP TRIGGER images_ai;
DROP TRIGGER images_ad;
DROP TRIGGER images_au;
DROP TABLE images_fts;
CREATE VIRTUAL TABLE images_fts USING fts5(
    {_FTS_COLUMNS}, content='images', content_rowid='id', tokenize='unicode61 remove_diacritics 2',
    prefix='1 2 3'
);
CREATE TRIGGER images_ai AFTER INSERT ON images BEGIN
    INSERT INTO images_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, new.prompt, new.revised_prompt, new.params,
        new.model, new.tags, new.kind, new.title, new.source);
END;
CREATE TRIGGER images_ad AFTER DELETE ON images BEGIN
    INSERT INTO images_fts(images_fts, rowid, {_FTS_COLUMNS}) VALUES ('delete', old.id, old.prompt,
        old.revised_prompt, old.params, old.model, old.tags, old.kind, old.title, old.source);
END;
CREATE TRIGGER images_au AFTER UPDATE OF {_FTS_COLUMNS} ON images BEGIN
    INSERT INTO images_fts(images_fts, rowid, {_FTS_COLUMNS}) VALUES ('delete', old.id, old.prompt,
        old.revised_prompt, old.params, old.model, old.tags, old.kind, old.title, old.source);
    INSERT INTO images_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, new.prompt, new.revised_prompt, new.params,
        new.model, new.tags, new.kind, new.title, new.source);
END;
INSERT INTO images_fts(images_fts) VALUES ('rebuild');
CREATE INDEX images_shown ON images(trashed_at, created, id);
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3)
LATEST = len(MIGRATIONS)


class SchemaTooNew(RuntimeError):
    """The database was written by a newer version of the app; opening it could lose data."""


def migrate(conn: sqlite3.Connection) -> int:
    """Bring ``conn``'s database up to :data:`LATEST`; return the version it started at."""
    start = conn.execute("PRAGMA user_version").fetchone()[0]
    if start > LATEST:
        raise SchemaTooNew(
            f"the library was written by a newer DALL·E Studio (schema {start}, this one knows {LATEST})")
    for version in range(start, LATEST):
        # executescript commits first; the explicit BEGIN makes each migration all-or-nothing.
        conn.executescript(f"BEGIN IMMEDIATE;\n{MIGRATIONS[version]}\nPRAGMA user_version = {version + 1};\nCOMMIT;")
    return start
