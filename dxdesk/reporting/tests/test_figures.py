"""The annex's figures are what the audit trail says about the month, and only that month."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dxdesk.accounts.roles import Role
from dxdesk.audit.tests.tampering import execute
from dxdesk.reporting.models import MonthlyPrivacyReport
from dxdesk.reporting.queries import month_figures
from dxdesk.reporting.schedule import Schedule
from dxdesk.reporting.tests.conftest import ANSWERS, Trail, tokyo
from dxdesk.testing import client_for, make_user

pytestmark = pytest.mark.django_db

APRIL = "/staff/reports/privacy/2031/4/"


def generate(path: str = APRIL, *, on: Any = None) -> MonthlyPrivacyReport:
    supervisor = make_user(Role.SUPERVISOR)
    # Signed in at the frozen time: a session from today would have expired by then.
    with time_machine.travel(on or tokyo(2031, 5, 12, 10, 0), tick=False):
        browser = client_for(supervisor)
        assert browser.post(path + "answers/", ANSWERS).status_code == 302
        assert browser.post(path + "generate/").status_code == 302
    year, month = (int(part) for part in path.rstrip("/").split("/")[-2:])
    return MonthlyPrivacyReport.objects.get(month__year=year, month__month=month)


def test_it_counts_the_month_from_the_trail(trail: Trail) -> None:
    figures = generate().figures

    assert (figures["period_start"], figures["period_end"]) == ("2031-04-01", "2031-04-30")
    assert figures["events"] == 12
    assert figures["people"] == 3  # operator, supervisor, client handled personal data
    assert figures["views"] == 4
    assert (figures["outputs"], figures["output_rows"]) == (2, 125)
    assert figures["changes"] == 1
    assert (figures["sign_ins"], figures["signed_in_people"]) == (2, 2)
    assert figures["failed_sign_ins"] == 3
    assert figures["lockouts"] == 1
    assert figures["unknown_account_failures"] == 1
    assert figures["quiet_hours"] == 2
    assert figures["first_sequence"] == trail.april[0].sequence
    assert figures["last_sequence"] == trail.april[-1].sequence


def test_it_breaks_the_month_down_by_account_role_and_record(trail: Trail) -> None:
    figures = generate().figures

    persons = {row["email"]: row for row in figures["persons"]}
    assert set(persons) == {"caller@example.jp", "boss@example.jp", "city@example.jp", ""}
    caller = persons["caller@example.jp"]
    assert (caller["views"], caller["sign_ins"], caller["failed_sign_ins"]) == (3, 1, 2)
    assert caller["quiet_hours"] == 1
    boss = persons["boss@example.jp"]
    assert (boss["outputs"], boss["output_rows"], boss["changes"]) == (2, 125, 1)
    assert persons[""]["failed_sign_ins"] == 1  # a mistyped address names no account

    roles = {row["role"]: row["people"] for row in figures["roles"]}
    assert roles == {Role.OPERATOR: 1, Role.SUPERVISOR: 1, Role.CLIENT: 1}

    objects = {row["object_type"]: row for row in figures["objects"]}
    assert set(objects) == {"registry.company", "registry.importjob", "audit.auditevent"}
    company = objects["registry.company"]
    assert (company["people"], company["views"], company["outputs"]) == (2, 3, 1)
    assert (company["output_rows"], company["changes"]) == (120, 1)


def test_it_lists_every_export_and_lockout_with_who_and_how_many_rows(trail: Trail) -> None:
    figures = generate().figures

    outputs = [
        (row["email"], row["action"], row["rows"], row["note"]) for row in figures["output_events"]
    ]
    assert outputs == [
        ("boss@example.jp", "export", 120, "ward=北区"),
        ("boss@example.jp", "download", 5, ""),
    ]
    assert figures["output_events"][0]["occurred_at"] == "2031-04-02 09:10"
    assert [row["email"] for row in figures["lockout_events"]] == ["caller@example.jp"]


def test_it_checks_the_months_part_of_the_chain(trail: Trail) -> None:
    chain = generate().figures["chain"]

    assert chain["problem"] == ""
    assert chain["checked"] == 12
    assert chain["last_hash"] == trail.april[-1].hash


def test_it_reports_an_event_altered_in_the_month(trail: Trail) -> None:
    altered = trail.april[5]  # the export of 120 rows
    execute("UPDATE audit_auditevent SET rows = 12 WHERE sequence = %s", [altered.sequence])

    report = generate()

    assert f"event #{altered.sequence} was altered" in report.figures["chain"]["problem"]


def test_it_ties_the_month_to_the_last_event_reported_the_month_before(trail: Trail) -> None:
    march = generate("/staff/reports/privacy/2031/3/")
    april = generate()

    march_last = march.figures["chain"]["last_sequence"]
    assert april.figures["chain"]["anchor_sequence"] == march_last
    assert april.figures["chain"]["anchor_hash"] == march.figures["chain"]["last_hash"]
    assert april.figures["chain"]["problem"] == ""


def test_the_first_month_starts_at_the_contract_date(trail: Trail) -> None:
    figures = generate("/staff/reports/privacy/2031/3/").figures

    assert (figures["period_start"], figures["period_end"]) == ("2031-03-16", "2031-03-31")
    assert figures["events"] == 1  # the view at 23:59:59 on the 31st


def test_it_computes_the_figures_in_a_fixed_number_of_queries(trail: Trail) -> None:
    month = Schedule.current().report_month(tokyo(2031, 4, 1).date())
    assert month is not None
    with CaptureQueriesContext(connection) as queries:
        month_figures(month, now=tokyo(2031, 5, 12))
    assert len(queries) == 4
