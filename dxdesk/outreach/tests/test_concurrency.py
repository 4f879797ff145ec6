"""32 operators pressing "next call" at once, on a real PostgreSQL (R-OUT-2)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from dxdesk.accounts.models import User
from dxdesk.accounts.roles import Role
from dxdesk.outreach.actions import CallReport, claim_next_call, log_call
from dxdesk.outreach.models import CallAttempt, CallTask, TaskState
from dxdesk.outreach.tests.conftest import PROGRAMMES, add_companies, make_campaign, tokyo
from dxdesk.programs.actions import load_program
from dxdesk.programs.definition import load_definition

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]

OPERATORS = 32
COMPANIES = 400
MONDAY_10 = tokyo("2026-04-06T10:00")


def operator_without_password(number: int) -> User:
    """A persona without a password hash: 32 of them would take seconds to hash."""
    user = User.objects.create(email=f"operator-{number}@example.jp", full_name=f"架電 {number}")
    user.set_roles([Role.OPERATOR])
    return user


def test_thirty_two_operators_never_hold_one_company_twice_and_lose_none() -> None:
    program = load_program(load_definition(PROGRAMMES / "sapporo-dx-2026.toml")).program
    add_companies(COMPANIES)
    campaign = make_campaign(program)
    operators = [operator_without_password(number) for number in range(OPERATORS)]
    start = threading.Barrier(OPERATORS)
    guard = threading.Lock()
    holding: dict[int, int] = {}
    claimed: list[int] = []
    double_holds: list[int] = []
    errors: list[BaseException] = []

    def work(number: int) -> None:
        operator = operators[number]
        start.wait()
        try:
            while True:
                task = claim_next_call(campaign, by=operator, now=MONDAY_10).task
                if task is None:
                    return
                with guard:
                    if task.pk in holding:
                        double_holds.append(task.pk)
                    holding[task.pk] = number
                    claimed.append(task.pk)
                log_call(
                    task,
                    CallReport(outcome="not_interested", person_reached="受付の方"),
                    by=operator,
                    token=str(task.lease_token),
                    now=MONDAY_10,
                )
                with guard:
                    holding.pop(task.pk, None)
        except BaseException as error:  # collected and judged below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(number,)) for number in range(OPERATORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert double_holds == []
    counts = Counter(claimed)
    assert len(counts) == COMPANIES, "a company was never handed out"
    assert max(counts.values()) == 1, "a company was handed out twice"
    assert CallTask.objects.filter(state=TaskState.REACHED).count() == COMPANIES
    assert CallAttempt.objects.count() == COMPANIES
    assert not CallTask.objects.filter(holder__isnull=False).exists()
    assert len({operator for operator in holding.values()}) == 0
    busy = CallAttempt.objects.values("caller").distinct().count()
    assert busy > OPERATORS // 2, "the claims did not actually run side by side"
