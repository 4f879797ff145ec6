"""The campaign and export commands, for lists too big or too late for the web page."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dxdesk.outreach.exports import HEADER
from dxdesk.outreach.models import Campaign, ExportJob
from dxdesk.outreach.tests.conftest import add_companies
from dxdesk.programs.models import Program
from dxdesk.registry.models import Company

pytestmark = pytest.mark.django_db


def test_a_campaign_for_one_ward_from_the_command_line(sapporo: Program) -> None:
    add_companies(3)
    Company.objects.create(name="東区商店", address="札幌市東区北10条東7丁目")
    out = StringIO()
    call_command(
        "create_campaign",
        "sapporo-dx-2026",
        "--title=中央区",
        "--starts=2026-04-01",
        "--ends=2026-06-30",
        "--ward=中央区",
        stdout=out,
    )
    campaign = Campaign.objects.get()
    assert campaign.task_count == 3
    assert "3 社" in out.getvalue()


def test_an_unknown_programme_is_refused(sapporo: Program) -> None:
    with pytest.raises(CommandError, match="no outreach track"):
        call_command(
            "create_campaign", "nowhere", "--title=x", "--starts=2026-04-01", "--ends=2026-06-30"
        )


def test_the_results_table_is_written_as_cp932_csv_and_xlsx(
    campaign: Campaign, tmp_path: Path
) -> None:
    target = tmp_path / "架電結果表.csv"
    call_command("export_call_results", str(campaign.pk), str(target), "--cp932", stdout=StringIO())
    rows = list(csv.reader(target.read_text(encoding="cp932").splitlines()))
    assert tuple(rows[0]) == HEADER and len(rows) == 1 + campaign.task_count
    workbook = tmp_path / "架電結果表.xlsx"
    call_command("export_call_results", str(campaign.pk), str(workbook), stdout=StringIO())
    assert workbook.stat().st_size > 0
    assert ExportJob.objects.filter(status="done").count() == 2
