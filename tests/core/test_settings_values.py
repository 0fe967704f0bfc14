"""Settings refuse values they cannot work with, in one sentence that names the setting."""

from __future__ import annotations

import pytest

from qcut_ai.core.settings import Settings, SettingsValueError


def test_defaults_are_the_safe_ones() -> None:
    s = Settings()
    assert (s.concurrency, s.confirm_above_usd, s.daily_budget_usd) == (1, 2.0, None)
    assert s.offline_preview is False and s.model_caps_usd == {}


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        ({"concurrency": 0}, "concurrency must be between 1 and 4; it is 0."),
        ({"concurrency": 2.5}, "concurrency must be a whole number, not 2.5."),
        ({"poll_interval_s": 0.01}, "poll_interval_s must be between 0.05 and 10; it is 0.01."),
        ({"daily_budget_usd": -1}, "daily_budget_usd must be at least 0; it is -1."),
        ({"confirm_above_usd": "2"}, "confirm_above_usd must be a number, not '2'."),
        ({"offline_preview": 1}, "offline_preview must be true or false, not 1."),
        ({"model_caps_usd": {"veo3.1": -5}}, "The cap of veo3.1 must be at least 0; it is -5."),
        ({"deadline_factor": float("nan")}, "deadline_factor must be a number, not nan."),
    ],
)
def test_a_value_out_of_bounds_is_refused_with_its_name(
    changes: dict[str, object], sentence: str
) -> None:
    with pytest.raises(SettingsValueError) as raised:
        Settings().replace(**changes)
    assert str(raised.value) == sentence


def test_a_copy_with_changes_keeps_the_rest_and_round_trips_through_json() -> None:
    s = Settings(daily_budget_usd=5, model_caps_usd={"veo3.1": 10})
    t = s.replace(concurrency=3)
    assert (t.concurrency, t.daily_budget_usd, t.model_caps_usd) == (3, 5.0, {"veo3.1": 10.0})
    assert s.concurrency == 1  # the original is unchanged
    assert Settings.from_json(t.to_json()) == t
    assert t.to_json()["model_caps_usd"] is not t.model_caps_usd  # the caller's own copy
