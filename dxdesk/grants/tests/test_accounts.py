"""Applicant accounts: sign-up with a verified address, colleagues by invitation, and a
second account for the same 法人番号 flagged, never joined."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from dxdesk.accounts.models import User
from dxdesk.grants.models import Applicant, Application
from dxdesk.registry.corporate_number import make_corporate_number
from dxdesk.registry.models import Company
from dxdesk.testing import PERSONA_PASSWORD, client_for

pytestmark = pytest.mark.django_db

NUMBER = make_corporate_number("700000000123")


def sign_up(client, email: str, number: str = NUMBER, name: str = "株式会社ミライ"):  # type: ignore[no-untyped-def]
    return client.post(
        "/grants/sign-up/",
        {
            "company_name": name,
            "corporate_number": number,
            "address": "札幌市北区北7条西5丁目",
            "phone": "011-211-2111",
            "full_name": "未来 花子",
            "email": email,
            "password": PERSONA_PASSWORD,
            "password_again": PERSONA_PASSWORD,
        },
    )


def signs_in(client, email: str) -> bool:  # type: ignore[no-untyped-def]
    response = client.post("/accounts/sign-in/", {"username": email, "password": PERSONA_PASSWORD})
    return response.status_code == 302


def link_in(message) -> str:  # type: ignore[no-untyped-def]
    return re.search(r"http://testserver(/\S+)", message.body).group(1)  # type: ignore[union-attr]


def test_sign_up_verifies_the_address_before_the_account_works(client) -> None:  # type: ignore[no-untyped-def]
    existing = Company(name="株式会社ミライ", corporate_number=NUMBER)
    existing.save()
    assert sign_up(client, "hanako@mirai.example.jp")["Location"] == "/grants/sign-up/sent/"
    user = User.objects.get(email="hanako@mirai.example.jp")
    assert not user.is_active
    assert not signs_in(client, user.email)

    link = link_in(mail.outbox[-1])
    assert client.get(link).status_code == 200  # a page with a button: scanners change nothing
    user.refresh_from_db()
    assert not user.is_active
    assert client.post(link).status_code == 302
    user.refresh_from_db()
    assert user.is_active
    applicant = Applicant.objects.get(members__user=user)
    assert applicant.company == existing  # found by its valid 法人番号
    assert client.post(link).status_code == 400  # used once
    assert signs_in(client, user.email)


def test_a_wrong_corporate_number_is_refused_with_the_reason(client) -> None:  # type: ignore[no-untyped-def]
    wrong = ("1" if NUMBER[0] != "1" else "2") + NUMBER[1:]
    response = sign_up(client, "x@example.jp", number=wrong)
    assert response.status_code == 200
    assert "チェックデジットが一致しません" in response.content.decode()
    assert not User.objects.filter(email="x@example.jp").exists()


def test_signing_up_with_a_registered_address_reveals_nothing(  # type: ignore[no-untyped-def]
    client, django_capture_on_commit_callbacks
) -> None:
    owner = User.objects.create_user("owner@example.jp", PERSONA_PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, "owner@example.jp")
    assert response["Location"] == "/grants/sign-up/sent/"
    assert User.objects.filter(email="owner@example.jp").count() == 1
    assert mail.outbox[-1].to == [owner.email] and "すでに登録済み" in mail.outbox[-1].body


def test_an_unverified_sign_up_can_be_made_again(client) -> None:  # type: ignore[no-untyped-def]
    sign_up(client, "again@example.jp", name="最初の名前株式会社")
    sign_up(client, "again@example.jp", name="正しい名前株式会社")
    assert User.objects.filter(email="again@example.jp").count() == 1
    assert Applicant.objects.get().name == "正しい名前株式会社"
    assert client.post(link_in(mail.outbox[0])).status_code == 400  # the first link died
    assert client.post(link_in(mail.outbox[1])).status_code == 302


def test_a_second_account_with_the_same_number_is_flagged_and_sees_nothing(
    client, grant_track
) -> None:  # type: ignore[no-untyped-def]
    from dxdesk.grants.tests.conftest import fill_and_attach

    sign_up(client, "first@example.jp")
    client.post(link_in(mail.outbox[-1]))
    first = User.objects.get(email="first@example.jp")
    first_client = client_for(first)
    response = first_client.post(f"/my/start/{grant_track.pk}/")
    application_id = int(response["Location"].split("/")[3])
    fill_and_attach(first_client, application_id)

    other = client_for(None)
    sign_up(other, "second@example.jp", name="ミライ（別名義）")
    other.post(link_in(mail.outbox[-1]))
    second = User.objects.get(email="second@example.jp")
    second_account = Applicant.objects.get(members__user=second)
    assert second_account.duplicate_of == Applicant.objects.get(members__user=first)

    second_client = client_for(second)
    assert "株式会社ミライ" not in second_client.get("/my/").content.decode()
    assert second_client.get(f"/my/applications/{application_id}/").status_code == 404
    response = second_client.post(f"/my/start/{grant_track.pk}/", follow=True)
    assert "申請がすでにあります" in response.content.decode()
    assert Application.objects.count() == 1
    staff_page = client_for(_supervisor()).get("/staff/applications/?flagged=1")
    assert staff_page.status_code == 200


def _supervisor() -> User:
    from dxdesk.accounts.roles import Role
    from dxdesk.testing import make_user

    return make_user(Role.SUPERVISOR)


def test_a_manager_invites_a_colleague_who_then_sees_the_applications(
    applicant_a, grant_track
) -> None:  # type: ignore[no-untyped-def]
    manager, _applicant = applicant_a
    client = client_for(manager)
    response = client.post(f"/my/start/{grant_track.pk}/")
    application_id = int(response["Location"].split("/")[3])
    assert (
        client.post(
            "/my/members/", {"full_name": "同僚 次郎", "email": "jiro@a-tech.example.jp"}
        ).status_code
        == 302
    )
    colleague = User.objects.get(email="jiro@a-tech.example.jp")
    assert not colleague.is_active
    link = link_in(mail.outbox[-1])
    anonymous = client_for(None)
    response = anonymous.post(
        link, {"new_password1": PERSONA_PASSWORD, "new_password2": PERSONA_PASSWORD}
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_active
    assert client_for(colleague).get(f"/my/applications/{application_id}/").status_code == 200
    # A colleague who is not a manager cannot invite.
    response = client_for(colleague).post(
        "/my/members/", {"full_name": "x", "email": "y@example.jp"}, follow=True
    )
    assert "管理者のみ" in response.content.decode()
    assert not User.objects.filter(email="y@example.jp").exists()
