from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from dxdesk.accounts.roles import Role
from dxdesk.testing import make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-and-long-enough-passphrase-7"


def test_a_forgotten_password_is_reset_through_a_one_time_link() -> None:
    user = make_user(Role.APPLICANT, email="keiri@b-shoji.example.jp")
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": "KEIRI@b-shoji.example.jp"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox[-1].to == [user.email]
    link = re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)  # type: ignore[union-attr]
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and "新しいパスワード" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/accounts/password/reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The link worked once.
    assert "有効期限が切れています" in Client().get(link, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail() -> None:
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.jp"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert not mail.outbox
