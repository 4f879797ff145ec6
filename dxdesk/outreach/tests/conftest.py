from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings

from dxdesk.outreach.actions import create_campaign
from dxdesk.outreach.models import Campaign
from dxdesk.outreach.schedule import TOKYO
from dxdesk.programs.actions import load_program
from dxdesk.programs.definition import load_definition
from dxdesk.programs.models import Program
from dxdesk.registry.models import Company

PROGRAMMES = Path(settings.BASE_DIR) / "programmes"


def tokyo(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=TOKYO)


def add_companies(count: int, **fields: object) -> list[Company]:
    return [
        Company.objects.create(
            name=f"株式会社テスト{number:03d}",
            phone=f"011-200-{number:04d}",
            address="札幌市中央区北1条西2丁目",
            **fields,
        )
        for number in range(1, count + 1)
    ]


def make_campaign(program: Program, **overrides: object) -> Campaign:
    values: dict[str, object] = {
        "track": program.tracks.get(name="outreach"),
        "title": "札幌市 全件架電",
        "starts_on": datetime.date(2026, 4, 1),
        "ends_on": datetime.date(2026, 6, 30),
        "companies": Company.objects.all(),
        "by": None,
    }
    values.update(overrides)
    return create_campaign(**values)  # type: ignore[arg-type]


@pytest.fixture
def sapporo(db: None) -> Program:
    return load_program(load_definition(PROGRAMMES / "sapporo-dx-2026.toml")).program


@pytest.fixture
def campaign(sapporo: Program) -> Campaign:
    add_companies(5)
    return make_campaign(sapporo)
