"""Saving settings keeps what others saved since: the dialog's copy never undoes a
model cap set from the command line or the library's remembered view."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcut_ai.core.app_dirs import AppDirs
from qcut_ai.core.errors import ConfigError
from qcut_ai.core.settings import Settings
from qcut_ai.services.settings_store import SettingsStore


def _store(tmp_path: Path) -> SettingsStore:
    root = tmp_path
    return SettingsStore(AppDirs(root / "config", root / "data", root / "cache", root / "logs"))


def test_only_what_was_edited_is_written_over_the_file_as_it_is_now(tmp_path: Path) -> None:
    store = _store(tmp_path)
    seen = Settings(confirm_above_usd=2.0)
    store.save(seen)
    # Meanwhile: the CLI set a cap and the library saved its view.
    store.save(seen.replace(model_caps_usd={"veo3.1": 10.0}, library_view={"thumb": 160}))
    edited = seen.replace(confirm_above_usd=5.0)
    merged = store.save_changes(seen, edited)
    again = store.load()
    assert again == merged
    assert again.confirm_above_usd == 5.0
    assert again.model_caps_usd == {"veo3.1": 10.0} and again.library_view == {"thumb": 160}


def test_a_field_the_user_cleared_is_cleared(tmp_path: Path) -> None:
    store = _store(tmp_path)
    seen = Settings(daily_budget_usd=20.0)
    store.save(seen)
    store.save_changes(seen, seen.replace(daily_budget_usd=None))
    assert store.load().daily_budget_usd is None


def test_a_damaged_file_is_replaced_by_what_the_user_sees(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.path.parent.mkdir(parents=True)
    store.path.write_text("{not json")
    seen = Settings()
    merged = store.save_changes(seen, seen.replace(confirm_above_usd=1.0))
    assert store.load() == merged and merged.confirm_above_usd == 1.0


def test_a_file_with_a_value_out_of_range_says_which_file_and_loses_nothing(
    tmp_path: Path,
) -> None:
    store = _store(tmp_path)
    store.path.parent.mkdir(parents=True)
    store.path.write_text('{"concurrency": 9, "daily_budget_usd": 3}')
    with pytest.raises(ConfigError) as raised:
        store.load()
    assert str(store.path) in raised.value.user_text()
    assert "concurrency must be between 1 and 4; it is 9." in str(raised.value.__cause__)
    assert store.path.read_text() == '{"concurrency": 9, "daily_budget_usd": 3}'


def test_settings_written_by_a_newer_version_keep_what_this_one_knows(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.path.parent.mkdir(parents=True)
    store.path.write_text('{"concurrency": 2, "daily_budget_usd": 3, "a_later_setting": true}')
    loaded = store.load()
    assert loaded.concurrency == 2 and loaded.daily_budget_usd == 3.0
    store.save(loaded)
    assert store.load() == loaded
