"""A comparison is saved in the project's library; picking a winner tags it "pick", tags the
others "alternate" and stacks them under it, in the rows and in what the details show."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qcut_ai.core.comparison import grid_shape, regenerate_request, takes_problem
from qcut_ai.core.errors import LibraryError
from qcut_ai.core.media import MediaItem, Provenance
from qcut_ai.core.project import ProjectPaths
from qcut_ai.engine.comparisons import compare_clips, pick_winner
from qcut_ai.library.ingest import Library
from qcut_ai.library.project_db import project_database
from qcut_ai.library.repository import MediaRepository
from qcut_ai.ui.library.item_text import details_rows


def _takes(project: ProjectPaths, thumbs: Path, clip: Path, count: int) -> list[MediaItem]:
    with Library(project, thumbs) as lib:
        return [
            lib.add_generated(
                Path(shutil.copy(clip, project.media / f"take{n}.mp4")),
                Provenance(
                    endpoint=f"fal-ai/model-{n}",
                    model_id=f"model-{n}",
                    model_name=f"Model {n}",
                    request_id=f"req-{n}",
                    prompt="a kite over the dunes",
                    arguments={"duration": "5", "aspect_ratio": "16:9"},
                    seed=40 + n,
                ),
            )
            for n in range(count)
        ]


def _items(project: ProjectPaths, ids: list[int]) -> list[MediaItem]:
    with project_database(project) as db:
        return MediaRepository(db, project.root).get_many(ids)


def test_picking_tags_the_winner_stacks_the_others_and_a_new_pick_turns_it_round(
    project: ProjectPaths, thumbs: Path, media: dict[str, Path]
) -> None:
    a, b, c = _takes(project, thumbs, media["h264"], 3)
    comparison = compare_clips(project, [a.id, b.id, c.id])
    assert comparison.comparison_id is not None
    assert [t.model_name for t in comparison.takes] == ["Model 0", "Model 1", "Model 2"]

    pick_winner(project, comparison, b.id)
    winner, first, third = _items(project, [b.id, a.id, c.id])
    assert "pick" in winner.tags and "alternate" not in winner.tags
    assert all("alternate" in i.tags and i.parent_id == b.id for i in (first, third))
    assert ("Lineage", f"alternate of item #{b.id}") in details_rows(first)
    assert ("Lineage", f"picked over “{first.display_name}” (#{a.id})") in details_rows(
        winner, [first, third]
    )

    pick_winner(project, comparison, a.id)  # the editor changed their mind
    first, winner = _items(project, [a.id, b.id])
    assert "pick" in first.tags and first.parent_id is None
    assert "alternate" in winner.tags and "pick" not in winner.tags and winner.parent_id == a.id
    with project_database(project) as db:
        row = db.conn.execute("SELECT winner_id, picked_at FROM comparison").fetchone()
    assert row[0] == a.id and row[1]


def test_a_comparison_of_clips_gone_from_the_library_says_so(
    project: ProjectPaths, thumbs: Path, media: dict[str, Path]
) -> None:
    (a,) = _takes(project, thumbs, media["h264"], 1)
    with pytest.raises(LibraryError, match="no longer in the library"):
        compare_clips(project, [a.id, a.id + 99])


def test_the_winners_settings_come_from_its_provenance_without_a_batch(
    project: ProjectPaths, thumbs: Path, media: dict[str, Path]
) -> None:
    a, b = _takes(project, thumbs, media["h264"], 2)
    comparison = compare_clips(project, [a.id, b.id])
    request = regenerate_request(comparison, b)
    assert request is not None
    assert (request.prompt, request.seed, request.duration, request.aspect_ratio) == (
        "a kite over the dunes",
        41,
        5,
        "16:9",
    )


def test_the_grid_follows_the_count_and_tall_clips_sit_in_a_row() -> None:
    assert grid_shape(2) == (1, 2)
    assert grid_shape(3) == (2, 2) and grid_shape(4) == (2, 2)
    assert grid_shape(5) == (2, 3) and grid_shape(6) == (2, 3)
    assert grid_shape(3, aspect=9 / 16) == (1, 3)
    assert takes_problem(1) == "Select at least 2 clips to compare them side by side."
    assert takes_problem(7) == "Up to 6 clips can be compared at once; 7 are selected."
    assert takes_problem(4) is None
