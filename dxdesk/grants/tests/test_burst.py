"""A burst of simultaneous submissions against a pool smaller than their total, on a
real PostgreSQL: receipt numbers 1…N gap-free in commit order, never more reserved than
the pool, the rest waiting in order, none lost."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from dxdesk.funds.models import FundRequest, RequestState
from dxdesk.grants import actions
from dxdesk.grants.models import Application, ApplicationState
from dxdesk.grants.tests.conftest import make_applicant, open_grant_track

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]

APPLICANTS = 40
LIMIT = 7_000_000  # 14 applications of 500,000 fit; 26 wait


def test_a_burst_of_submissions_keeps_exact_order_and_never_overspends() -> None:
    track = open_grant_track(limit_yen=LIMIT)
    drafts = []
    for number in range(APPLICANTS):
        user, applicant = make_applicant(f"同時{number}株式会社", 7000 + number)
        application = Application.objects.create(
            track=track,
            company=applicant.company,
            applicant=applicant,
            answers={"tool_name": "x", "eligible_cost": 1_000_000, "purpose": "y"},
        )
        drafts.append((application, user))
    commits: list[tuple[int, int]] = []  # (receipt number, order of return)
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(APPLICANTS)

    def submit(application: Application, user: object) -> None:
        barrier.wait()
        try:
            # Every applicant double-clicks: two submissions of the same draft.
            for _ in range(2):
                received = actions.submit_application(application, version=1, by=user)  # type: ignore[arg-type]
            with lock:
                commits.append((received.receipt_number, len(commits)))  # type: ignore[arg-type]
        except BaseException as error:  # judged below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=pair) for pair in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors

    received = list(
        Application.objects.filter(track=track)
        .select_related("fund_request")
        .order_by("receipt_number")
    )
    assert all(application.state == ApplicationState.RECEIVED for application in received)
    assert [application.receipt_number for application in received] == list(
        range(1, APPLICANTS + 1)
    )
    times = [application.received_at for application in received]
    assert times == sorted(times) and len(set(times)) == APPLICANTS
    assert FundRequest.objects.filter(fund=track.pool.fund).count() == APPLICANTS
    reserved = [a for a in received if a.fund_request.state == RequestState.RESERVED]
    waiting = [a for a in received if a.fund_request.state == RequestState.WAITING]
    assert sum(a.requested_yen for a in reserved) <= LIMIT
    assert len(reserved) == LIMIT // 500_000 and len(waiting) == APPLICANTS - len(reserved)
    # First come, first served: everything reserved came before everything waiting.
    assert max(a.receipt_number for a in reserved) < min(a.receipt_number for a in waiting)
    fund = track.pool.fund
    fund.refresh_from_db()
    assert fund.reserved == sum(a.requested_yen for a in reserved) and fund.waiting_count == len(
        waiting
    )
