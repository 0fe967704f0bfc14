"""A finished job's clip is announced as soon as it is usable, then once more when
its filmstrip, hash and embedded provenance are done."""

from __future__ import annotations

from pathlib import Path

from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.events import JobEvent
from qcut_ai.core.job_state import JobState
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.engine.batch import journal_batch, plan
from qcut_ai.engine.journal import JobJournal
from qcut_ai.library import provenance as prov_io
from qcut_ai.library.probe import sha256_file
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository


def test_the_clip_is_announced_before_its_filmstrip_and_again_after(setup) -> None:  # type: ignore[no-untyped-def]
    _server, runner, project = setup
    request = GenerationRequest(prompt="a heron at dawn")
    db = open_project_db(project)
    try:
        (record,) = journal_batch(
            JobJournal(db), plan([load_catalog().get("wan-2.2-turbo")], request), request
        )
    finally:
        db.close()
    events: list[JobEvent] = []
    job = runner.run(record.id, events.append)
    assert job.state is JobState.DONE

    with_media = [e for e in events if e.media is not None]
    assert [e.refreshed for e in with_media] == [False, True]
    first, final = with_media[0].media, with_media[1].media
    assert first is not None and final is not None and first.id == final.id == job.media_id
    assert with_media[0].state is JobState.DONE  # the job is done when the clip is usable
    assert first.thumbnail and first.filmstrip is None and first.probe.sha256 == ""
    path = Path(final.path)
    assert final.filmstrip and Path(final.filmstrip).is_file()
    assert final.probe.sha256 == sha256_file(path)
    assert prov_io.read_embedded(path) is not None

    db = open_project_db(project)
    try:
        assert MediaRepository(db, project.root).get(final.id) == final
    finally:
        db.close()
