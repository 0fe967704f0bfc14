"""A lost, empty or damaged project database: refused (never a silent empty library),
backed up once, and rebuilt from the clips' provenance with the user's edits."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from qcut_ai.cli import main
from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.job_state import JobState
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.engine.batch import journal_batch, plan
from qcut_ai.engine.journal import JobJournal
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository


def _generate(runner, project: ProjectPaths, prompts: list[str]) -> None:  # type: ignore[no-untyped-def]
    spec = load_catalog().get("wan-2.2-turbo")
    for prompt in prompts:
        request = GenerationRequest(prompt=prompt)
        db = open_project_db(project)
        try:
            (record,) = journal_batch(JobJournal(db), plan([spec], request), request)
        finally:
            db.close()
        assert runner.run(record.id).state is JobState.DONE


def _edit(project: ProjectPaths) -> dict[str, tuple[object, ...]]:
    """Rename, tag, rate and star the clips the way the panel does; what to expect back."""
    db = open_project_db(project)
    try:
        repo = MediaRepository(db, project.root)
        first, second = sorted(repo.list_recent(), key=lambda i: i.id)
        repo.rename(first.id, "Opening shot")
        repo.set_tags(first.id, ["hero", "dawn"])
        repo.set_rating(first.id, 4)
        repo.set_favourite(second.id, True)
        return {
            str(first.probe.sha256): ("Opening shot", ["dawn", "hero"], 4, False, first.prompt),
            str(second.probe.sha256): (second.display_name, [], 0, True, second.prompt),
        }
    finally:
        db.close()


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_an_emptied_database_is_refused_then_rebuilt_with_the_users_edits(  # type: ignore[no-untyped-def]
    setup, capsys: pytest.CaptureFixture[str]
) -> None:
    _server, runner, project = setup
    _generate(runner, project, ["a lighthouse at dusk", "gulls over the harbour"])
    expected = _edit(project)
    # A sync tool (or a crash) truncates the file; its WAL goes with it.
    for suffix in ("-wal", "-shm"):
        Path(str(project.database) + suffix).unlink(missing_ok=True)
    os.truncate(project.database, 0)

    for args in (["library", "list"], ["jobs"], ["resume"]):
        code, _, err = _cli(capsys, *args, "--project", str(project.root))
        assert code == 2, err
        assert "is damaged (the file is empty)" in err and "library rebuild" in err
    assert project.database.stat().st_size == 0  # never silently made into a new library
    assert len(list(project.root.glob("qcut-ai.db.corrupt-*.bak"))) == 1  # one copy only

    code, out, err = _cli(capsys, "library", "rebuild", "--project", str(project.root), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["restored"] == 2 and result["generated"] == 2 and result["skipped"] == []

    db = open_project_db(project)
    try:
        items = MediaRepository(db, project.root).list_recent()
    finally:
        db.close()
    found = {
        i.probe.sha256: (i.display_name, sorted(i.tags), i.rating, i.favourite, i.prompt)
        for i in items
    }
    assert found == expected
    assert all(i.model_name == "Wan 2.2 Turbo" and i.request_id for i in items)


def test_a_healthy_database_is_only_rebuilt_when_forced(  # type: ignore[no-untyped-def]
    setup, capsys: pytest.CaptureFixture[str]
) -> None:
    _server, runner, project = setup
    _generate(runner, project, ["a quiet lake"])
    code, _, err = _cli(capsys, "library", "rebuild", "--project", str(project.root))
    assert code == 2 and "healthy" in err and "--force" in err
    code, out, err = _cli(capsys, "library", "rebuild", "--force", "--project", str(project.root))
    assert code == 0, err
    assert "1 item(s)" in out and ".before-rebuild-" in out
    assert list(project.root.glob("qcut-ai.db.before-rebuild-*.bak"))


def test_a_damaged_database_is_backed_up_once_however_often_it_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = ProjectPaths.at(tmp_path / "P").ensure()
    project.database.write_bytes(b"this is not a database\n" * 500)
    for _ in range(4):
        for args in (["jobs"], ["library", "list"]):
            code, _, err = _cli(capsys, *args, "--project", str(project.root))
            assert code == 2 and "damaged" in err
    assert len(list(project.root.glob("qcut-ai.db.corrupt-*.bak"))) == 1
