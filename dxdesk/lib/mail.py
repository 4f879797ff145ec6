"""Notices to people outside the secretariat (R-SEC-5).

A notice to several outside addresses never shows one recipient's address to another:
all of them go in Bcc and To carries only the sender.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage


def send_notice(
    subject: str, body: str, recipients: Iterable[str], *, from_email: str | None = None
) -> int:
    """Send one plain-text notice; returns the number of messages sent (0 or 1)."""
    sender = from_email or settings.DEFAULT_FROM_EMAIL
    unique: dict[str, str] = {}
    for address in recipients:
        if address.strip():
            unique.setdefault(address.strip().lower(), address.strip())
    addresses = list(unique.values())
    if not addresses:
        raise ValueError("a notice needs at least one recipient")
    if len(addresses) == 1:
        message = EmailMessage(subject, body, sender, to=addresses)
    else:
        message = EmailMessage(subject, body, sender, to=[sender], bcc=addresses)
    return message.send()
