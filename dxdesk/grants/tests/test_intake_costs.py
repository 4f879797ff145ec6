"""What an applicant's upload and submission cost the server: a burst of thousands of
them must fit in a minute on two cores (issue #5), so the queries each request makes
are counted here, and a gain cannot silently go away."""

from __future__ import annotations

import pytest
from django.utils import translation

from dxdesk.grants import intake
from dxdesk.grants.models import Application, ApplicationState
from dxdesk.grants.tests.conftest import FILLED, pdf_upload
from dxdesk.testing import client_for

pytestmark = pytest.mark.django_db


def draft_ready_to_submit(client, track) -> int:  # type: ignore[no-untyped-def]
    """A filled-in draft with the one attachment the demo track requires besides the
    quotation, which the test uploads itself."""
    response = client.post(f"/my/start/{track.pk}/")
    application_id = int(response["Location"].split("/")[3])
    base = f"/my/applications/{application_id}/"
    assert client.post(base + "edit/", {**FILLED, "save": ""}).status_code == 302
    upload = {"code": "city_tax_certificate", "upload": pdf_upload("納税証明書.pdf")}
    assert client.post(base + "attachments/", upload).status_code == 302
    return application_id


def test_an_upload_and_a_submission_make_a_fixed_number_of_queries(
    grant_track,
    applicant_a,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    user, _applicant = applicant_a
    client = client_for(user)
    application_id = draft_ready_to_submit(client, grant_track)
    base = f"/my/applications/{application_id}/"

    # Session, user, roles, the application, the stored file's row, the draft's new
    # version, the attachment and the audit event (head, event, head), with the savepoint
    # the test's own transaction turns the commit into.
    with django_assert_max_num_queries(12):
        response = client.post(base + "attachments/", {"code": "quotation", "upload": pdf_upload()})
    assert response.status_code == 302

    version = Application.objects.get(pk=application_id).version
    # Session, user, roles, the application, its attachments checked; then the locked
    # draft, the ledger claim (an earlier claim looked for, then on SQLite the fund's
    # figures, the request and its entry in a savepoint; on PostgreSQL one statement),
    # the receipt, its timeline event, the audit event (head, event, head); after the
    # commit, the addresses the receipt is mailed to.
    with django_assert_max_num_queries(20), django_capture_on_commit_callbacks(execute=True):
        response = client.post(base + "submit/", {"version": version})
    assert response.status_code == 302
    assert Application.objects.get(pk=application_id).state == ApplicationState.RECEIVED


def test_the_form_is_built_once_for_each_language(grant_track) -> None:  # type: ignore[no-untyped-def]
    with translation.override("ja"):
        japanese = intake.application_form_class(grant_track, for_submission=True)
        assert intake.application_form_class(grant_track, for_submission=True) is japanese
    with translation.override("en"):
        english = intake.application_form_class(grant_track, for_submission=True)
    assert "円単位で入力" in str(japanese.base_fields["eligible_cost"].help_text)
    assert "Enter the amount in yen" in str(english.base_fields["eligible_cost"].help_text)
