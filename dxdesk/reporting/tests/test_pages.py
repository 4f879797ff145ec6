"""Supervisors answer and generate the monthly report; the client and IT read it."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client

from dxdesk.accounts.roles import Role
from dxdesk.audit.models import AuditAction, AuditEvent
from dxdesk.programs.models import Program
from dxdesk.reporting.models import MonthlyPrivacyReport, ReportStatus
from dxdesk.reporting.tests.conftest import ANSWERS, Trail, record_at, tokyo
from dxdesk.testing import client_for, make_user

pytestmark = pytest.mark.django_db

LIST = "/staff/reports/privacy/"
APRIL = "/staff/reports/privacy/2031/4/"
MAY_12 = tokyo(2031, 5, 12, 10, 0)


def signed_in(role: str, moment: datetime.datetime) -> Client:
    with time_machine.travel(moment, tick=False):
        return client_for(make_user(role))


def report_events(action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=action, object_type="reporting.monthlyprivacyreport"
        ).order_by("sequence")
    )


def test_the_list_shows_each_month_with_its_due_date_and_state(contract: Program) -> None:
    supervisor = signed_in(Role.SUPERVISOR, MAY_12)
    with time_machine.travel(MAY_12, tick=False):
        response = supervisor.get(LIST)

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.month.month for row in rows] == [
        datetime.date(2031, 5, 1),
        datetime.date(2031, 4, 1),
        datetime.date(2031, 3, 1),
    ]
    may, april, march = rows
    assert may.in_progress and not may.is_overdue
    assert april.month.due_on == datetime.date(2031, 5, 20)
    assert not april.is_overdue
    assert march.is_overdue
    # The 20th of April 2031 is a Sunday: the page suggests the Friday before.
    assert march.month.due_on == datetime.date(2031, 4, 20)
    assert march.month.last_business_day_by_due == datetime.date(2031, 4, 18)
    page = response.content.decode()
    assert "閉庁日のため4月18日までに" in page
    assert "期限超過" in page
    assert "2031-03-16 – 2031-03-31" in page  # the first month starts at the contract date


def test_the_last_month_is_due_with_the_completion_report(contract: Program) -> None:
    client_viewer = signed_in(Role.CLIENT, tokyo(2032, 2, 27, 9, 0))
    with time_machine.travel(tokyo(2032, 2, 27, 9, 0), tick=False):
        rows = client_viewer.get(LIST).context["rows"]

    final = rows[0]
    assert final.month.month == datetime.date(2032, 2, 1)
    assert final.month.is_final
    assert final.month.due_on == datetime.date(2032, 2, 26)
    assert final.month.period_end == datetime.date(2032, 2, 29)
    assert final.is_overdue


def test_without_a_contract_date_reporting_starts_with_the_first_audit_event(db: None) -> None:
    # No programme loaded: the first month is the one of the earliest audit event.
    record_at(tokyo(2019, 6, 3, 10, 0), make_user(Role.OPERATOR), AuditAction.VIEW)
    moment = tokyo(2019, 8, 5, 10, 0)
    supervisor = signed_in(Role.SUPERVISOR, moment)
    with time_machine.travel(moment, tick=False):
        response = supervisor.get(LIST)

    months = [row.month.month for row in response.context["rows"]]
    assert months == [
        datetime.date(2019, 8, 1),
        datetime.date(2019, 7, 1),
        datetime.date(2019, 6, 1),
    ]
    assert "最初の監査記録の月から" in response.content.decode()


def test_answers_are_saved_and_recorded(trail: Trail) -> None:
    supervisor = signed_in(Role.SUPERVISOR, MAY_12)
    with time_machine.travel(MAY_12, tick=False):
        response = supervisor.post(APRIL + "answers/", ANSWERS)

    assert response.status_code == 302
    report = MonthlyPrivacyReport.objects.get(month=datetime.date(2031, 4, 1))
    assert report.status == ReportStatus.ANSWERING
    assert report.answers["security"] == "changed"
    assert report.answers["addressee"] == "テスト市長"
    (created,) = report_events(AuditAction.CREATE)
    assert created.object_id == str(report.pk)
    assert {"addressee", "security", "security_detail"} <= set(created.fields)


def test_a_change_needs_its_description(trail: Trail) -> None:
    supervisor = signed_in(Role.SUPERVISOR, MAY_12)
    with time_machine.travel(MAY_12, tick=False):
        response = supervisor.post(APRIL + "answers/", {**ANSWERS, "security_detail": ""})

    assert response.status_code == 200
    assert (
        "「セキュリティ強化のための管理策」を変更ありとした場合は、変更の内容を書いてください。"
        in (response.content.decode())
    )
    assert not MonthlyPrivacyReport.objects.exists()


def test_every_measure_must_be_answered(trail: Trail) -> None:
    supervisor = signed_in(Role.SUPERVISOR, MAY_12)
    unanswered = {name: value for name, value in ANSWERS.items() if name != "laws"}
    with time_machine.travel(MAY_12, tick=False):
        response = supervisor.post(APRIL + "answers/", unanswered)

    assert response.status_code == 200
    assert response.context["form"].errors["laws"]
    assert not MonthlyPrivacyReport.objects.exists()


def test_the_cover_is_carried_over_from_the_month_before(trail: Trail) -> None:
    supervisor = signed_in(Role.SUPERVISOR, MAY_12)
    with time_machine.travel(MAY_12, tick=False):
        supervisor.post("/staff/reports/privacy/2031/3/answers/", ANSWERS)
        form = supervisor.get(APRIL + "answers/").context["form"]

    assert form.initial["addressee"] == "テスト市長"
    assert form.initial["reporter_company"] == "株式会社DX事務局"
    assert "security" not in form.initial  # each month's measures are answered afresh


def test_a_first_answer_starts_from_the_contract_in_the_programme(trail: Trail) -> None:
    supervisor = signed_in(Role.SUPERVISOR, MAY_12)
    with time_machine.travel(MAY_12, tick=False):
        form = supervisor.get(APRIL + "answers/").context["form"]

    assert form.initial["contract_title"] == "中小企業DX支援業務（報告書テスト）"
    assert form.initial["contract_period"] == "令和13年3月16日～令和14年2月29日"


def test_a_month_cannot_be_generated_before_it_is_over(trail: Trail) -> None:
    moment = tokyo(2031, 4, 25, 10, 0)
    supervisor = signed_in(Role.SUPERVISOR, moment)
    with time_machine.travel(moment, tick=False):
        supervisor.post(APRIL + "answers/", ANSWERS)
        response = supervisor.post(APRIL + "generate/", follow=True)

    assert (
        "2031-04分はまだ終わっていません。2031-05-01以降に作成できます。"
        in response.content.decode()
    )
    report = MonthlyPrivacyReport.objects.get()
    assert report.status == ReportStatus.ANSWERING


def test_a_report_cannot_be_generated_without_answers(trail: Trail) -> None:
    supervisor = signed_in(Role.SUPERVISOR, MAY_12)
    with time_machine.travel(MAY_12, tick=False):
        response = supervisor.post(APRIL + "generate/", follow=True)

    assert "先に報告書の回答（変更の有無など）を入力してください。" in response.content.decode()
    assert not MonthlyPrivacyReport.objects.exists()


def test_generating_is_recorded_and_changing_answers_afterwards_undoes_it(trail: Trail) -> None:
    supervisor = signed_in(Role.SUPERVISOR, MAY_12)
    with time_machine.travel(MAY_12, tick=False):
        supervisor.post(APRIL + "answers/", ANSWERS)
        supervisor.post(APRIL + "generate/")
        report = MonthlyPrivacyReport.objects.get()
        assert report.status == ReportStatus.GENERATED
        assert report.generated_at == MAY_12
        (generated,) = [e for e in report_events(AuditAction.CHANGE) if "figures" in e.fields]
        assert generated.rows == 12
        assert generated.note.startswith(f"作成: 監査記録 #{trail.april[0].sequence}")

        supervisor.post(APRIL + "answers/", {**ANSWERS, "other_notes": "研修を実施した。"})
        assert supervisor.get(APRIL + "report.pdf").status_code == 404

    report.refresh_from_db()
    assert report.status == ReportStatus.ANSWERING
    assert report.figures == {}
    changed = report_events(AuditAction.CHANGE)[-1]
    assert changed.fields == ["other_notes"]


def test_the_month_page_shows_who_handled_data_and_is_recorded(trail: Trail) -> None:
    client_viewer = signed_in(Role.CLIENT, MAY_12)
    with time_machine.travel(MAY_12, tick=False):
        response = client_viewer.get(APRIL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "caller@example.jp" in page
    assert "個人情報を取り扱った利用者" in page
    (viewed,) = report_events(AuditAction.VIEW)
    assert viewed.note == "2031-04"
    assert viewed.rows == 4  # the accounts named on the page


@pytest.mark.parametrize("role", [Role.CLIENT, Role.ADMIN, Role.OPERATOR])
def test_only_supervisors_answer_and_generate(trail: Trail, role: str) -> None:
    browser = signed_in(role, MAY_12)
    with time_machine.travel(MAY_12, tick=False):
        assert browser.get(APRIL + "answers/").status_code == 403
        assert browser.post(APRIL + "answers/", ANSWERS).status_code == 403
        assert browser.post(APRIL + "generate/").status_code == 403
    assert not MonthlyPrivacyReport.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/staff/reports/privacy/2031/2/",  # before the contract
        "/staff/reports/privacy/2032/3/",  # after it
        "/staff/reports/privacy/2031/6/",  # not yet begun
        "/staff/reports/privacy/2031/13/",
    ],
)
def test_a_month_that_is_not_reported_is_not_found(contract: Program, path: str) -> None:
    supervisor = signed_in(Role.SUPERVISOR, MAY_12)
    with time_machine.travel(MAY_12, tick=False):
        assert supervisor.get(path).status_code == 404
