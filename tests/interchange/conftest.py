"""Projects holding real generated clips, made through the offline stand-in like paid ones."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.job_state import JobState
from qcut_ai.core.media import MediaItem
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.engine.batch import journal_batch, plan
from qcut_ai.engine.journal import JobJournal
from qcut_ai.engine.runner import JobRunner
from qcut_ai.library.ingest import Library
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository
from qcut_ai.services.fal_endpoints import apply_base_url, restore_constants
from qcut_ai.services.fal_gateway import FalGateway, PollPolicy
from qcut_ai.services.ffmpeg_tools import run_ffmpeg
from qcut_ai.services.media_hosts import AllowedHosts
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn

PROMPTS = ("a lighthouse at dusk", "gulls over the harbour", "a dog's nap in the sun")

Generate = Callable[[str], MediaItem]


@pytest.fixture(scope="session")
def standin_renders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One render cache for the session: the same request is encoded once."""
    return tmp_path_factory.mktemp("standin-renders")


@pytest.fixture
def project(tmp_path: Path) -> ProjectPaths:
    return ProjectPaths.at(tmp_path / "Project").ensure()


@pytest.fixture
def generate(tmp_path: Path, project: ProjectPaths, standin_renders: Path) -> Iterator[Generate]:
    """Generate one clip for a prompt through the stand-in; returns its library item."""
    with StandIn(profile="instant", media_dir=standin_renders) as server:
        previous = apply_base_url(server.base_url)
        gateway = FalGateway(OFFLINE_KEY, poll=PollPolicy(interval_s=0.05, max_interval_s=0.1))
        allowed = AllowedHosts(override=server.url_host)
        runner = JobRunner(project, lambda: gateway, tmp_path / "thumbs", allowed_hosts=allowed)
        spec = load_catalog().get("wan-2.2-turbo")

        def make(prompt: str) -> MediaItem:
            request = GenerationRequest(prompt=prompt)
            db = open_project_db(project)
            try:
                (record,) = journal_batch(JobJournal(db), plan([spec], request), request)
            finally:
                db.close()
            done = runner.run(record.id)
            assert done.state is JobState.DONE
            db = open_project_db(project)
            try:
                item = MediaRepository(db, project.root).get_by_request_id(str(done.request_id))
            finally:
                db.close()
            assert item is not None and item.provenance is not None
            return item

        try:
            yield make
        finally:
            gateway.close()
            restore_constants(previous)


@pytest.fixture
def clips(generate: Generate) -> list[MediaItem]:
    """Three generated clips, in the order they were made."""
    return [generate(p) for p in PROMPTS]


@pytest.fixture
def repo(project: ProjectPaths, tmp_path: Path) -> Iterator[MediaRepository]:
    with Library(project, tmp_path / "thumbs") as library:
        yield library.repo


MakeVideo = Callable[..., Path]
ImportFile = Callable[[Path], MediaItem]


def _make_video(path: Path, *, rate: str, seconds: float, audio: bool = False) -> Path:
    args = ["-f", "lavfi", "-i", f"testsrc2=size=64x36:rate={rate}:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if audio:
        args += ["-c:a", "aac", "-shortest"]
    run_ffmpeg([*args, str(path)], timeout=120.0)
    return path


@pytest.fixture
def make_video() -> MakeVideo:
    """make_video(path, rate="30000/1001", seconds=2, audio=False): a small real video."""
    return _make_video


@pytest.fixture
def import_file(project: ProjectPaths, tmp_path: Path) -> ImportFile:
    """Import a file into the project's library in place, as `qcut-ai library import` does."""

    def run(path: Path) -> MediaItem:
        with Library(project, tmp_path / "thumbs") as library:
            return library.import_file(path)

    return run
