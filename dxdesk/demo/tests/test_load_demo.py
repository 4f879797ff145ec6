from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from dxdesk.accounts.models import User
from dxdesk.accounts.roles import Role
from dxdesk.outreach.models import Campaign
from dxdesk.programs.models import Program
from dxdesk.registry.models import Company

pytestmark = pytest.mark.django_db


def test_load_demo_loads_programmes_companies_and_one_user_per_role(
    settings: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    call_command("load_demo", "--companies", "120")
    first = capsys.readouterr().out
    assert Program.objects.count() == 6
    assert 100 <= Company.objects.count() <= 120
    campaign = Campaign.objects.get()
    assert campaign.tasks.count() == Company.objects.count()
    for role in Role.values:
        assert User.objects.get(email=f"{role}@demo.dxdesk.example").has_role(role)
    password = (tmp_path / "demo" / "password.txt").read_text().strip()
    assert password in first
    assert User.objects.get(email="supervisor@demo.dxdesk.example").check_password(password)

    call_command("load_demo", "--companies", "120")
    again = capsys.readouterr().out
    assert "(unchanged)" in again and password in again
    assert User.objects.filter(email__endswith="@demo.dxdesk.example").count() == len(Role.values)
    assert Campaign.objects.count() == 1
