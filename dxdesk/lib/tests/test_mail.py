"""Notices to several outside addresses go Bcc, so no recipient learns another's (R-SEC-5)."""

from __future__ import annotations

import pytest
from django.core import mail

from dxdesk.lib.mail import send_notice

pytestmark = pytest.mark.usefixtures("locmem_mail")

SENDER = "jimukyoku@dxdesk.example.jp"


@pytest.fixture
def locmem_mail(settings: object) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]


def test_it_sends_one_recipient_an_ordinary_message() -> None:
    send_notice("説明会のご案内", "本文", ["tanaka@a-shoji.example.jp"], from_email=SENDER)
    (message,) = mail.outbox
    assert message.to == ["tanaka@a-shoji.example.jp"]
    assert message.bcc == []


def test_it_hides_every_recipient_of_a_message_to_several() -> None:
    recipients = ["tanaka@a-shoji.example.jp", "sato@b-kogyo.example.jp", "info@c.example.jp"]
    send_notice("説明会のご案内", "本文", recipients, from_email=SENDER)
    (message,) = mail.outbox
    assert message.to == [SENDER]
    assert message.cc == []
    assert message.bcc == recipients
    assert sorted(message.recipients()) == sorted([SENDER, *recipients])
    # What each recipient receives: the headers name none of them.
    delivered = message.message().as_string()
    for address in recipients:
        assert address not in delivered


def test_it_sends_each_address_once_however_it_is_written() -> None:
    send_notice("件名", "本文", ["a@x.example.jp", " A@X.example.jp ", "b@y.example.jp"])
    (message,) = mail.outbox
    assert message.bcc == ["a@x.example.jp", "b@y.example.jp"]


def test_it_needs_a_recipient() -> None:
    with pytest.raises(ValueError, match="recipient"):
        send_notice("件名", "本文", ["", "  "])
    assert mail.outbox == []
