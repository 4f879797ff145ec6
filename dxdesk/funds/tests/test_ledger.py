from __future__ import annotations

import pytest
from django.core.management import call_command

from dxdesk.funds.actions import (
    FundError,
    IntakeClosed,
    LimitNotSet,
    commit_request,
    pay_request,
    release_request,
    request_funds,
)
from dxdesk.funds.models import Fund, FundRequest, LedgerEntry, RequestState
from dxdesk.funds.queries import ledger_discrepancies

pytestmark = pytest.mark.django_db


def make_fund(limit: int | None = 1_000, *, closes_when_spent: bool = False) -> Fund:
    return Fund.objects.create(
        name="補助金予算", unit="yen", limit=limit, closes_when_spent=closes_when_spent
    )


def states(fund: Fund) -> list[tuple[str, str]]:
    return list(
        FundRequest.objects.filter(fund=fund).order_by("sequence").values_list("subject", "state")
    )


def test_a_request_that_fits_is_reserved_in_order() -> None:
    fund = make_fund()
    first = request_funds(fund, subject="a", amount=400)
    second = request_funds(fund, subject="b", amount=600)
    assert first.reserved and second.reserved
    assert (first.request.sequence, second.request.sequence) == (1, 2)
    fund.refresh_from_db()
    assert (fund.reserved, fund.remaining) == (1_000, 0)


def test_a_request_that_does_not_fit_waits_and_so_does_everyone_after_it() -> None:
    fund = make_fund()
    request_funds(fund, subject="a", amount=700)
    assert request_funds(fund, subject="b", amount=400).waiting
    # 300 would fit, but b is ahead in line: strict request order.
    assert request_funds(fund, subject="c", amount=300).waiting
    fund.refresh_from_db()
    assert (fund.waiting_count, fund.waiting_amount) == (2, 700)


def test_a_release_promotes_waiting_requests_in_order_while_they_fit() -> None:
    fund = make_fund()
    a = request_funds(fund, subject="a", amount=700).request
    request_funds(fund, subject="b", amount=500)
    request_funds(fund, subject="c", amount=200)
    request_funds(fund, subject="d", amount=400)
    release_request(a, note="不採択")
    assert states(fund) == [
        ("a", "released"),
        ("b", "reserved"),
        ("c", "reserved"),
        ("d", "waiting"),
    ]
    fund.refresh_from_db()
    assert (fund.reserved, fund.waiting_count, fund.waiting_amount) == (700, 1, 400)


def test_a_retry_for_the_same_subject_returns_the_first_claim() -> None:
    fund = make_fund()
    first = request_funds(fund, subject="application:7", amount=300)
    again = request_funds(fund, subject="application:7", amount=300)
    assert not again.created and again.request.pk == first.request.pk
    assert FundRequest.objects.count() == 1
    fund.refresh_from_db()
    assert fund.reserved == 300


def test_commit_for_less_frees_the_difference_and_promotes() -> None:
    fund = make_fund()
    a = request_funds(fund, subject="a", amount=800).request
    request_funds(fund, subject="b", amount=300)
    commit_request(a, amount=600)
    fund.refresh_from_db()
    assert (fund.reserved, fund.committed, fund.waiting_count) == (300, 600, 0)


def test_payment_moves_committed_to_paid() -> None:
    fund = make_fund()
    a = commit_request(request_funds(fund, subject="a", amount=500).request)
    pay_request(a, amount=450)
    fund.refresh_from_db()
    assert (fund.committed, fund.paid, fund.remaining) == (0, 450, 550)
    assert [entry.kind for entry in LedgerEntry.objects.order_by("id")] == [
        "reserve",
        "commit",
        "pay",
        "release",
    ]


def test_a_waiting_request_can_be_withdrawn() -> None:
    fund = make_fund()
    request_funds(fund, subject="a", amount=1_000)
    b = request_funds(fund, subject="b", amount=10).request
    release_request(b)
    assert states(fund)[1] == ("b", RequestState.WITHDRAWN)
    fund.refresh_from_db()
    assert fund.waiting_count == 0


def test_a_fund_that_closes_when_spent_stops_its_intake() -> None:
    fund = make_fund(closes_when_spent=True)
    request_funds(fund, subject="a", amount=900)
    assert request_funds(fund, subject="b", amount=200).waiting
    with pytest.raises(IntakeClosed):
        request_funds(fund, subject="c", amount=50)
    fund.refresh_from_db()
    assert fund.intake_closed_at is not None


def test_spending_exactly_the_limit_closes_intake_too() -> None:
    fund = make_fund(closes_when_spent=True)
    request_funds(fund, subject="a", amount=1_000)
    with pytest.raises(IntakeClosed):
        request_funds(fund, subject="b", amount=1)


def test_nothing_is_admitted_while_the_limit_is_a_placeholder() -> None:
    with pytest.raises(LimitNotSet):
        request_funds(make_fund(limit=None), subject="a", amount=1)


def test_a_request_in_the_wrong_state_is_refused() -> None:
    fund = make_fund()
    a = request_funds(fund, subject="a", amount=100).request
    with pytest.raises(FundError):
        pay_request(a)
    with pytest.raises(FundError):
        request_funds(fund, subject="b", amount=0)


def test_entries_are_append_only() -> None:
    fund = make_fund()
    request_funds(fund, subject="a", amount=100)
    entry = LedgerEntry.objects.get()
    entry.note = "changed"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_check_ledger_agrees_with_the_counters_and_catches_a_tampered_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    fund = make_fund()
    a = request_funds(fund, subject="a", amount=600).request
    request_funds(fund, subject="b", amount=600)
    commit_request(a)
    call_command("check_ledger")
    assert "ledger consistent" in capsys.readouterr().out
    Fund.objects.filter(pk=fund.pk).update(committed=500)
    with pytest.raises(SystemExit) as exit_:
        call_command("check_ledger")
    assert exit_.value.code == 1
    assert "committed is 500" in capsys.readouterr().err
    assert ledger_discrepancies()
