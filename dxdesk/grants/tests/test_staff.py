"""Staff: the list in receipt order, keying in an application received by phone, mail or
on paper (R-APP-6), and who may do what."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dxdesk.accounts.roles import Role
from dxdesk.audit.models import AuditEvent
from dxdesk.grants.models import Application, ApplicationState, Channel
from dxdesk.grants.tests.conftest import FILLED, fill_and_attach, sample_pdf
from dxdesk.testing import client_for, make_user

pytestmark = pytest.mark.django_db


def test_desk_keys_in_a_phoned_application_that_the_company_then_sees(
    grant_track, applicant_a
) -> None:  # type: ignore[no-untyped-def]
    user, applicant = applicant_a
    desk = client_for(make_user(Role.DESK))
    company = applicant.company
    response = desk.post(
        f"/staff/applications/key-in/{company.pk}/",
        {"track": grant_track.pk, "channel": Channel.PHONE},
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.channel == Channel.PHONE and application.applicant == applicant
    base = f"/staff/applications/{application.pk}/"
    assert desk.post(base + "edit/", {**FILLED, "save": ""}).status_code == 302
    for code in ("quotation", "city_tax_certificate"):
        upload = SimpleUploadedFile(f"{code}.pdf", sample_pdf(), "application/pdf")
        assert desk.post(base + "attachments/", {"code": code, "upload": upload}).status_code == 302
    application.refresh_from_db()
    response = desk.post(base + "submit/", {"version": application.version})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.RECEIVED and application.receipt_number == 1
    assert client_for(user).get(f"/my/applications/{application.pk}/").status_code == 200


def test_staff_cannot_change_a_draft_the_applicant_is_writing(grant_track, applicant_a) -> None:  # type: ignore[no-untyped-def]
    user, _applicant = applicant_a
    response = client_for(user).post(f"/my/start/{grant_track.pk}/")
    application_id = int(response["Location"].split("/")[3])
    desk = client_for(make_user(Role.DESK))
    assert desk.get(f"/staff/applications/{application_id}/").status_code == 200
    assert desk.get(f"/staff/applications/{application_id}/edit/").status_code == 403


def test_reviewers_read_the_list_in_receipt_order_and_each_view_is_audited(
    grant_track, applicant_a, applicant_b
) -> None:  # type: ignore[no-untyped-def]
    ids = []
    for user, _applicant in (applicant_b, applicant_a):
        client = client_for(user)
        response = client.post(f"/my/start/{grant_track.pk}/")
        application_id = int(response["Location"].split("/")[3])
        fill_and_attach(client, application_id)
        version = Application.objects.get(pk=application_id).version
        client.post(f"/my/applications/{application_id}/submit/", {"version": version})
        ids.append(application_id)
    reviewer = client_for(make_user(Role.REVIEWER))
    page = reviewer.get(f"/staff/applications/?track={grant_track.pk}").content.decode()
    assert page.index("ビー商事株式会社") < page.index("株式会社エーテック")
    before = AuditEvent.objects.count()
    assert reviewer.get(f"/staff/applications/{ids[0]}/").status_code == 200
    attachment = Application.objects.get(pk=ids[0]).attachments.first()
    assert (
        reviewer.get(f"/staff/applications/{ids[0]}/attachments/{attachment.pk}/").status_code
        == 200
    )
    assert AuditEvent.objects.count() == before + 2
    # Reviewers read; they do not key in.
    company_id = Application.objects.get(pk=ids[0]).company_id
    assert reviewer.get(f"/staff/applications/key-in/{company_id}/").status_code == 403


def test_the_list_page_makes_a_fixed_number_of_queries(
    grant_track, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    from dxdesk.grants.tests.conftest import make_applicant

    for number in range(12):
        user, _applicant = make_applicant(f"一覧{number}株式会社", 6000 + number)
        client_for(user).post(f"/my/start/{grant_track.pk}/")
    supervisor = client_for(make_user(Role.SUPERVISOR))
    with django_assert_max_num_queries(17):
        assert supervisor.get("/staff/applications/").status_code == 200


def test_tax_certificates_open_only_for_the_roles_that_need_them(grant_track, applicant_a) -> None:  # type: ignore[no-untyped-def]
    user, _applicant = applicant_a
    client = client_for(user)
    response = client.post(f"/my/start/{grant_track.pk}/")
    application_id = int(response["Location"].split("/")[3])
    fill_and_attach(client, application_id)
    application = Application.objects.get(pk=application_id)
    client.post(f"/my/applications/{application_id}/submit/", {"version": application.version})
    certificate = application.attachments.get(code="city_tax_certificate")
    quotation = application.attachments.get(code="quotation")
    detail = f"/staff/applications/{application_id}/"
    for role, may in (
        (Role.REVIEWER, True),
        (Role.SUPERVISOR, True),
        (Role.DESK, False),
        (Role.FINANCE, False),
        (Role.CLIENT, False),
    ):
        staff = client_for(make_user(role))
        page = staff.get(detail).content.decode()
        assert ("city_tax_certificate.pdf" in page) is may, role
        assert ("閲覧権限がないため表示しません" in page) is not may, role
        status = staff.get(f"{detail}attachments/{certificate.pk}/").status_code
        assert status == (200 if may else 403), role
        assert staff.get(f"{detail}attachments/{quotation.pk}/").status_code == 200
    # The applicant always opens its own.
    assert (
        client.get(f"/my/applications/{application_id}/attachments/{certificate.pk}/").status_code
        == 200
    )
