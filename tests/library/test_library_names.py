"""The names people see for library items: `AI (Model): prompt…` or the file's stem."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qcut_ai.core.media import (
    PROMPT_LABEL_CHARS,
    MediaItem,
    MediaKind,
    Origin,
    ProbeInfo,
    Provenance,
    generated_label,
)
from qcut_ai.core.project import ProjectPaths
from qcut_ai.library.media_rows import NewMedia
from qcut_ai.library.project_db import open_project_db
from qcut_ai.library.repository import MediaRepository
from qcut_ai.services.file_names import media_file_name

PROMPT = "A paper boat drifting down a rainy street at dusk, macro lens, shallow focus"


def _prov(prompt: str = PROMPT, model: str = "Veo 3 Fast") -> Provenance:
    return Provenance(
        endpoint="fal-ai/veo3/fast",
        model_id="veo3-fast",
        model_name=model,
        request_id="req-1",
        prompt=prompt,
    )


def _add(repo: MediaRepository, path: Path, prov: Provenance | None) -> MediaItem:
    return repo.add(
        NewMedia(
            path=path,
            probe=ProbeInfo(kind=MediaKind.VIDEO, duration=1.0),
            origin=Origin.AI if prov else Origin.IMPORTED,
            provenance=prov,
        )
    )


@pytest.fixture
def repo(project: ProjectPaths) -> Iterator[MediaRepository]:
    db = open_project_db(project)
    yield MediaRepository(db, project.root)
    db.close()


def test_generated_label_cuts_long_prompts_at_a_word() -> None:
    label = generated_label("Veo 3 Fast", PROMPT)
    assert label.startswith("AI (Veo 3 Fast): A paper boat drifting")
    assert label.endswith("…")
    words = label.removeprefix("AI (Veo 3 Fast): ").removesuffix("…")
    assert len(words) <= PROMPT_LABEL_CHARS
    assert PROMPT.startswith(words) and PROMPT[len(words)] in " ,"  # a whole word
    assert not words.endswith(",")


def test_generated_label_short_and_odd_prompts() -> None:
    assert generated_label("Kling 2.1", "a red fox") == "AI (Kling 2.1): a red fox"
    assert generated_label("Kling 2.1", "  a\n red\tfox  ") == "AI (Kling 2.1): a red fox"
    assert generated_label("Kling 2.1", "") == "AI (Kling 2.1)"
    assert generated_label(None, "a red fox") == "AI: a red fox"
    one_word = "x" * 200
    label = generated_label("M", one_word, max_chars=20)
    assert label == "AI (M): " + "x" * 20 + "…"
    exact = "y" * PROMPT_LABEL_CHARS
    assert generated_label("M", exact) == f"AI (M): {exact}"  # not cut, no ellipsis


def test_generated_items_read_ai_model_prompt(project: ProjectPaths, repo: MediaRepository) -> None:
    file_name = media_file_name("Veo 3 Fast", PROMPT, "abc123", "mp4")
    item = _add(repo, project.media / file_name, _prov())
    assert item.name == file_name  # the stored name is still the file's
    assert item.display_name == generated_label("Veo 3 Fast", PROMPT)
    assert item.to_json()["display_name"] == item.display_name


def test_imported_items_show_their_file_stem(project: ProjectPaths, repo: MediaRepository) -> None:
    item = _add(repo, project.root / "Holiday clip.final.MOV", None)
    assert item.display_name == "Holiday clip.final"


def test_a_name_the_user_chose_wins(project: ProjectPaths, repo: MediaRepository) -> None:
    generated = _add(repo, project.media / "AI (Veo 3 Fast) - boat - abc.mp4", _prov())
    imported = _add(repo, project.root / "take 1.mp4", None)
    assert repo.rename(generated.id, "Opening shot").display_name == "Opening shot"
    assert repo.rename(imported.id, "Closing v2.final").display_name == "Closing v2.final"


def test_relinked_file_with_another_name_keeps_an_automatic_name(
    project: ProjectPaths, repo: MediaRepository, tmp_path: Path
) -> None:
    item = _add(repo, project.root / "take 1.mp4", None)
    moved = repo.set_path(item.id, tmp_path / "archive" / "take 1 (2).mp4")
    assert moved.display_name == "take 1"


def test_cli_listing_shows_display_names(
    media: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from qcut_ai import cli
    from qcut_ai.library import provenance as prov_io

    clip = tmp_path / "in" / "AI (Veo 3 Fast) - A paper boat - abc123.mp4"
    clip.parent.mkdir()
    clip.write_bytes(media["h264"].read_bytes())
    prov_io.write_sidecar(clip, _prov())  # an AI result copied in from elsewhere
    plain = tmp_path / "in" / "my holiday.mp4"
    plain.write_bytes(media["noaudio"].read_bytes())
    proj = str(tmp_path / "P")
    assert cli.main(["library", "import", str(clip), str(plain), "--project", proj]) == 0
    capsys.readouterr()
    assert cli.main(["library", "list", "--project", proj]) == 0
    out = capsys.readouterr().out
    assert "AI (Veo 3 Fast): A paper boat drifting down a rainy street at" in out
    assert "my holiday" in out and "my holiday.mp4" not in out
