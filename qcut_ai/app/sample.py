"""Sample content for `--screenshot`: real clips made through the offline preview pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qcut_ai.core.app_dirs import AppDirs
from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.project import ProjectPaths
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.core.settings import Settings
from qcut_ai.engine.batch import BatchRunner, plan
from qcut_ai.engine.connection import connect
from qcut_ai.engine.launch import launch_batch
from qcut_ai.engine.runner import JobRunner
from qcut_ai.library.project_db import project_database
from qcut_ai.library.repository import MediaRepository

SAMPLES = (
    ("kling-2.5-turbo-pro", "a lighthouse in a storm at night, waves breaking, slow push in"),
    ("veo3.1-fast", "a red fox trotting through fresh snow at sunrise, low tracking shot"),
    ("hailuo-2.3-standard", "neon city street in the rain, reflections, handheld, 35mm"),
    ("wan-2.2-turbo", "paper boats drifting on a pond, soft morning light, macro"),
)


def sample_project(dirs: AppDirs) -> Path:
    """A project with a few generated clips, made once through the real offline path."""
    project = ProjectPaths.at(dirs.cache / "sample-project").ensure()
    with project_database(project) as db:
        have = MediaRepository(db, project.root).count()
    if have < len(SAMPLES):
        make_samples(project, SAMPLES, dirs.thumbnails)
    return project.root


def make_samples(
    project: ProjectPaths, samples: Sequence[tuple[str, str]], thumbnails: Path
) -> list[str]:
    """Generate each (model id, prompt) offline, one batch each, through the launch seam;
    the job ids."""
    settings = Settings(poll_interval_s=0.1, poll_max_interval_s=0.2)
    catalog = load_catalog()
    with connect(settings, offline=True) as conn:
        runner = JobRunner(project, conn.gateway, thumbnails, allowed_hosts=conn.allowed_hosts())
        ids: list[str] = []
        for model_id, prompt in samples:
            request = GenerationRequest(prompt=prompt)
            planned = plan([catalog.get(model_id)], request)
            records = launch_batch(
                project, planned, request, settings=settings, backend=conn.backend
            )
            ids += [r.id for r in records]
        batch = BatchRunner(runner)
        try:
            batch.run(ids)
        finally:
            batch.shutdown()
    return ids
