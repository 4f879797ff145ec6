"""Many workers claiming one fund at once, on a real PostgreSQL.

The same checker is run against the ledger's admission and against a deliberately
naive read-then-write admission kept here, to show that the test can fail.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from django.utils import timezone

from dxdesk.funds.actions import release_request, request_funds
from dxdesk.funds.models import Fund, FundRequest, RequestState

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]

WORKERS = 24
CLAIMS_PER_WORKER = 8
LIMIT = 100_000
AMOUNT = 1_000  # 192 claims of 1,000 against 100,000: 100 fit, 92 wait


def naive_request(fund_id: int, subject: str, amount: int) -> None:
    """Read the figures, decide, then write: what the ledger must never do."""
    with transaction.atomic():
        fund = Fund.objects.get(pk=fund_id)
        fits = fund.waiting_count == 0 and fund.taken + amount <= (fund.limit or 0)
        sequence = FundRequest.objects.filter(fund_id=fund_id).count() + 1
        time.sleep(0.002)  # the window real traffic finds by itself
        now = timezone.now()
        FundRequest.objects.create(
            fund_id=fund_id,
            sequence=sequence,
            subject=subject,
            amount=amount,
            state=RequestState.RESERVED if fits else RequestState.WAITING,
            requested_at=now,
            state_changed_at=now,
        )


def ledger_request(fund_id: int, subject: str, amount: int) -> None:
    request_funds(fund_id, subject=subject, amount=amount)


def run_workers(fund_id: int, claim: Callable[[int, str, int], None]) -> list[Exception]:
    errors: list[Exception] = []
    start = threading.Barrier(WORKERS)

    def work(worker: int) -> None:
        start.wait()
        try:
            for number in range(CLAIMS_PER_WORKER):
                try:
                    claim(fund_id, f"w{worker}-{number}", AMOUNT)
                except Exception as error:  # collected and judged by the test
                    errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def violations(fund_id: int) -> list[str]:
    """Everything that must hold after a burst, as a list of what did not."""
    found: list[str] = []
    requests = list(FundRequest.objects.filter(fund_id=fund_id).order_by("sequence"))
    admitted = [r for r in requests if r.state == RequestState.RESERVED]
    waiting = [r for r in requests if r.state == RequestState.WAITING]
    total = sum(r.amount for r in admitted)
    if total > LIMIT:
        found.append(f"reserved {total:,} is over the limit {LIMIT:,}")
    sequences = [r.sequence for r in requests]
    if sequences != list(range(1, len(requests) + 1)):
        found.append("receipt sequence has gaps or repeats")
    if (
        admitted
        and waiting
        and max(r.sequence for r in admitted) > min(r.sequence for r in waiting)
    ):
        found.append("a later request was admitted while an earlier one waits")
    if len(requests) != WORKERS * CLAIMS_PER_WORKER:
        found.append(f"{len(requests)} requests stored, {WORKERS * CLAIMS_PER_WORKER} made")
    if len({r.subject for r in requests}) != len(requests):
        found.append("a subject was admitted twice")
    return found


def test_the_ledger_never_over_commits_under_a_burst() -> None:
    fund = Fund.objects.create(name="pool", unit="yen", limit=LIMIT)
    errors = run_workers(fund.pk, ledger_request)
    assert errors == []
    assert violations(fund.pk) == []
    fund.refresh_from_db()
    assert fund.reserved == LIMIT
    assert fund.waiting_count == WORKERS * CLAIMS_PER_WORKER - LIMIT // AMOUNT
    waiting_order = list(
        FundRequest.objects.filter(fund=fund, state=RequestState.WAITING)
        .order_by("requested_at", "sequence")
        .values_list("sequence", flat=True)
    )
    assert waiting_order == sorted(waiting_order)


def test_releases_promote_in_order_while_claims_keep_arriving() -> None:
    fund = Fund.objects.create(name="pool", unit="yen", limit=LIMIT)
    run_workers(fund.pk, ledger_request)
    reserved = list(FundRequest.objects.filter(fund=fund, state=RequestState.RESERVED)[:10])
    threads = [threading.Thread(target=_release_then_close, args=(r,)) for r in reserved]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    promoted = list(
        FundRequest.objects.filter(fund=fund, state=RequestState.RESERVED)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    still_waiting = list(
        FundRequest.objects.filter(fund=fund, state=RequestState.WAITING).values_list(
            "sequence", flat=True
        )
    )
    assert len(promoted) == LIMIT // AMOUNT
    assert max(promoted) < min(still_waiting)
    fund.refresh_from_db()
    assert fund.reserved == LIMIT


def _release_then_close(request: FundRequest) -> None:
    try:
        release_request(request)
    finally:
        connection.close()


def test_the_same_checks_catch_a_naive_read_then_write_admission() -> None:
    fund = Fund.objects.create(name="pool", unit="yen", limit=LIMIT)
    errors = run_workers(fund.pk, naive_request)
    found = violations(fund.pk) + [str(error) for error in errors]
    assert found, "the naive admission should have broken at least one rule"


def test_simultaneous_retries_for_one_subject_make_one_claim() -> None:
    fund = Fund.objects.create(name="pool", unit="yen", limit=LIMIT)
    start = threading.Barrier(WORKERS)
    results: list[int] = []

    def retry() -> None:
        start.wait()
        try:
            results.append(
                request_funds(fund.pk, subject="application:1", amount=AMOUNT).request.pk
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == WORKERS and len(set(results)) == 1
    fund.refresh_from_db()
    assert (fund.reserved, fund.next_sequence) == (AMOUNT, 2)
