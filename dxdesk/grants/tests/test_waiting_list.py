"""Past the pool: waiting with a truthful message and position; withdrawal promotes."""

from __future__ import annotations

import pytest

from dxdesk.funds.models import RequestState
from dxdesk.grants.models import Application, ApplicationState
from dxdesk.grants.tests.conftest import fill_and_attach, make_applicant, open_grant_track
from dxdesk.testing import client_for

pytestmark = pytest.mark.django_db


def apply(user, track):  # type: ignore[no-untyped-def]
    client = client_for(user)
    response = client.post(f"/my/start/{track.pk}/")
    application_id = int(response["Location"].split("/")[3])
    fill_and_attach(client, application_id)
    version = Application.objects.get(pk=application_id).version
    response = client.post(
        f"/my/applications/{application_id}/submit/", {"version": version}, follow=True
    )
    return client, Application.objects.get(pk=application_id), response.content.decode()


def test_past_the_pool_an_application_waits_and_is_promoted_when_money_is_freed() -> None:
    track = open_grant_track(limit_yen=1_000_000)  # room for two applications of 500,000
    people = [make_applicant(f"会社{number}株式会社", 4000 + number)[0] for number in range(4)]
    results = [apply(user, track) for user in people]
    states = [application.money_state for _client, application, _page in results]
    assert states == [
        RequestState.RESERVED,
        RequestState.RESERVED,
        RequestState.WAITING,
        RequestState.WAITING,
    ]
    assert [application.receipt_number for _c, application, _p in results] == [1, 2, 3, 4]
    third_page, fourth_page = results[2][2], results[3][2]
    assert "受付番号 3 で受け付けました" in third_page and "待ち（補欠）の 1 番目" in third_page
    assert "待ち（補欠）の 2 番目" in fourth_page
    assert "予算の残額" in client_for(None).get("/grants/").content.decode()

    first_client, first, _page = results[0]
    response = first_client.post(
        f"/my/applications/{first.pk}/withdraw/", {"confirm": "on", "reason": "計画変更"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.state == ApplicationState.WITHDRAWN
    third = Application.objects.get(pk=results[2][1].pk)
    assert third.money_state == RequestState.RESERVED
    fourth = Application.objects.get(pk=results[3][1].pk)
    assert fourth.waiting_position() == 1
    page = results[2][0].get(f"/my/applications/{third.pk}/").content.decode()
    assert "予算を確保" in page and "待ち（補欠）" not in page


def test_withdrawal_needs_the_confirmation_box() -> None:
    track = open_grant_track()
    user, _applicant = make_applicant("取下げ株式会社", 5005)
    client, application, _page = apply(user, track)
    client.post(f"/my/applications/{application.pk}/withdraw/", {"reason": "x"})
    application.refresh_from_db()
    assert application.state == ApplicationState.RECEIVED


def test_a_draft_can_be_discarded_and_started_again() -> None:
    track = open_grant_track()
    user, _applicant = make_applicant("やり直し株式会社", 5006)
    client = client_for(user)
    response = client.post(f"/my/start/{track.pk}/")
    application_id = int(response["Location"].split("/")[3])
    client.post(f"/my/applications/{application_id}/withdraw/", {"confirm": "on"})
    assert Application.objects.get(pk=application_id).state == ApplicationState.WITHDRAWN
    response = client.post(f"/my/start/{track.pk}/")
    assert int(response["Location"].split("/")[3]) != application_id
