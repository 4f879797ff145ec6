from __future__ import annotations

import pytest

from dxdesk.accounts.roles import Role
from dxdesk.testing import client_for, make_user

pytestmark = pytest.mark.django_db


def test_the_portal_speaks_japanese_by_default() -> None:
    response = client_for(None).get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="ja">' in body
    assert "中小企業DX支援ポータル" in body


def test_a_visitor_can_switch_to_english_and_back() -> None:
    client = client_for(make_user(Role.OPERATOR))
    response = client.post("/language/", {"language": "en", "next": "/staff/companies/"})
    assert response.status_code == 302
    body = client.get("/staff/companies/").content.decode()
    assert '<html lang="en">' in body
    assert "Company registry" in body and "Sign out" in body
    client.post("/language/", {"language": "ja", "next": "/"})
    assert "企業台帳" in client.get("/staff/companies/").content.decode()


def test_every_page_has_landmarks_and_a_skip_link() -> None:
    body = client_for(None).get("/accounts/sign-in/").content.decode()
    for landmark in ('<header class="site-header">', '<main id="main"', "<footer", "<nav"):
        assert landmark in body
    assert 'href="#main"' in body
    assert '<label for="id_username">' in body


def test_signed_in_pages_are_never_cached() -> None:
    response = client_for(make_user(Role.OPERATOR)).get("/staff/")
    assert "no-store" in response["Cache-Control"]
