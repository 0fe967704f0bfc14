"""The library's tables, as numbered migration steps in the "qcut_ai.library" set."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from qcut_ai.library.db import apply_migrations

library_migrations = Migrations("qcut_ai.library")

_STEP_0001: tuple[str, ...] = (
    """
    CREATE TABLE media (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        path TEXT NOT NULL,
        rel_path TEXT,
        kind TEXT NOT NULL,
        origin TEXT NOT NULL,
        created_at TEXT NOT NULL,
        duration REAL,
        width INTEGER,
        height INTEGER,
        fps REAL,
        video_codec TEXT,
        audio_codec TEXT,
        has_audio INTEGER NOT NULL DEFAULT 0,
        rotation INTEGER NOT NULL DEFAULT 0,
        size INTEGER NOT NULL DEFAULT 0,
        sha256 TEXT NOT NULL DEFAULT '',
        thumbnail TEXT,
        filmstrip TEXT,
        endpoint TEXT,
        model_id TEXT,
        model_name TEXT,
        request_id TEXT UNIQUE,
        prompt TEXT,
        negative_prompt TEXT,
        cost_estimate_usd REAL,
        rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
        favourite INTEGER NOT NULL DEFAULT 0,
        provenance TEXT,
        parent_id INTEGER REFERENCES media(id) ON DELETE SET NULL,
        relation TEXT,
        missing INTEGER NOT NULL DEFAULT 0,
        tags TEXT NOT NULL DEFAULT ''
    )
    """,
    """
    CREATE INDEX media_created_at ON media(created_at)
    """,
    """
    CREATE INDEX media_sha256 ON media(sha256)
    """,
    """
    CREATE INDEX media_parent ON media(parent_id)
    """,
    """
    CREATE TABLE tag (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE
    )
    """,
    """
    CREATE TABLE media_tag (
        media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tag(id) ON DELETE CASCADE,
        PRIMARY KEY (media_id, tag_id)
    ) WITHOUT ROWID
    """,
    """
    CREATE INDEX media_tag_tag ON media_tag(tag_id)
    """,
    """
    CREATE VIRTUAL TABLE media_fts USING fts5(
        name, prompt, model_name, tags,
        content='media', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER media_fts_insert AFTER INSERT ON media BEGIN
        INSERT INTO media_fts(rowid, name, prompt, model_name, tags)
        VALUES (new.id, new.name, new.prompt, new.model_name, new.tags);
    END
    """,
    """
    CREATE TRIGGER media_fts_delete AFTER DELETE ON media BEGIN
        INSERT INTO media_fts(media_fts, rowid, name, prompt, model_name, tags)
        VALUES ('delete', old.id, old.name, old.prompt, old.model_name, old.tags);
    END
    """,
    """
    -- Only the indexed columns: rating or path changes don't touch the index.
    CREATE TRIGGER media_fts_update AFTER UPDATE OF name, prompt, model_name, tags ON media
    BEGIN
        INSERT INTO media_fts(media_fts, rowid, name, prompt, model_name, tags)
        VALUES ('delete', old.id, old.name, old.prompt, old.model_name, old.tags);
        INSERT INTO media_fts(rowid, name, prompt, model_name, tags)
        VALUES (new.id, new.name, new.prompt, new.model_name, new.tags);
    END
    """,
)


@library_migrations(name="0001_media")
def _0001_media(db: Database) -> None:
    # One statement per execute(): executescript() would COMMIT the migration
    # transaction early.
    for statement in _STEP_0001:
        db.conn.execute(statement)


# Bins hold items by reference: deleting a bin sends its items back to the top
# level (bin_id SET NULL) and never deletes media. `bin_position` keeps the
# order items were put in their bin, the order a bin is exported in. A colour
# label is one of core.bins.COLOUR_LABELS, by name.
_STEP_0002: tuple[str, ...] = (
    """
    CREATE TABLE bin (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE,
        parent_id INTEGER REFERENCES bin(id) ON DELETE CASCADE,
        colour TEXT
    )
    """,
    """
    CREATE UNIQUE INDEX bin_name ON bin(coalesce(parent_id, 0), name)
    """,
    """
    ALTER TABLE media ADD COLUMN bin_id INTEGER REFERENCES bin(id) ON DELETE SET NULL
    """,
    """
    ALTER TABLE media ADD COLUMN bin_position REAL
    """,
    """
    ALTER TABLE media ADD COLUMN colour TEXT
    """,
    """
    CREATE INDEX media_bin ON media(bin_id, bin_position)
    """,
)


@library_migrations(name="0002_bins")
def _0002_bins(db: Database) -> None:
    for statement in _STEP_0002:
        db.conn.execute(statement)


# Comparisons of takes: which clips were set side by side, and which one won.
# `slots` is a JSON list of {"job_id", "media_id"}: a running batch's clip has
# only its job id until it lands.
_STEP_0003: tuple[str, ...] = (
    """
    CREATE TABLE comparison (
        id INTEGER PRIMARY KEY,
        batch_id TEXT UNIQUE,
        slots TEXT NOT NULL DEFAULT '[]',
        winner_id INTEGER REFERENCES media(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        picked_at TEXT
    )
    """,
)


@library_migrations(name="0003_comparisons")
def _0003_comparisons(db: Database) -> None:
    for statement in _STEP_0003:
        db.conn.execute(statement)


# Indexes for what a large library is asked without a search: the column view
# sorted by name (a million-row sort without it: over a second), and the filter
# bar's list of models (read by skipping from one model to the next, instead
# of a DISTINCT over every row: 0.6 s at a million). Building the five on a
# million existing rows takes about ten seconds, once.
_STEP_0004: tuple[str, ...] = (
    """
    CREATE INDEX media_name ON media(name COLLATE NOCASE)
    """,
    """
    CREATE INDEX media_model ON media(model_name)
    """,
    # Dates by id from a narrow index: paging search matches by date
    # (library.newest_matches) looks up a few thousand at random.
    """
    CREATE INDEX media_dates ON media(id, created_at)
    """,
    # The rating and favourite filters, newest first (library.queries.rated_page_sql):
    # without them a filter few items pass reads every row (10 s and 1 s at a million).
    """
    CREATE INDEX media_rating ON media(rating, created_at)
    """,
    """
    CREATE INDEX media_favourite ON media(favourite, created_at)
    """,
)


@library_migrations(name="0004_sort_indexes")
def _0004_sort_indexes(db: Database) -> None:
    for statement in _STEP_0004:
        db.conn.execute(statement)


def library_schema(db: Database) -> None:
    """Build the library's tables in a new database (inside the creator's transaction)."""
    library_migrations.apply(db)


def apply_library_migrations(db: Database) -> None:
    """Bring the library's tables up to date (a no-op when they are)."""
    apply_migrations(db, library_migrations)
