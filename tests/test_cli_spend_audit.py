"""`spend --reconcile` beside fal's usage, the credit left, and per-model daily caps,
against the stand-in over real HTTP (it plays fal's Platform API too)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qcut_ai.cli import main
from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.settings import Settings
from qcut_ai.engine.spend_balance import forget_unreadable
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn
from qcut_ai.services.settings_store import SettingsStore

WAN, HAILUO = "wan-2.2-turbo", "hailuo-2.3-pro"  # $0.10 and $0.49 a clip, priced per video


@pytest.fixture
def fal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    monkeypatch.delenv("QCUT_AI_STANDIN_FAULTS", raising=False)
    forget_unreadable()
    with StandIn(profile="instant", media_dir=tmp_path / "standin") as server:
        monkeypatch.setenv("QCUT_AI_FAL_URL", server.base_url)
        monkeypatch.setenv("FAL_KEY", OFFLINE_KEY)
        SettingsStore().save(Settings(poll_interval_s=0.05, poll_max_interval_s=0.1))
        yield server
    forget_unreadable()


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _generate(
    capsys: pytest.CaptureFixture[str], project: Path, model: str, prompt: str = "a heron"
) -> tuple[int, str, str]:
    args = ["generate", "--model", model, "--prompt", prompt, "--quiet", "--json", "--yes"]
    return _run(capsys, *args, "--project", str(project))


def _reconcile(capsys: pytest.CaptureFixture[str], project: Path) -> dict[str, Any]:
    code, out, err = _run(capsys, "spend", "--reconcile", "--project", str(project), "--json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def test_reconcile_flags_a_price_fal_changed_and_lists_the_failed_job(
    fal: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "P"
    hailuo = load_catalog().get(HAILUO).endpoint
    fal.inject("usage-price-differs", times=None, endpoint=hailuo)
    code, _, err = _generate(capsys, project, f"{WAN},{HAILUO}")
    assert code == 0, err
    code, _, _ = _generate(capsys, project, WAN, "a heron [fault:model-error]")
    assert code != 0

    data = _reconcile(capsys, project)
    assert data["estimate_usd"] == pytest.approx(0.59)
    assert data["fal_billed_usd"] == pytest.approx(0.7125)
    assert data["difference_usd"] == pytest.approx(0.1225)
    by_model = {line["model_name"]: line for line in data["lines"]}
    wan = by_model[load_catalog().get(WAN).name]
    assert wan["jobs"] == 2 and len(wan["not_billed_jobs"]) == 1 and wan["flag"] is None
    flagged = by_model[load_catalog().get(HAILUO).name]
    assert flagged["fal_billed_usd"] == pytest.approx(0.6125)
    assert "the price likely changed at fal" in flagged["flag"]
    assert data["flagged"] == 1

    code, out, _ = _run(capsys, "spend", "--reconcile", "--project", str(project))
    assert code == 0
    print(out)
    assert "fal billed $0.712, we estimated $0.59 (+$0.122)" in out
    assert f"! {data['until']} {flagged['model_name']}: fal billed $0.612 per video" in out
    assert wan["not_billed_jobs"][0][:8] in out


def test_reconcile_uses_the_kept_answer_when_fal_cannot_be_asked(
    fal: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "P"
    assert _generate(capsys, project, WAN)[0] == 0
    first = _reconcile(capsys, project)
    fal.billing.set_admin_keys(["someone-else"])  # now 403, as for an ordinary key
    again = _reconcile(capsys, project)
    assert again["from_cache"] is True and again["fetched_at"] == first["fetched_at"]
    assert again["fal_billed_usd"] == pytest.approx(0.10)
    assert "can't be read with this fal key" not in again["note"]
    assert "fal denied access to fal's usage (403" in again["note"]


def test_a_batch_above_the_credit_left_is_refused_before_any_submit(
    fal: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fal.billing.starting_balance = 0.25
    code, out, err = _generate(capsys, tmp_path / "P", f"{WAN},{HAILUO}")
    assert code == 2 and out == ""
    assert "costs an estimated $0.59 but only $0.25 of credit is left at fal" in err
    assert "https://fal.ai/dashboard/billing" in err
    assert fal.submissions == []
    assert _generate(capsys, tmp_path / "P", WAN)[0] == 0  # $0.10 fits
    assert len(fal.submissions) == 1


def test_a_key_that_cannot_read_billing_still_generates(
    fal: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fal.billing.set_admin_keys(["an-admin-key"])
    fal.billing.starting_balance = 0.0  # never read: the key is not an admin key
    assert _generate(capsys, tmp_path / "P", WAN)[0] == 0
    assert _generate(capsys, tmp_path / "P", WAN)[0] == 0
    assert len(fal.submissions) == 2
    assert fal.billing.billing_reads == 1  # the 403 is remembered, not asked again

    code, out, err = _run(capsys, "spend", "--reconcile", "--project", str(tmp_path / "P"))
    assert code != 0 and out == ""
    assert "fal denied access to fal's usage (403: Access denied)." in err


def test_a_model_cap_refuses_the_batch_that_would_pass_it(
    fal: StandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "spend", "--cap", f"{WAN}=0.15")
    assert code == 0 and "<= $0.15/day (UTC)" in out
    assert SettingsStore().load().model_caps_usd == {WAN: 0.15}
    assert _generate(capsys, tmp_path / "P", WAN)[0] == 0
    code, _, err = _generate(capsys, tmp_path / "P", f"{WAN},{HAILUO}")
    assert code == 2
    name = load_catalog().get(WAN).name
    assert (
        f"This batch costs an estimated $0.10 but only $0.05 is left of {name}'s $0.15 "
        "daily cap ($0.10 spent)." in err
    )
    assert len(fal.submissions) == 1
    assert _generate(capsys, tmp_path / "P", HAILUO)[0] == 0  # other models are not capped

    with pytest.raises(SystemExit) as refused:
        main(["spend", "--cap", "wan=lots"])
    assert refused.value.code == 2 and "'lots' is not an amount in USD" in capsys.readouterr().err
    assert SettingsStore().load().model_caps_usd == {WAN: 0.15}  # bad input loses nothing
    assert _run(capsys, "spend", "--cap", f"{WAN}=none")[0] == 0
    assert SettingsStore().load().model_caps_usd == {}
