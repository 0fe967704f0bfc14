"""A clip made from a local image names that image in its details, not the upload's URL."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.job_state import JobState
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.engine.batch import journal_batch, plan
from qcut_ai.engine.journal import JobJournal
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository
from qcut_ai.ui.library.item_text import details_rows

MODEL = "kling-2.5-turbo-pro-i2v"


def test_the_details_of_an_image_to_video_clip_name_the_picked_file(  # type: ignore[no-untyped-def]
    setup, tmp_path: Path
) -> None:
    _server, runner, project = setup
    image = tmp_path / "heron at dawn.png"
    Image.new("RGB", (640, 360), (40, 120, 200)).save(image)
    request = GenerationRequest(prompt="the heron takes off", image=str(image))
    db = open_project_db(project)
    try:
        (job,) = journal_batch(JobJournal(db), plan([load_catalog().get(MODEL)], request), request)
    finally:
        db.close()
    done = runner.run(job.id)
    assert done.state is JobState.DONE and done.media_id is not None

    db = open_project_db(project)
    try:
        item = MediaRepository(db, project.root).get(done.media_id)
    finally:
        db.close()
    assert item is not None
    rows = dict(details_rows(item))
    assert rows["Input (image)"] == "heron at dawn.png"
    shown = " ".join(rows.values())
    assert "http://127.0.0.1" not in shown and "Image url" not in rows
