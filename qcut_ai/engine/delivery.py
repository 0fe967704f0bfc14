"""Bringing a finished result home: its file name, the download, its provenance."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from qcut_ai import __version__
from qcut_ai.core.catalog import ModelSpec
from qcut_ai.core.errors import QcutError
from qcut_ai.core.events import EventSink, JobEvent
from qcut_ai.core.job_state import JobRecord, JobState
from qcut_ai.core.media import ProbeInfo, Provenance
from qcut_ai.engine.crashpoints import crash_point
from qcut_ai.library.probe import container_suffix, verify_media
from qcut_ai.services.download import download
from qcut_ai.services.file_names import media_file_name, unique_path
from qcut_ai.services.media_hosts import AllowedHosts

_EXTENSIONS = {"video/webm": ".webm", "video/quicktime": ".mov", "image/gif": ".gif"}
PROGRESS_EVERY_S = 0.2


def plan_target(job: JobRecord, spec: ModelSpec, media_dir: Path) -> Path:
    """Where the result goes: `AI (Model) - prompt - id.ext`, unique in the media folder."""
    video = (job.result or {}).get("video") or {}
    ext = _EXTENSIONS.get(str(video.get("content_type", "")), ".mp4")
    short = (job.request_id or job.id)[:8]
    name = media_file_name(spec.name, str(job.request.get("prompt") or ""), short, ext)
    return unique_path(media_dir, name)


def already_downloaded(target: Path) -> bool:
    """True when a resumed job's file is there and decodes whole."""
    if not target.is_file():
        return False
    try:
        verify_media(target)  # decoded: a resumed file gets the full check
    except QcutError:
        return False
    return True


def named_by_content(path: Path) -> Path:
    """Give a downloaded result the extension of what it holds: servers mislabel types."""
    actual = container_suffix(path)
    if actual is None or actual == path.suffix.lower():
        return path
    renamed = unique_path(path.parent, path.stem + actual)
    os.replace(path, renamed)
    return renamed


def fetch_result(
    job: JobRecord,
    spec: ModelSpec,
    target: Path,
    allowed: AllowedHosts,
    emit: EventSink,
    abort: Callable[[], bool],
    checked: list[ProbeInfo],
) -> Path:
    """Download the job's video to `target` with progress; `checked` gets the download's
    own check of the file (headers only), so it is not repeated."""
    url = spec.result_video_url(job.result or {})
    last = [0.0]

    def progress(done: int, total: int | None) -> None:
        if done:
            crash_point("mid-download")
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_S or (total is not None and done >= total):
            last[0] = now
            emit(
                JobEvent(
                    job.id,
                    JobState.DOWNLOADING,
                    job.model_name,
                    job.request_id,
                    bytes_done=done,
                    bytes_total=total,
                )
            )

    return download(
        url,
        target.parent,
        target.name,
        allowed=allowed,
        verify=lambda path: checked.append(verify_media(path, decode=False)),
        progress=progress,
        abort=abort,
    )


def provenance_of(job: JobRecord, spec: ModelSpec) -> Provenance:
    """Everything needed to trust and regenerate the result, from its journal row."""
    result = job.result or {}
    seed = result.get("seed", job.arguments.get("seed"))
    return Provenance(
        endpoint=job.endpoint,
        model_id=job.model_id,
        model_name=spec.name,
        request_id=job.request_id or "",
        prompt=str(job.request.get("prompt") or ""),
        negative_prompt=str(job.request.get("negative_prompt") or ""),
        arguments=job.arguments,
        seed=seed if isinstance(seed, int) else None,
        inputs=list(job.inputs),
        cost_estimate_usd=job.estimate_usd,
        submitted_at=job.submitted_at,
        completed_at=job.completed_at,
        app_version=__version__,
    )
