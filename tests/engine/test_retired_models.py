"""A model fal retires: new requests are refused naming its successor, jobs already at fal
still land, and the library keeps knowing what made each clip."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qcut_ai.cli import main
from qcut_ai.core.catalog import RetiredModelError, load_catalog
from qcut_ai.core.job_state import JobState
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.core.successors import rerun_models
from qcut_ai.engine.batch import journal_batch, plan
from qcut_ai.engine.journal import JobJournal
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository
from qcut_ai.services.catalog_sync import sync_catalog
from qcut_ai.services.fal_platform import FalPlatformClient
from qcut_ai.services.rehearsal import OFFLINE_KEY

MODEL = "veo3.1-fast"


class DetachAfterSubmit:
    """Like closing the app while the job runs: submitted, then no longer waited for."""

    shutdown = True

    def __init__(self) -> None:
        self.asked = 0

    def __call__(self) -> bool:
        self.asked += 1
        return self.asked > 1  # the first check happens before the submit


def test_generate_with_a_retired_model_is_refused_before_anything_is_sent(
    capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    code = main(["generate", "--model", "sora-2", "--prompt", "a duel at noon", "--offline"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(
        "qcut-ai: Sora 2 was retired by fal (2026-09-24); use Veo 3.1 (veo3.1) or "
        "Seedance 2.0 (seedance-2.0) or Kling 3.0 Pro (kling-3-pro) instead."
    )
    assert "Nothing was sent" in err and len(err.strip().splitlines()) == 1


def test_a_retired_model_is_refused_in_a_batch_even_next_to_live_ones() -> None:
    specs = [load_catalog().get(i) for i in ("kling-3-std", "topaz-upscale")]
    with pytest.raises(RetiredModelError, match="use Topaz Precision \\(topaz-precision\\)"):
        plan(specs, GenerationRequest(prompt="x", video="https://e/x.mp4"))


def test_fal_retires_a_model_while_its_job_runs_and_the_job_still_lands(setup) -> None:  # type: ignore[no-untyped-def]
    server, runner, project = setup
    spec = load_catalog().get(MODEL)
    request = GenerationRequest(prompt="a kite over the dunes [generate:1.5]")
    db = open_project_db(project)
    try:
        (record,) = journal_batch(JobJournal(db), plan([spec], request), request)
    finally:
        db.close()
    submitted = runner.generate(record.id, abort=DetachAfterSubmit())
    assert submitted.state in (JobState.SUBMITTED, JobState.IN_QUEUE, JobState.GENERATING)
    assert submitted.request_id

    server.registry.retire(spec.endpoint)  # fal deprecates the endpoint meanwhile
    with FalPlatformClient(OFFLINE_KEY, base_url=server.base_url) as client:
        report = sync_catalog(client, now=datetime(2026, 12, 2, tzinfo=UTC))
    assert report.retired == [spec.endpoint]

    finished = runner.run(record.id)  # resume: the paid job lands
    assert finished.state is JobState.DONE and finished.media_id is not None
    assert len(server.submissions) == 1

    catalog = load_catalog()
    retired = catalog.get(MODEL)
    assert retired.retired_text == "retired by fal (2026-12-02)"
    instead = catalog.successors_of(retired)
    assert instead and all(s.offered for s in instead) and retired not in instead
    db = open_project_db(project)
    try:
        item = MediaRepository(db, project.root).get(finished.media_id)
    finally:
        db.close()
    assert item is not None and item.provenance is not None
    assert catalog.get(item.provenance.model_id) is retired  # History still knows it
    with pytest.raises(RetiredModelError, match=f"use {instead[0].name} \\({instead[0].id}\\)"):
        plan([retired], request)
    assert len(server.submissions) == 1  # the refusal sent nothing
    # History's Run again uses the successor and says why.
    rerun = rerun_models([item.provenance.model_id], catalog)
    assert rerun.model_ids == (instead[0].id,)
    assert rerun.notes == (
        f"{retired.name} was retired by fal (2026-12-02); {instead[0].name} runs instead.",
    )
