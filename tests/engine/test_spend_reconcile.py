"""The comparison's rules: when a day is flagged and which cause its sentence names."""

from __future__ import annotations

from decimal import Decimal

from qcut_ai.engine.spend_ledger import LedgerEntry, Outcome
from qcut_ai.engine.spend_reconcile import compare
from qcut_ai.services.fal_billing import BilledLine

DAY = "2026-12-01"
VEO = "fal-ai/veo3.1"


def _job(job_id: str, usd: str, outcome: Outcome = Outcome.SPENT, day: str = DAY) -> LedgerEntry:
    return LedgerEntry("/p", job_id, "veo3.1", "Veo 3.1", day, outcome, Decimal(usd), VEO)


def _billed(
    cost: str, *, quantity: str = "8", unit_price: str = "0.40", day: str = DAY
) -> BilledLine:
    return BilledLine(day, VEO, "second", Decimal(quantity), Decimal(unit_price), Decimal(cost))


def test_a_job_we_count_as_failed_but_fal_billed_is_named() -> None:
    jobs = [_job("aaaaaaaa-1", "3.20"), _job("bbbbbbbb-2", "3.20", Outcome.FREE)]
    (line,) = compare(jobs, [_billed("6.40", quantity="16")])
    assert line.difference_usd == Decimal("3.20")
    assert "job bbbbbbbb that we count as failed or cancelled: it was likely billed" in line.flag


def test_usage_on_a_day_without_our_jobs_points_at_another_tool() -> None:
    lines = compare([_job("a", "3.20")], [_billed("3.20"), _billed("1.60", day="2026-12-02")])
    assert lines[0].flag == ""
    assert lines[1].jobs == 0
    assert "likely a job from another tool on the same key" in lines[1].flag


def test_small_differences_pass_and_fifty_cents_is_flagged_even_under_five_percent() -> None:
    (close,) = compare([_job("a", "3.20")], [_billed("3.30")])  # 3 %, $0.10: fine
    assert close.flag == ""
    jobs = [_job(str(n), "3.20") for n in range(10)]
    (large,) = compare(jobs, [_billed("32.60", quantity="80")])  # 1.9 %, but $0.60
    assert large.flag.startswith("fal billed $0.60 more than our jobs")
