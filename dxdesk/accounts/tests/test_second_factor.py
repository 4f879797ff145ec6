"""Staff need a code from an authenticator app as well as their password (R-SEC-3)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from dxdesk.accounts.roles import Role
from dxdesk.accounts.tests.otp import code_now, device_for, verified_client_for, wrong_code
from dxdesk.audit.models import AuditAction, AuditEvent
from dxdesk.testing import PERSONA_PASSWORD, client_for, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("second_factor_on")]


@pytest.fixture
def second_factor_on(settings: object) -> None:
    settings.DEMO_MODE = False  # type: ignore[attr-defined]


def sign_in(client: Client, email: str, next_url: str = "") -> object:
    data = {"username": email, "password": PERSONA_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/sign-in/", data)


def test_a_password_alone_does_not_open_the_staff_area() -> None:
    supervisor = make_user(Role.SUPERVISOR)
    device_for(supervisor)
    client = client_for(supervisor)
    response = client.get("/staff/companies/", {"q": "テック"})
    assert response.status_code == 302
    next_url = "/staff/companies/?" + urlencode({"q": "テック"})
    assert response["Location"] == "/accounts/sign-in/code/?" + urlencode({"next": next_url})


@pytest.mark.parametrize(
    "path", ["/staff/", "/staff/companies/", "/staff/programmes/", "/staff/audit/"]
)
@pytest.mark.parametrize("role", [Role.OPERATOR, Role.CLIENT, Role.ADMIN])
def test_every_staff_page_sends_a_half_signed_in_session_to_its_code(role: str, path: str) -> None:
    user = make_user(role)
    device_for(user)
    response = client_for(user).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/code/")


def test_the_admin_site_wants_the_code_too() -> None:
    admin = make_user(Role.ADMIN, is_staff=True, is_superuser=True)
    device_for(admin)
    response = client_for(admin).get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/sign-in/code/")
    assert verified_client_for(admin).get("/admin/").status_code == 200


def test_a_stranger_at_the_admin_site_is_sent_to_dxdesk_s_sign_in() -> None:
    response = Client().get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/sign-in/?next=/admin/")


def test_signing_in_the_first_time_leads_to_enrolment_with_a_qr_code_and_the_secret() -> None:
    operator = make_user(Role.OPERATOR, email="caller@example.jp")
    client = Client()
    response = sign_in(client, "caller@example.jp", "/staff/companies/")
    assert response["Location"] == "/accounts/sign-in/authenticator/?next=%2Fstaff%2Fcompanies%2F"

    page = client.get(response["Location"])
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=operator, confirmed=False)
    assert "<svg" in body and "<path" in body
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', body)
    assert secret is not None
    assert len(secret.group(1).replace(" ", "")) == 32
    # Reloading shows the same secret: a code scanned a moment ago stays valid.
    assert secret.group(1) in client.get(response["Location"]).content.decode()

    confirmed = client.post(
        "/accounts/sign-in/authenticator/",
        {"token": code_now(device), "next": "/staff/companies/"},
    )
    assert confirmed["Location"] == "/staff/companies/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/staff/companies/").status_code == 200


def test_a_wrong_code_does_not_confirm_the_device() -> None:
    operator = make_user(Role.OPERATOR, email="caller@example.jp")
    client = Client()
    sign_in(client, "caller@example.jp")
    client.get("/accounts/sign-in/authenticator/")
    device = TOTPDevice.objects.get(user=operator)
    response = client.post("/accounts/sign-in/authenticator/", {"token": wrong_code(device)})
    assert response.status_code == 200
    assert "確認コードが正しくありません" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/staff/").status_code == 302


def test_signing_in_again_asks_for_the_code_and_then_opens_the_page_asked_for() -> None:
    supervisor = make_user(Role.SUPERVISOR, email="boss@example.jp")
    device = device_for(supervisor)
    client = Client()
    response = sign_in(client, "boss@example.jp", "/staff/audit/")
    assert response["Location"] == "/accounts/sign-in/code/?next=%2Fstaff%2Faudit%2F"

    response = client.post(
        "/accounts/sign-in/code/", {"token": code_now(device), "next": "/staff/audit/"}
    )
    assert response["Location"] == "/staff/audit/"
    assert client.get("/staff/audit/").status_code == 200


def test_a_wrong_code_is_refused_and_recorded() -> None:
    supervisor = make_user(Role.SUPERVISOR, email="boss@example.jp")
    device = device_for(supervisor)
    client = Client()
    sign_in(client, "boss@example.jp")
    response = client.post("/accounts/sign-in/code/", {"token": wrong_code(device)})
    assert response.status_code == 200
    assert "確認コードが正しくありません" in response.content.decode()
    assert client.get("/staff/").status_code == 302
    event = AuditEvent.objects.filter(user_id=supervisor.pk).order_by("-sequence").first()
    assert event is not None
    assert (event.action, event.note) == (AuditAction.SIGN_IN_FAILED, "確認コードの誤り")


def test_the_code_page_refuses_a_next_address_on_another_site() -> None:
    supervisor = make_user(Role.SUPERVISOR, email="boss@example.jp")
    device = device_for(supervisor)
    client = Client()
    sign_in(client, "boss@example.jp")
    response = client.post(
        "/accounts/sign-in/code/", {"token": code_now(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/accounts/home/"


def test_applicants_sign_in_with_a_password_only() -> None:
    make_user(Role.APPLICANT, email="shacho@a-shoji.example.jp")
    client = Client()
    response = sign_in(client, "shacho@a-shoji.example.jp")
    assert response["Location"] == "/accounts/home/"
    assert client.get("/accounts/home/")["Location"] == "/my/"  # My Page
    assert client.get("/accounts/sign-in/code/")["Location"] == "/accounts/home/"


def test_demo_mode_needs_no_code(settings: object) -> None:
    settings.DEMO_MODE = True  # type: ignore[attr-defined]
    assert client_for(make_user(Role.SUPERVISOR)).get("/staff/").status_code == 200
