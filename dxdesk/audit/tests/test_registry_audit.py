"""Every registry page that shows or changes a company's data leaves an audit event."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dxdesk.accounts.roles import Role
from dxdesk.audit.models import AuditAction, AuditEvent
from dxdesk.registry.models import Company, ImportJob
from dxdesk.testing import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def company() -> Company:
    company = Company(name="株式会社サッポロテック", phone="011-211-2111", address="札幌市中央区")
    company.save()
    return company


def last_event_of(user: object) -> AuditEvent:
    event = AuditEvent.objects.filter(user_id=user.pk).order_by("-sequence").first()  # type: ignore[attr-defined]
    assert event is not None
    return event


def test_the_detail_page_records_a_view_of_the_company_and_its_contacts(company: Company) -> None:
    first = company.contacts.create(name="札幌 太郎")
    second = company.contacts.create(name="札幌 花子")
    operator = make_user(Role.OPERATOR)
    client_for(operator).get(f"/staff/companies/{company.pk}/")
    event = last_event_of(operator)
    assert event.action == AuditAction.VIEW
    assert (event.object_type, event.object_id) == ("registry.company", str(company.pk))
    assert event.note == f"contacts: {first.pk}, {second.pk}"


def test_a_page_that_is_refused_records_nothing(company: Company) -> None:
    applicant = make_user(Role.APPLICANT)
    client_for(applicant).get(f"/staff/companies/{company.pk}/")
    assert not AuditEvent.objects.filter(user_id=applicant.pk).exclude(action=AuditAction.SIGN_IN)


def test_the_list_records_the_search_and_the_rows_shown(company: Company) -> None:
    client_viewer = make_user(Role.CLIENT)
    client_for(client_viewer).get("/staff/companies/", {"q": "サッポロ", "ward": "中央区"})
    event = last_event_of(client_viewer)
    assert (event.action, event.object_type, event.object_id) == (
        AuditAction.VIEW,
        "registry.company",
        "",
    )
    assert event.rows == 1
    assert event.note == "q=%E3%82%B5%E3%83%83%E3%83%9D%E3%83%AD&ward=%E4%B8%AD%E5%A4%AE%E5%8C%BA"


def test_an_edit_records_the_fields_that_changed(company: Company) -> None:
    supervisor = make_user(Role.SUPERVISOR)
    client = client_for(supervisor)
    client.get(f"/staff/companies/{company.pk}/edit/")
    assert last_event_of(supervisor).action == AuditAction.VIEW

    client.post(
        f"/staff/companies/{company.pk}/edit/",
        {"name": company.name, "phone": "011-999-0000", "address": "札幌市北区"},
    )
    event = last_event_of(supervisor)
    assert event.action == AuditAction.CHANGE
    assert event.object_id == str(company.pk)
    assert event.fields == ["address", "phone"]


def test_a_new_company_and_a_new_contact_are_recorded_as_created(company: Company) -> None:
    supervisor = make_user(Role.SUPERVISOR)
    client = client_for(supervisor)
    client.post("/staff/companies/new/", {"name": "株式会社北海ラボ"})
    created = Company.objects.get(name="株式会社北海ラボ")
    event = last_event_of(supervisor)
    assert (event.action, event.object_id) == (AuditAction.CREATE, str(created.pk))
    assert "name" in event.fields

    client.post(
        f"/staff/companies/{company.pk}/contacts/new/", {"name": "札幌 次郎", "phone": "090"}
    )
    contact = company.contacts.get()
    event = last_event_of(supervisor)
    assert (event.action, event.object_type, event.object_id) == (
        AuditAction.CREATE,
        "registry.contact",
        str(contact.pk),
    )
    assert event.fields == ["name", "phone"]


def test_an_import_report_download_records_its_row_count() -> None:
    supervisor = make_user(Role.SUPERVISOR)
    job = ImportJob.objects.create(
        file_name="list.csv",
        status="done",
        rejections=[
            {
                "row": 2,
                "column": "電話番号",
                "reason": "桁数",
                "value": "011",
                "action": "rejected",
            },
            {
                "row": 5,
                "column": "法人番号",
                "reason": "検査数字",
                "value": "1",
                "action": "rejected",
            },
        ],
    )
    response = client_for(supervisor).get(f"/staff/companies/import/{job.pk}/report.csv")
    assert response.status_code == 200
    event = last_event_of(supervisor)
    assert (event.action, event.object_type, event.object_id, event.rows) == (
        AuditAction.DOWNLOAD,
        "registry.importjob",
        str(job.pk),
        2,
    )


def test_recording_the_detail_view_costs_a_fixed_number_of_queries(company: Company) -> None:
    client = client_for(make_user(Role.OPERATOR))
    with CaptureQueriesContext(connection) as few:
        client.get(f"/staff/companies/{company.pk}/")
    for index in range(5):
        company.contacts.create(name=f"担当{index}")
    with CaptureQueriesContext(connection) as many:
        client.get(f"/staff/companies/{company.pk}/")
    assert len(many) == len(few)
