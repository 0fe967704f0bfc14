"""A clip whose model fal retired since says so in its details, naming what to use."""

from __future__ import annotations

from qcut_ai.core.media import MediaItem, MediaKind, Origin, ProbeInfo
from qcut_ai.ui.library.item_text import details_rows


def _clip(endpoint: str, name: str) -> MediaItem:
    return MediaItem(
        id=1,
        name="harbour",
        path="/media/harbour.mp4",
        kind=MediaKind.VIDEO,
        origin=Origin.AI,
        created_at="2026-09-01T10:00:00+00:00",
        probe=ProbeInfo(kind=MediaKind.VIDEO, duration=4.0),
        model=endpoint,
        model_name=name,
    )


def test_a_retired_models_clip_is_marked_with_its_successors() -> None:
    rows = dict(details_rows(_clip("fal-ai/sora-2/text-to-video", "Sora 2")))
    assert rows["Model"] == "Sora 2 (retired by fal (2026-09-24); use Veo 3.1 or Seedance 2.0)"


def test_a_live_models_clip_is_not() -> None:
    rows = dict(details_rows(_clip("fal-ai/veo3.1/fast", "Veo 3.1 Fast")))
    assert rows["Model"] == "Veo 3.1 Fast"
