"""Two processes writing one project database: nothing committed is ever lost.

Each child keeps one connection open for its whole run (as the window's
library thread does) while it opens, writes through and closes others, the
pattern that lost thousands of committed rows when a plain `open()` of the
database dropped the process's SQLite locks.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from qcut_ai.core.project import ProjectPaths
from qcut_ai.library.project_db import open_project_db

from .conftest import CHILD_TIMEOUT_S

ROWS_PER_CHILD = 400

CHILD = r"""
import json, os, sys
from pathlib import Path
from qcut_ai.library.project_db import open_project_db
from qcut_ai.core.project import ProjectPaths

project, tag, rows = ProjectPaths.at(sys.argv[1]), sys.argv[2], int(sys.argv[3])
held = open_project_db(project)  # stays open for the whole run
for i in range(rows):
    db = open_project_db(project)
    db.conn.execute("INSERT INTO stress (tag, i) VALUES (?, ?)", [tag, i])
    db.close()
    if i % 25 == 0:
        held.conn.execute("SELECT count(*) FROM stress").fetchone()
deleted = []
for fd in os.listdir("/proc/self/fd"):
    try:
        target = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        continue
    if "qcut-ai.db" in target and target.endswith("(deleted)"):
        deleted.append(target)
print(json.dumps({"deleted": deleted}))
held.close()
"""


def test_two_processes_sharing_a_project_database_lose_no_committed_row(tmp_path: Path) -> None:
    project = ProjectPaths.at(tmp_path / "P").ensure()
    db = open_project_db(project)
    db.conn.execute("CREATE TABLE stress (tag TEXT NOT NULL, i INTEGER NOT NULL)")
    db.close()

    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(project.root), tag, str(ROWS_PER_CHILD)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    for child in children:
        out, err = child.communicate(timeout=CHILD_TIMEOUT_S)
        assert child.returncode == 0, err
        assert json.loads(out.strip().splitlines()[-1]) == {"deleted": []}

    conn = sqlite3.connect(project.database)
    try:
        counts = dict(conn.execute("SELECT tag, count(*) FROM stress GROUP BY tag").fetchall())
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert counts == {"a": ROWS_PER_CHILD, "b": ROWS_PER_CHILD}


NEW_PROJECT_CHILD = r"""
import sys
from qcut_ai.cli import main
sys.exit(main(["jobs", "--project", sys.argv[1], "--json"]))
"""


def test_processes_opening_a_new_project_at_once_all_succeed(tmp_path: Path) -> None:
    """Schema setup under concurrency: each opener waits for the other, none fails."""
    failures = []
    for round_ in range(5):
        root = tmp_path / f"New{round_}"
        children = [
            subprocess.Popen(
                [sys.executable, "-c", NEW_PROJECT_CHILD, str(root)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(10)
        ]
        for child in children:
            _, err = child.communicate(timeout=CHILD_TIMEOUT_S)
            if child.returncode != 0:
                failures.append(err.strip())
    assert failures == []
