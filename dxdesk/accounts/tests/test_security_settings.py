"""Headers every response carries, and the production settings pass Django's deploy check."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from dxdesk.accounts.roles import Role
from dxdesk.testing import client_for, make_user

PRODUCTION_ENVIRONMENT = {
    "DXDESK_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "dxdesk.city.example.jp",
}


def production_environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DXDESK_", "DJANGO_")) and name not in {"DEBUG", "SECRET_KEY"}
    }
    return {**inherited, **PRODUCTION_ENVIRONMENT, "DXDESK_VAR_DIR": str(tmp_path), **extra}


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_code() -> None:
    response = client_for(make_user(Role.OPERATOR)).get("/staff/companies/")
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_pages_load_their_scripts_from_static_files_only() -> None:
    body = client_for(make_user(Role.OPERATOR)).get("/staff/companies/").content.decode()
    assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in body
    assert "<script>" not in body
    assert " onclick=" not in body


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dxdesk", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_demo_mode(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import dxdesk.settings"],
        env=production_environment(tmp_path, DXDESK_DEMO="true"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "DXDESK_DEMO cannot be on" in result.stderr
