"""A stored file is sent with its own type, its name in UTF-8, and headers that keep the
browser from running or caching it."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from dxdesk.accounts.roles import Role
from dxdesk.files.storage import store_upload
from dxdesk.files.tests import samples
from dxdesk.files.tests.samples import upload
from dxdesk.testing import client_for, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.urls("dxdesk.files.tests.urls")]


def test_it_sends_the_file_as_an_attachment_with_safe_headers() -> None:
    applicant = make_user(Role.APPLICANT)
    content = samples.pdf()
    stored = store_upload(upload("見積書（2024年度）.pdf", content), by=applicant)
    response = client_for(applicant).get(f"/attachments/{stored.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(content))
    assert response["Content-Disposition"] == (
        'attachment; filename="2024.pdf"; '  # what is left in ASCII
        f"filename*=UTF-8''{quote('見積書（2024年度）.pdf', safe='')}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    # The site's own policy (django-csp) does not replace the sandbox.
    assert response["Content-Security-Policy"] == "sandbox"
    assert "no-store" in response["Cache-Control"]


def test_it_names_a_file_with_no_ascii_in_its_name_by_its_number() -> None:
    applicant = make_user(Role.APPLICANT)
    stored = store_upload(upload("見積書.pdf", samples.pdf()), by=applicant)
    response = client_for(applicant).get(f"/attachments/{stored.pk}/")
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="file-{stored.pk}.pdf"; '
    )


def test_it_keeps_an_ascii_name_for_old_clients() -> None:
    applicant = make_user(Role.APPLICANT)
    stored = store_upload(upload('Quote "final"; v2.xlsx', samples.xlsx()), by=applicant)
    response = client_for(applicant).get(f"/attachments/{stored.pk}/")
    assert response["Content-Disposition"] == (
        'attachment; filename="Quote _final__ v2.xlsx"; '
        "filename*=UTF-8''Quote%20%22final%22%3B%20v2.xlsx"
    )
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_it_can_show_an_image_inline_still_sandboxed() -> None:
    applicant = make_user(Role.APPLICANT)
    stored = store_upload(upload("写真.png", samples.png()), by=applicant)
    response = client_for(applicant).get(f"/attachments/{stored.pk}/?inline=1")
    assert response["Content-Disposition"].startswith('inline; filename="')
    assert response["Content-Type"] == "image/png"
    assert response["Content-Security-Policy"] == "sandbox"
