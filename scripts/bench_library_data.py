"""Large synthetic libraries for bench_library.py, built once with bulk SQL and cached.

A library of a million items cannot be built through `MediaRepository.add_many`
on every run (about a minute, and a million `NewMedia` objects in memory). The
rows are the same as `bench_common.library_rows` gives (same seed, same words,
about 1 % "dragon"), written straight into the project's real schema (made by
`open_project_db`, so every migration and index is there) with one
`executemany` and one FTS5 rebuild, and into the reference schema beside it.
Each run copies both databases into its scratch folder with SQLite's backup
API, so the measured adds never touch the cache. The clips' empty files stay
in the cache (the library checks that its files exist, and a real one's do).
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bench_common as bc

# Bump when the generated rows change; the schema's own version is in the key too.
DATA_VERSION = 1
_PROMPT, _REQUEST = "\x01prompt\x01", "\x01request\x01"

BASE_SCHEMA = (
    "CREATE TABLE media(id INTEGER PRIMARY KEY, name TEXT, path TEXT, type TEXT, duration REAL, "
    "width INT, height INT, model TEXT, prompt TEXT, cost REAL, created_at TEXT, thumbnail TEXT)",
    "CREATE INDEX media_created ON media(created_at)",
    "CREATE VIRTUAL TABLE media_fts USING fts5(prompt, name, content='media', content_rowid='id')",
)
BASE_TRIGGER = (
    "CREATE TRIGGER media_ai AFTER INSERT ON media BEGIN INSERT INTO media_fts(rowid, prompt, name)"
    " VALUES (new.id, new.prompt, new.name); END"
)
BASE_INSERT = "INSERT INTO media VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?)"


def rows(n: int, thumbs: list[Path], media: Path) -> Iterator[dict[str, Any]]:
    """The rows of `bench_common.library_rows(n, ...)`, lazily and without touching files."""
    rng = random.Random(n)
    words_of = bc.WORDS
    for i in range(n):
        words = rng.choices(words_of, k=rng.randint(15, 40))
        if i % 100 == 7:
            words[rng.randrange(len(words))] = "dragon"
        yield {
            "i": i,
            "name": f"AI (Veo 3.1 Fast) - clip {i:06d}.mp4",
            "path": str(media / f"clip_{i:06d}.mp4"),
            "prompt": " ".join(words),
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(1.7e9 + i)) + ".000Z",
            "thumbnail": str(thumbs[i % len(thumbs)]),
        }


def baseline_values(row: dict[str, Any]) -> tuple[Any, ...]:
    """One row of the reference schema."""
    return (
        row["name"],
        row["path"],
        "video",
        5.0,
        1920,
        1080,
        "Veo 3.1 Fast",
        row["prompt"],
        0.6,
        row["created_at"],
        row["thumbnail"],
    )


def create_baseline(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL"):
        conn.execute(f"PRAGMA {pragma}")
    for sql in BASE_SCHEMA:
        conn.execute(sql)
    return conn


def _project_values(n: int, thumbs: list[Path], media: Path) -> Iterator[tuple[Any, ...]]:
    """The project's INSERT parameters, from one template row (as add_many would write them)."""
    from qcut_ai.library.media_rows import MEDIA_COLUMNS, insert_params

    columns = [c.strip() for c in MEDIA_COLUMNS.split(",")]
    at = {name: k for k, name in enumerate(columns)}
    first = next(rows(1, thumbs, media))
    template = list(
        insert_params(bc.new_media({**first, "prompt": _PROMPT, "i": 0}), None)  # no root
    )
    provenance = str(template[at["provenance"]]).replace("req-000000000", _REQUEST)
    for row in rows(n, thumbs, media):
        values = list(template)
        request = f"req-{row['i']:09d}"
        values[at["name"]] = row["name"]
        values[at["path"]] = row["path"]
        values[at["created_at"]] = row["created_at"]
        values[at["sha256"]] = f"{row['i']:064x}"
        values[at["thumbnail"]] = row["thumbnail"]
        values[at["request_id"]] = request
        values[at["prompt"]] = row["prompt"]
        values[at["provenance"]] = provenance.replace(_PROMPT, row["prompt"]).replace(
            _REQUEST, request
        )
        yield tuple(values)


def _schema_key() -> str:
    from qcut_ai.library import schema

    names = sorted(name for name in vars(schema) if name.startswith("_STEP_"))
    text = repr([getattr(schema, name) for name in names])
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def cached_library(cache: Path, n: int, thumbs: list[Path]) -> Path:
    """The folder holding `project/` (the real schema), `baseline.db` and `media/`."""
    home = cache / f"library-{n}-v{DATA_VERSION}-{_schema_key()}"
    if (home / "complete").exists():
        return home
    if home.exists():
        shutil.rmtree(home)  # an interrupted build
    building = home.with_name(home.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    media = home / "media"  # the rows name their final place
    (building / "media").mkdir(parents=True)
    for row in rows(n, thumbs, media):
        name = Path(row["path"]).name
        os.close(os.open(building / "media" / name, os.O_CREAT | os.O_WRONLY, 0o644))
    _build_project(building / "project", n, thumbs, media)
    base = create_baseline(building / "baseline.db")
    base.execute("BEGIN")
    base.executemany(BASE_INSERT, (baseline_values(r) for r in rows(n, thumbs, media)))
    base.execute("INSERT INTO media_fts(media_fts) VALUES ('rebuild')")
    base.execute("COMMIT")
    base.execute(BASE_TRIGGER)
    base.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    base.close()
    (building / "complete").write_text(f"{n}\n", encoding="utf-8")
    building.rename(home)
    return home


def _build_project(root: Path, n: int, thumbs: list[Path], media: Path) -> None:
    from qcut_ai.core.project import ProjectPaths
    from qcut_ai.library.media_rows import INSERT_SQL
    from qcut_ai.library.project_db import open_project_db

    project = ProjectPaths.at(root).ensure()
    db = open_project_db(project)
    conn = db.conn
    (trigger,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'media_fts_insert'"
    ).fetchone()
    conn.execute("BEGIN")
    conn.execute("DROP TRIGGER media_fts_insert")
    conn.executemany(INSERT_SQL, _project_values(n, thumbs, media))
    conn.execute("INSERT INTO media_fts(media_fts) VALUES ('rebuild')")
    conn.execute(trigger)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def copy_database(source: Path, target: Path) -> None:
    """Copy a closed database with SQLite's backup API (never a plain file copy)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()
        src.close()
