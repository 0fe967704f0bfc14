"""History can run every batch again, including those made from local files.

The runner keeps what it added (the uploaded inputs and their hashes) apart
from what the user asked for, so the journaled request always reads back as
a request; an older journal row that mixed them is split by a migration.
"""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.job_state import JobState
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.engine.batch import journal_batch, plan
from qcut_ai.engine.history import load_history
from qcut_ai.engine.journal import JobJournal
from qcut_ai.library.project_db import open_project_db

MODEL = "kling-2.5-turbo-pro-i2v"


def _still(path: Path) -> Path:
    Image.new("RGB", (640, 360), (200, 120, 40)).save(path)
    return path


def _journal(project, request: GenerationRequest) -> str:  # type: ignore[no-untyped-def]
    db = open_project_db(project)
    try:
        (record,) = journal_batch(
            JobJournal(db), plan([load_catalog().get(MODEL)], request), request
        )
    finally:
        db.close()
    return record.id


def test_an_image_to_video_batch_from_a_local_file_runs_again_from_history(  # type: ignore[no-untyped-def]
    setup, tmp_path: Path
) -> None:
    server, runner, project = setup
    image = _still(tmp_path / "still.png")
    request = GenerationRequest(prompt="the dune grass sways", image=str(image))
    first = runner.run(_journal(project, request))
    assert first.state is JobState.DONE
    assert first.inputs and first.inputs[0]["path"] == str(image)

    (batch,) = load_history(project)
    assert batch.request is not None, "History says the batch cannot be run again"
    assert batch.request.image == str(image)
    again = runner.run(_journal(project, batch.request))
    assert again.state is JobState.DONE
    assert len(server.submissions) == 2
    assert len(server.uploads) == 2  # the file is uploaded again for the new job


def test_rows_written_before_the_split_are_readable_again(setup) -> None:  # type: ignore[no-untyped-def]
    _server, _runner, project = setup
    job_id = _journal(project, GenerationRequest(prompt="waves", image="/x/still.png"))
    db = open_project_db(project)
    try:
        # How an older version journaled it: the inputs inside the request.
        mixed = {"prompt": "waves", "image": "/x/still.png", "inputs": [{"role": "image"}]}
        db.conn.execute(
            "UPDATE jobs SET request_json = ?, inputs_json = NULL WHERE id = ?",
            [json.dumps(mixed), job_id],
        )
        db.conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm003_inputs'")
        db.conn.execute("ALTER TABLE jobs DROP COLUMN inputs_json")
    finally:
        db.close()
    (batch,) = load_history(project)
    assert batch.request == GenerationRequest(prompt="waves", image="/x/still.png")
    db = open_project_db(project)
    try:
        assert JobJournal(db).get(job_id).inputs == [{"role": "image"}]
    finally:
        db.close()
