"""The panel's spend line beside fal's own numbers: the credit left, a batch above it
refused before any submit, a key that cannot read billing, a 422 after submit, and
"Check with fal" (the stand-in plays fal over real HTTP)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from qcut_ai.core.app_dirs import app_dirs
from qcut_ai.core.catalog import load_catalog
from qcut_ai.core.requests import GenerationRequest
from qcut_ai.core.settings import Settings
from qcut_ai.engine.connection import connect
from qcut_ai.engine.spend_balance import forget_unreadable
from qcut_ai.services.rehearsal import OFFLINE_KEY, StandIn
from qcut_ai.services.settings_store import SettingsStore
from qcut_ai.ui.media_panel import MediaPanel, PanelServices

WAN, HAILUO = "wan-2.2-turbo", "hailuo-2.3-pro"  # $0.10 and $0.49 a clip
SETTINGS = Settings(poll_interval_s=0.05, poll_max_interval_s=0.1)


@pytest.fixture
def fal(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    monkeypatch.delenv("QCUT_AI_STANDIN_FAULTS", raising=False)
    SettingsStore().save(SETTINGS)
    forget_unreadable()
    with StandIn(profile="instant") as server:
        monkeypatch.setenv("QCUT_AI_FAL_URL", server.base_url)
        monkeypatch.setenv("FAL_KEY", OFFLINE_KEY)
        yield server
    forget_unreadable()


@pytest.fixture
def panel(qtbot: QtBot, fal: StandIn, tmp_path: Path) -> Iterator[MediaPanel]:
    services = PanelServices(
        settings=SETTINGS,
        thumbnails_dir=app_dirs().ensure().thumbnails,
        connect=lambda: connect(SETTINGS, offline=False),
    )
    widget = MediaPanel(services)
    qtbot.addWidget(widget)
    widget.resize(1100, 800)
    widget.show()
    widget.open_project(tmp_path / "P", resume=False)
    yield widget
    widget.shutdown()


def _generate(qtbot: QtBot, panel: MediaPanel, models: str, prompt: str = "a heron") -> None:
    """Run a batch until every job of it finished."""
    finished: list[object] = []
    panel.jobs.job_finished.connect(finished.append)
    said: list[str] = []
    panel.error_reported.connect(said.append)
    specs = [load_catalog().get(m) for m in models.split(",")]
    panel.generate(specs, GenerationRequest(prompt=prompt))
    try:
        qtbot.waitUntil(lambda: len(finished) == len(specs) or bool(said), timeout=30_000)
    finally:
        panel.jobs.job_finished.disconnect(finished.append)
        panel.error_reported.disconnect(said.append)
    assert not said, said


def test_credit_is_shown_beside_todays_spend_and_check_with_fal_flags_a_price(
    qtbot: QtBot, panel: MediaPanel, fal: StandIn, tmp_path: Path
) -> None:
    hailuo = load_catalog().get(HAILUO)
    fal.inject("usage-price-differs", times=None, endpoint=hailuo.endpoint)
    _generate(qtbot, panel, f"{WAN},{HAILUO}")
    _generate(qtbot, panel, WAN, "a heron [fault:model-error]")
    spend = panel.spend
    # fal took what it billed: $0.10 + $0.6125 (its changed price) off $100.
    qtbot.waitUntil(lambda: spend.credit.text() == "· credit left at fal $99.29", timeout=10_000)
    qtbot.waitUntil(lambda: spend.label.text().startswith("Spent today $0.59"), timeout=10_000)
    assert spend.credit.isVisible()

    with qtbot.waitSignal(spend.checked, timeout=20_000):
        spend.check_button.click()
    view = spend.check_view
    assert view.isVisible()
    assert view.head.text().startswith("fal billed $0.712, we estimated $0.59 (+$0.122)")
    rows = {
        view.table.item(r, 1).text(): [view.table.item(r, c).text() for c in range(7)]
        for r in range(view.table.rowCount())
    }
    assert rows[hailuo.name][2:6] == ["1", "$0.49", "$0.612", "+$0.122"]
    wan = rows[load_catalog().get(WAN).name]
    assert wan[2:6] == ["2", "$0.10", "$0.10", "$0.00"] and len(wan[6]) == 8  # the failed job
    assert "the price likely changed at fal" in view.flags.text()
    assert "fal bills them $0" in view.flags.text()
    assert spend.check_button.isEnabled()
    assert spend.grab().save(str(tmp_path / "spend_view.png"))


def test_a_batch_above_the_credit_left_is_refused_before_any_submit(
    qtbot: QtBot, panel: MediaPanel, fal: StandIn
) -> None:
    fal.billing.starting_balance = 0.3
    with qtbot.waitSignal(panel.error_reported, timeout=20_000) as said:
        panel.generate(
            [load_catalog().get(m) for m in (WAN, HAILUO)], GenerationRequest(prompt="a fox")
        )
    assert said.args is not None
    text = said.args[0]
    assert "This batch costs an estimated $0.59 but only $0.30 of credit is left at fal." in text
    assert "https://fal.ai/dashboard/billing" in text
    assert fal.submissions == []
    assert panel.model.rowCount() == 0


def test_a_key_that_cannot_read_billing_is_said_once_and_work_carries_on(
    qtbot: QtBot, panel: MediaPanel, fal: StandIn
) -> None:
    fal.billing.set_admin_keys(["an-admin-key"])
    notes: list[str] = []
    panel.spend.said.connect(notes.append)
    _generate(qtbot, panel, WAN)
    qtbot.waitUntil(lambda: bool(notes), timeout=10_000)
    assert "can't be read with this fal key" in panel.spend.credit.text()
    _generate(qtbot, panel, WAN)
    assert len(fal.submissions) == 2
    qtbot.waitUntil(lambda: panel.spend.label.text().startswith("Spent today $0.20"))
    assert notes == [
        "The remaining credit can't be read with this fal key (it needs an admin key)."
    ]
    assert fal.billing.billing_reads == 1

    with qtbot.waitSignal(panel.spend.failed, timeout=20_000):
        panel.spend.check_button.click()
    view = panel.spend.check_view
    assert view.isVisible() and not view.table.isVisible()
    assert "fal denied access to fal's usage (403: Access denied)." in view.flags.text()
    assert panel.spend.check_button.isEnabled()


def test_an_account_refused_after_submit_keeps_its_message_and_rereads_the_credit(
    qtbot: QtBot, panel: MediaPanel, fal: StandIn
) -> None:
    fal.billing.set_admin_keys(["an-admin-key"])
    _generate(qtbot, panel, WAN)
    qtbot.waitUntil(lambda: "can't be read" in panel.spend.credit.text(), timeout=10_000)
    assert fal.billing.billing_reads == 1  # the 403 is remembered: not asked again
    fal.billing.set_admin_keys(None)  # fal would answer now, but only a reason asks again
    fal.inject("http-422-access")
    with qtbot.waitSignal(panel.jobs.job_finished, timeout=20_000) as finished:
        panel.generate([load_catalog().get(WAN)], GenerationRequest(prompt="a fox"))
    assert finished.args is not None
    record = finished.args[0]
    assert record.error_kind == "AccountError"
    assert "the account has no credit or is not in good standing" in (record.error or "")
    qtbot.waitUntil(lambda: panel.spend.balance == Decimal("99.9"), timeout=10_000)
    assert panel.spend.credit.text() == "· credit left at fal $99.90"
    assert fal.billing.billing_reads == 2
