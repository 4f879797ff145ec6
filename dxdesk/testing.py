"""Named personas and small builders shared by the test suite."""

from __future__ import annotations

import os
import shutil
from typing import Any

from django.test import Client

from dxdesk.accounts.models import User
from dxdesk.accounts.roles import Role

PERSONA_PASSWORD = "correct-horse-battery-staple-9"  # noqa: S105


def make_user(role: str | None, email: str | None = None, **fields: Any) -> User:
    email = email or f"{role or 'nobody'}-{User.objects.count() + 1}@example.jp"
    user = User.objects.create_user(email, PERSONA_PASSWORD, full_name=f"{role} さん", **fields)
    if role:
        user.set_roles([role])
    return user


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def personas() -> dict[str, User | None]:
    """One user per role plus the anonymous visitor (None)."""
    people: dict[str, User | None] = {role: make_user(role) for role in Role.values}
    people["anonymous"] = None
    return people


def chromium_path() -> str:
    """Debian's Chromium; Playwright never downloads a browser of its own here."""
    return os.environ.get("DXDESK_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
