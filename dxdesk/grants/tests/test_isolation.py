"""Applicant B gets 404 on every URL of applicant A's application, attachment and message."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from dxdesk.grants.models import Application
from dxdesk.grants.tests.conftest import fill_and_attach
from dxdesk.testing import client_for

pytestmark = pytest.mark.django_db


def application_urls() -> list[str]:
    """Every grants URL that names an application, from the URL configuration itself."""
    patterns = []
    for pattern in get_resolver().url_patterns:
        for inner in getattr(pattern, "url_patterns", []):
            route = str(getattr(inner, "pattern", ""))
            if getattr(pattern, "namespace", None) == "grants" and "<int:application_id>" in route:
                patterns.append(route)
    return patterns


def test_applicant_b_gets_404_on_everything_of_applicant_a(
    grant_track, applicant_a, applicant_b
) -> None:  # type: ignore[no-untyped-def]
    user_a, _ = applicant_a
    user_b, _ = applicant_b
    client_a, client_b = client_for(user_a), client_for(user_b)
    response = client_a.post(f"/my/start/{grant_track.pk}/")
    application_id = int(response["Location"].split("/")[3])
    fill_and_attach(client_a, application_id)
    client_a.post(f"/my/applications/{application_id}/messages/", {"body": "質問です"})
    application = Application.objects.get(pk=application_id)
    attachment = application.attachments.first()
    assert attachment is not None and application.messages.exists()

    routes = application_urls()
    assert len(routes) >= 10
    checked = 0
    for route in routes:
        if route.startswith("staff/"):
            continue
        path = "/" + route.replace("<int:application_id>", str(application_id)).replace(
            "<int:attachment_id>", str(attachment.pk)
        )
        for method in ("get", "post"):
            response = getattr(client_b, method)(path)
            assert response.status_code in {404, 405}, (method, path, response.status_code)
            if response.status_code == 404:
                checked += 1
            if method == "get":
                # A's own client reaches the same URL: the 404 is about B, not a dead URL.
                assert client_a.get(path).status_code != 404, path
    assert checked >= 10
    application.refresh_from_db()
    assert application.attachments.count() == 2 and application.state == "draft"
