"""A supervisor makes a campaign from a registry selection or from an uploaded list."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dxdesk.accounts.roles import Role
from dxdesk.outreach.models import CallTask, Campaign, CampaignStatus
from dxdesk.outreach.tests.conftest import PROGRAMMES
from dxdesk.programs.actions import load_program
from dxdesk.programs.definition import load_definition
from dxdesk.programs.models import Program
from dxdesk.registry.models import Company, ImportStatus
from dxdesk.testing import client_for, make_user


def form_data(program: Program, **extra: object) -> dict[str, object]:
    return {
        "track": program.tracks.get(name="outreach").pk,
        "title": "中央区 先行架電",
        "starts_on": "2026-04-01",
        "ends_on": "2026-06-30",
        **extra,
    }


@pytest.mark.django_db
def test_a_campaign_from_a_registry_selection_takes_the_selected_companies(
    sapporo: Program,
) -> None:
    Company.objects.create(name="中央テック株式会社", address="札幌市中央区北1条西2丁目")
    Company.objects.create(name="東区物産株式会社", address="札幌市東区北10条東7丁目")
    client = client_for(make_user(Role.SUPERVISOR))
    count = client.get("/staff/outreach/new/", {"select-ward": "中央区"}, HTTP_HX_REQUEST="true")
    assert "該当 1 社" in count.content.decode()
    response = client.post(
        "/staff/outreach/new/", form_data(sapporo, source="registry", **{"select-ward": "中央区"})
    )
    campaign = Campaign.objects.get()
    assert response["Location"] == f"/staff/outreach/{campaign.pk}/"
    assert campaign.status == CampaignStatus.READY and campaign.task_count == 1
    assert list(CallTask.objects.values_list("company__name", flat=True)) == ["中央テック株式会社"]
    assert "中央区" in campaign.source_note


@pytest.mark.django_db
def test_an_operator_cannot_make_a_campaign(sapporo: Program) -> None:
    response = client_for(make_user(Role.OPERATOR)).post(
        "/staff/outreach/new/", form_data(sapporo, source="registry")
    )
    assert response.status_code == 403
    assert not Campaign.objects.exists()


@pytest.mark.django_db
def test_the_end_date_cannot_come_before_the_start(sapporo: Program) -> None:
    response = client_for(make_user(Role.SUPERVISOR)).post(
        "/staff/outreach/new/", form_data(sapporo, source="registry", ends_on="2026-03-01")
    )
    assert "終了予定日は開始日以降にしてください" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_campaign_from_an_uploaded_list_imports_it_and_keeps_its_order(
    tmp_path: Path,
) -> None:
    program = load_program(load_definition(PROGRAMMES / "sapporo-dx-2026.toml")).program
    Company.objects.create(ref="B2", name="既存商事株式会社", phone="011-222-3333")
    text = (
        "管理番号,商号又は名称,所在地,電話番号\r\n"
        "B3,株式会社サッポロテック,札幌市中央区北1条西2丁目,011-211-2111\r\n"
        "B2,既存商事株式会社,札幌市北区北7条西1丁目,011-222-3333\r\n"
        ",名称のみ有限会社,札幌市南区真駒内,011-581-0000\r\n"
        "B4,,札幌市西区,011-600-0000\r\n"
    )
    upload = SimpleUploadedFile("架電リスト.csv", text.encode("cp932"), content_type="text/csv")
    client = client_for(make_user(Role.SUPERVISOR))
    response = client.post("/staff/outreach/new/", form_data(program, source="list", file=upload))
    campaign = Campaign.objects.get()
    assert response["Location"] == f"/staff/outreach/{campaign.pk}/"
    deadline = time.monotonic() + 20
    while campaign.status == CampaignStatus.PREPARING and time.monotonic() < deadline:
        time.sleep(0.1)
        campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.READY, campaign.failure
    names = list(CallTask.objects.order_by("id").values_list("company__name", flat=True))
    assert names == ["株式会社サッポロテック", "既存商事株式会社", "名称のみ有限会社"]
    assert campaign.import_job is not None
    assert campaign.import_job.status == ImportStatus.DONE
    assert campaign.import_job.rejected_count == 1  # the row without a name


@pytest.mark.django_db
def test_a_list_campaign_needs_a_readable_file(sapporo: Program) -> None:
    upload = SimpleUploadedFile("list.csv", b"", content_type="text/csv")
    response = client_for(make_user(Role.SUPERVISOR)).post(
        "/staff/outreach/new/", form_data(sapporo, source="list", file=upload)
    )
    assert response.status_code == 200
    assert not Campaign.objects.exists()
