"""The operator's day and the client's view of it, through the HTTP client."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dxdesk.accounts.roles import Role
from dxdesk.audit.models import AuditEvent
from dxdesk.outreach.actions import CallReport, claim_next_call, log_call
from dxdesk.outreach.exports import HEADER, write_xlsx_export
from dxdesk.outreach.models import CallAttempt, CallTask, Campaign, ExportJob, TaskState
from dxdesk.outreach.tests.conftest import tokyo
from dxdesk.testing import client_for, make_user

pytestmark = pytest.mark.django_db

MONDAY_10 = tokyo("2026-04-06T10:00")


@pytest.fixture
def monday() -> object:
    with time_machine.travel(MONDAY_10, tick=False) as traveller:
        yield traveller


def test_an_operator_logs_a_call_and_gets_the_next_company(
    campaign: Campaign, monday: object
) -> None:
    operator = make_user(Role.OPERATOR)
    client = client_for(operator)
    desk = client.get(f"/staff/outreach/{campaign.pk}/calls/")
    assert desk.status_code == 200 and "次の架電へ" in desk.content.decode()

    response = client.post(f"/staff/outreach/{campaign.pk}/calls/next/")
    assert response.status_code == 302
    first = CallTask.objects.get(holder=operator)
    assert response["Location"] == f"/staff/outreach/calls/{first.pk}/"

    screen = client.get(response["Location"])
    body = screen.content.decode()
    assert first.company.name in body
    assert "本事業の案内" in body  # the standard script's title
    assert "初めての架電です" in body

    response = client.post(
        f"/staff/outreach/calls/{first.pk}/log/",
        {"token": str(first.lease_token), "outcome": "no_answer", "duration": "0:25"},
    )
    assert response.status_code == 302
    second = CallTask.objects.get(holder=operator)
    assert second.pk != first.pk
    assert response["Location"] == f"/staff/outreach/calls/{second.pk}/"
    attempt = CallAttempt.objects.get(task=first)
    assert (attempt.outcome, attempt.duration_seconds, attempt.caller) == (
        "no_answer",
        25,
        operator,
    )
    assert attempt.called_at == MONDAY_10
    first.refresh_from_db()
    assert first.state == TaskState.RETRY and first.holder is None
    seen = AuditEvent.objects.filter(user_id=operator.pk)
    assert seen.filter(action="view", object_type="registry.company").count() == 1
    assert seen.filter(action="create", object_type="outreach.callattempt").count() == 1


def test_the_form_says_what_is_missing_and_keeps_the_company(
    campaign: Campaign, monday: object
) -> None:
    operator = make_user(Role.OPERATOR)
    client = client_for(operator)
    client.post(f"/staff/outreach/{campaign.pk}/calls/next/")
    task = CallTask.objects.get(holder=operator)
    response = client.post(
        f"/staff/outreach/calls/{task.pk}/log/",
        {"token": str(task.lease_token), "outcome": "callback"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "折り返しの日時を入力してください" in body
    assert "この結果では応対者の記録が必要です" in body
    assert CallAttempt.objects.count() == 0
    assert CallTask.objects.get(holder=operator).pk == task.pk


def test_a_callback_outside_calling_hours_is_refused(campaign: Campaign, monday: object) -> None:
    operator = make_user(Role.OPERATOR)
    client = client_for(operator)
    client.post(f"/staff/outreach/{campaign.pk}/calls/next/")
    task = CallTask.objects.get(holder=operator)
    response = client.post(
        f"/staff/outreach/calls/{task.pk}/log/",
        {
            "token": str(task.lease_token),
            "outcome": "callback",
            "person_reached": "佐藤様",
            "callback_at": "2026-04-06T12:30",
        },
    )
    assert "営業日の架電時間帯の日時を入力してください" in response.content.decode()


def test_saving_after_losing_the_company_says_so(campaign: Campaign, monday: object) -> None:
    operator = make_user(Role.OPERATOR)
    client = client_for(operator)
    client.post(f"/staff/outreach/{campaign.pk}/calls/next/")
    task = CallTask.objects.get(holder=operator)
    response = client.post(
        f"/staff/outreach/calls/{task.pk}/log/",
        {"token": "00000000-0000-0000-0000-000000000000", "outcome": "no_answer"},
        follow=True,
    )
    assert "担当は外れています" in response.content.decode()
    assert CallAttempt.objects.count() == 0


def test_an_operator_cannot_open_a_company_someone_else_holds(
    campaign: Campaign, monday: object
) -> None:
    holder, other = make_user(Role.OPERATOR), make_user(Role.OPERATOR)
    client_for(holder).post(f"/staff/outreach/{campaign.pk}/calls/next/")
    task = CallTask.objects.get(holder=holder)
    assert client_for(other).get(f"/staff/outreach/calls/{task.pk}/").status_code == 404
    response = client_for(other).post(
        f"/staff/outreach/calls/{task.pk}/log/",
        {"token": str(task.lease_token), "outcome": "no_answer"},
    )
    assert response.status_code == 404


def test_releasing_a_company_hands_it_back(campaign: Campaign, monday: object) -> None:
    operator = make_user(Role.OPERATOR)
    client = client_for(operator)
    client.post(f"/staff/outreach/{campaign.pk}/calls/next/")
    task = CallTask.objects.get(holder=operator)
    client.post(f"/staff/outreach/calls/{task.pk}/release/", {"token": str(task.lease_token)})
    task.refresh_from_db()
    assert task.holder is None and task.state == TaskState.UNTOUCHED


def test_the_client_reads_the_figures_and_the_call_log_but_cannot_call(
    campaign: Campaign, monday: object
) -> None:
    operator = make_user(Role.OPERATOR)
    _log_some_calls(campaign, operator)
    client = client_for(make_user(Role.CLIENT))
    dashboard = client.get(f"/staff/outreach/{campaign.pk}/")
    assert dashboard.status_code == 200
    figures = dashboard.context["figures"]
    assert figures.calls_today == 3 and figures.reached_today == 1
    assert [(row.name, row.calls, row.reached) for row in figures.operators] == [
        ("operator さん", 3, 1)
    ]
    groups = {group.label: group.count for group in figures.groups}
    assert groups["未架電"] == 2 and groups["接触済み"] == 1 and groups["不在"] == 0
    assert figures.calls_needed_per_day is not None and figures.calls_needed_per_day >= 1
    log = client.get(f"/staff/outreach/{campaign.pk}/log/", {"outcome": "information_only"})
    assert log.status_code == 200
    assert [a.outcome for a in log.context["page"].object_list] == ["information_only"]
    assert client.post(f"/staff/outreach/{campaign.pk}/calls/next/").status_code == 403


def test_other_staff_and_applicants_see_no_campaign(campaign: Campaign) -> None:
    for role in (Role.DESK, Role.COACH, Role.APPLICANT):
        response = client_for(make_user(role)).get(f"/staff/outreach/{campaign.pk}/")
        assert response.status_code == 403, role


def test_the_dashboard_runs_a_fixed_number_of_queries(campaign: Campaign, monday: object) -> None:
    client = client_for(make_user(Role.SUPERVISOR))
    operator = make_user(Role.OPERATOR)
    _log_some_calls(campaign, operator, count=1)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/staff/outreach/{campaign.pk}/")
    _log_some_calls(campaign, make_user(Role.OPERATOR), count=3)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/staff/outreach/{campaign.pk}/")
    assert len(many) == len(few)


def test_the_call_log_runs_a_fixed_number_of_queries(campaign: Campaign, monday: object) -> None:
    client = client_for(make_user(Role.CLIENT))
    _log_some_calls(campaign, make_user(Role.OPERATOR), count=1)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/staff/outreach/{campaign.pk}/log/")
    _log_some_calls(campaign, make_user(Role.OPERATOR), count=3)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/staff/outreach/{campaign.pk}/log/")
    assert len(many) == len(few)


def test_the_results_table_is_a_csv_with_a_bom_and_one_row_per_company(
    campaign: Campaign, monday: object
) -> None:
    _log_some_calls(campaign, make_user(Role.OPERATOR))
    client = client_for(make_user(Role.CLIENT))
    response = client.get(f"/staff/outreach/{campaign.pk}/results.csv")
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == HEADER
    assert len(rows) == 1 + campaign.task_count
    by_name = {row[2]: dict(zip(HEADER, row, strict=True)) for row in rows[1:]}
    reached = by_name["株式会社テスト003"]
    assert reached["最終結果"] == "情報提供のみ"
    assert reached["応対者"] == "総務部 田中様"
    assert reached["ニーズ"] == "勤怠管理"
    assert by_name["株式会社テスト001"]["架電状況"] == "再架電待ち"
    assert by_name["株式会社テスト001"]["不通回数"] == "1"
    assert ExportJob.objects.filter(campaign=campaign, format="csv").count() == 1
    export = AuditEvent.objects.get(action="export")
    assert (export.object_type, export.rows) == ("outreach.exportjob", campaign.task_count)


def test_the_results_table_comes_in_cp932_on_request(campaign: Campaign) -> None:
    client = client_for(make_user(Role.SUPERVISOR))
    response = client.get(f"/staff/outreach/{campaign.pk}/results.csv?encoding=cp932")
    content = b"".join(response.streaming_content)
    assert "商号又は名称".encode("cp932") in content
    assert "cp932" in response["Content-Type"]


def test_the_results_table_as_xlsx_is_made_in_the_background(campaign: Campaign) -> None:
    from openpyxl import load_workbook

    client = client_for(make_user(Role.SUPERVISOR))
    response = client.post(f"/staff/outreach/{campaign.pk}/exports/")
    job = ExportJob.objects.get(format="xlsx")
    assert response["Location"] == f"/staff/outreach/exports/{job.pk}/"
    write_xlsx_export(job.pk)  # what the thread does once the job row is committed
    job.refresh_from_db()
    assert job.status == "done" and job.processed_rows == campaign.task_count
    status = client.get(f"/staff/outreach/exports/{job.pk}/")
    assert "ダウンロード" in status.content.decode()
    download = client.get(f"/staff/outreach/exports/{job.pk}/download/")
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == HEADER and len(rows) == 1 + campaign.task_count


def _log_some_calls(campaign: Campaign, operator: object, count: int = 3) -> None:
    """no answer, busy, then information only for the first three companies."""
    outcomes = ["no_answer", "busy", "information_only"]
    for number in range(count):
        claim = claim_next_call(campaign, by=operator, now=MONDAY_10)  # type: ignore[arg-type]
        assert claim.task is not None
        outcome = outcomes[number % 3]
        reached = outcome == "information_only"
        log_call(
            claim.task,
            CallReport(
                outcome=outcome,
                duration_seconds=120 if reached else 20,
                person_reached="総務部 田中様" if reached else "",
                needs="勤怠管理" if reached else "",
            ),
            by=operator,  # type: ignore[arg-type]
            token=str(claim.task.lease_token),
            now=MONDAY_10,
        )
