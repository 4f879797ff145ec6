"""The applicant's path over HTTP: start, draft, attach, confirm, submit, and every way
of submitting twice."""

from __future__ import annotations

import pytest
from django.core import mail

from dxdesk.funds.models import FundRequest, RequestState
from dxdesk.grants.models import Application, ApplicationState
from dxdesk.grants.tests.conftest import FILLED, fill_and_attach, open_grant_track, pdf_upload
from dxdesk.testing import client_for

pytestmark = pytest.mark.django_db


def start(client, track) -> int:  # type: ignore[no-untyped-def]
    response = client.post(f"/my/start/{track.pk}/")
    assert response.status_code == 302
    return int(response["Location"].split("/")[3])


def test_it_takes_an_application_from_draft_to_receipt(
    grant_track, applicant_a, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    user, _applicant = applicant_a
    client = client_for(user)
    assert grant_track.title in client.get("/my/").content.decode()
    application_id = start(client, grant_track)

    # A draft may be saved half-filled; the confirmation page says what is missing.
    assert (
        client.post(
            f"/my/applications/{application_id}/edit/", {"tool_name": "会計", "save": ""}
        ).status_code
        == 302
    )
    page = client.get(f"/my/applications/{application_id}/confirm/").content.decode()
    assert "補助対象経費" in page and "見積書" in page and "この内容で提出する" not in page

    fill_and_attach(client, application_id)
    page = client.get(f"/my/applications/{application_id}/confirm/").content.decode()
    # 1,200,000 × 1/2 is capped by the 500,000 ceiling, and the page shows the working.
    assert "<strong>500,000 円</strong>" in page and "上限額 ¥500,000 を適用" in page
    assert "この内容で提出する" in page
    application = Application.objects.get(pk=application_id)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/my/applications/{application_id}/submit/", {"version": application.version}
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.RECEIVED
    assert application.receipt_number == 1 and application.received_at is not None
    assert application.requested_yen == 500_000
    assert application.fund_request.state == RequestState.RESERVED
    assert application.fund_request.requested_at == application.received_at
    page = client.get(response["Location"]).content.decode()
    assert "受付番号 1 で受け付けました" in page
    assert [message.subject for message in mail.outbox][-1].startswith(
        "【中小企業DX支援ポータル】申請を受け付けました（受付番号 1）"
    )
    assert mail.outbox[-1].to == [user.email]


def test_submitting_twice_returns_the_first_receipt(grant_track, applicant_a) -> None:  # type: ignore[no-untyped-def]
    user, _applicant = applicant_a
    client = client_for(user)
    application_id = start(client, grant_track)
    fill_and_attach(client, application_id)
    version = Application.objects.get(pk=application_id).version
    first = client.post(f"/my/applications/{application_id}/submit/", {"version": version})
    # A double click, a retry after a time-out, the back button and resubmit:
    again = client.post(f"/my/applications/{application_id}/submit/", {"version": version})
    back = client.get(f"/my/applications/{application_id}/confirm/")
    after_back = client.post(f"/my/applications/{application_id}/submit/", {"version": version})
    assert first["Location"] == again["Location"] == back["Location"] == after_back["Location"]
    assert FundRequest.objects.count() == 1
    assert Application.objects.get(pk=application_id).receipt_number == 1
    # Starting the same track again is refused: one application per company and track.
    response = client.post(f"/my/start/{grant_track.pk}/", follow=True)
    assert "申請がすでにあります" in response.content.decode()
    assert Application.objects.count() == 1


def test_a_draft_changed_after_confirmation_must_be_confirmed_again(
    grant_track, applicant_a
) -> None:  # type: ignore[no-untyped-def]
    user, _applicant = applicant_a
    client = client_for(user)
    application_id = start(client, grant_track)
    fill_and_attach(client, application_id)
    confirmed = Application.objects.get(pk=application_id).version
    client.post(
        f"/my/applications/{application_id}/edit/",
        {**FILLED, "eligible_cost": "300000", "save": ""},
    )
    response = client.post(
        f"/my/applications/{application_id}/submit/", {"version": confirmed}, follow=True
    )
    assert "もう一度内容を確認してください" in response.content.decode()
    assert Application.objects.get(pk=application_id).state == ApplicationState.DRAFT
    assert not FundRequest.objects.exists()


def test_a_submission_with_missing_parts_is_refused_and_nothing_is_claimed(
    grant_track, applicant_a
) -> None:  # type: ignore[no-untyped-def]
    user, _applicant = applicant_a
    client = client_for(user)
    application_id = start(client, grant_track)
    client.post(f"/my/applications/{application_id}/edit/", {**FILLED, "save": ""})
    version = Application.objects.get(pk=application_id).version
    response = client.post(
        f"/my/applications/{application_id}/submit/", {"version": version}, follow=True
    )
    assert "まだ提出できません" in response.content.decode()
    assert "添付書類「見積書」がありません" in response.content.decode()
    assert not FundRequest.objects.exists()


def test_badly_written_amounts_are_read_and_wrong_ones_refused(grant_track, applicant_a) -> None:  # type: ignore[no-untyped-def]
    user, _applicant = applicant_a
    client = client_for(user)
    application_id = start(client, grant_track)
    client.post(
        f"/my/applications/{application_id}/edit/",
        {**FILLED, "eligible_cost": "１，０００，０００円", "save": ""},
    )
    assert Application.objects.get(pk=application_id).answers["eligible_cost"] == 1_000_000
    client.post(
        f"/my/applications/{application_id}/edit/",
        {**FILLED, "eligible_cost": "１億２０万５０００円", "save": ""},
    )
    assert Application.objects.get(pk=application_id).answers["eligible_cost"] == 100_205_000
    response = client.post(
        f"/my/applications/{application_id}/edit/", {**FILLED, "eligible_cost": "百万", "save": ""}
    )
    assert response.status_code == 200 and "整数を入力してください" in response.content.decode()


def test_an_attachment_whose_content_is_not_what_it_claims_is_refused(
    grant_track, applicant_a
) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    user, _applicant = applicant_a
    client = client_for(user)
    application_id = start(client, grant_track)
    disguised = SimpleUploadedFile(
        "見積書.png", b"<html><script>alert(1)</script></html>", "image/png"
    )
    response = client.post(
        f"/my/applications/{application_id}/attachments/",
        {"code": "quotation", "upload": disguised},
    )
    assert response.status_code == 400
    assert "見積書.png" in response.content.decode()
    assert not Application.objects.get(pk=application_id).attachments.exists()


def test_an_attachment_is_downloaded_as_uploaded_and_removed_from_a_draft(
    grant_track, applicant_a, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    user, _applicant = applicant_a
    client = client_for(user)
    application_id = start(client, grant_track)
    upload = pdf_upload("見積書.pdf", 5_000)
    content = upload.read()
    upload.seek(0)
    client.post(
        f"/my/applications/{application_id}/attachments/", {"code": "quotation", "upload": upload}
    )
    attachment = Application.objects.get(pk=application_id).attachments.get()
    response = client.get(f"/my/applications/{application_id}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    path = attachment.stored_file.path
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/my/applications/{application_id}/attachments/{attachment.pk}/remove/")
    assert not Application.objects.get(pk=application_id).attachments.exists()
    assert not path.exists()


def test_intake_that_is_not_open_says_why(db) -> None:  # type: ignore[no-untyped-def]
    from dxdesk.grants.tests.conftest import make_applicant

    track = open_grant_track(limit_yen=None)
    user, _applicant = make_applicant("シー株式会社", 3003)
    client = client_for(user)
    assert "予算額が決まるまで受付できません" in client.get("/grants/").content.decode()
    response = client.post(f"/my/start/{track.pk}/", follow=True)
    assert "予算額が決まるまで受付できません" in response.content.decode()
    assert not Application.objects.exists()

    track = open_grant_track(opens_in_days=3)
    response = client.post(f"/my/start/{track.pk}/", follow=True)
    assert "から始まります" in response.content.decode()


def test_a_draft_is_warned_as_the_document_deadline_nears(grant_track, applicant_a) -> None:  # type: ignore[no-untyped-def]
    import datetime

    import time_machine

    user, _applicant = applicant_a
    client = client_for(user)
    application_id = start(client, grant_track)
    due = grant_track.definition.dates.documents_complete_by
    with time_machine.travel(
        datetime.datetime.combine(due - datetime.timedelta(days=30), datetime.time(12)), tick=False
    ):
        # (A new session: the one above has timed out by then.)
        page = client_for(user).get(f"/my/applications/{application_id}/edit/").content.decode()
        assert "あと 30 日" in page and "notice--info" in page
    with time_machine.travel(
        datetime.datetime.combine(due - datetime.timedelta(days=3), datetime.time(12)), tick=False
    ):
        page = client_for(user).get(f"/my/applications/{application_id}/").content.decode()
        assert "あと 3 日" in page and "notice notice--warning" in page
