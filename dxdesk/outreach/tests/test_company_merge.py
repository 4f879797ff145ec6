"""名寄せ merges (registry) move a company's call tasks, and refuse when both are on one list.

These live with outreach because the registry may not import outreach: the merge finds the
call tasks through the model metadata alone, and this proves it does.
"""

from __future__ import annotations

import pytest

from dxdesk.accounts.roles import Role
from dxdesk.audit.models import AuditEvent
from dxdesk.outreach.models import CallTask
from dxdesk.outreach.tests.conftest import make_campaign
from dxdesk.programs.models import Program
from dxdesk.registry.models import Company, CompanyMerge, DuplicateCandidate
from dxdesk.testing import client_for, make_user

pytestmark = pytest.mark.django_db


def pair_of(first: Company, second: Company) -> DuplicateCandidate:
    low, high = sorted((first, second), key=lambda company: company.pk)
    return DuplicateCandidate.objects.create(
        first=low, second=high, score=1.0, reason="名称・電話番号・住所が一致"
    )


def two_records_of_one_company() -> tuple[Company, Company]:
    kept = Company.objects.create(
        name="株式会社北海道ソフト", phone="011-231-0001", address="札幌市中央区大通西3丁目7"
    )
    merged = Company.objects.create(
        name="北海道ソフト(株)", phone="011-231-0001", address="札幌市中央区大通西三丁目7番地"
    )
    return kept, merged


def test_a_merge_re_points_the_call_tasks_and_undo_puts_them_back(sapporo: Program) -> None:
    kept, merged = two_records_of_one_company()
    campaign = make_campaign(sapporo, companies=Company.objects.filter(pk=merged.pk))
    task = CallTask.objects.get(campaign=campaign)
    candidate = pair_of(kept, merged)
    client = client_for(make_user(Role.SUPERVISOR))

    client.post(f"/staff/companies/duplicates/{candidate.pk}/merge/", {"survivor": kept.pk})

    task.refresh_from_db()
    assert task.company_id == kept.pk
    merge = CompanyMerge.objects.get()
    assert {"relation": "outreach.calltask.company", "label": "架電対象", "ids": [task.pk]} in (
        merge.record["relations"]
    )
    assert "架電対象 1件" in AuditEvent.objects.get(object_id=str(kept.pk)).note

    client.post(f"/staff/companies/duplicates/merges/{merge.pk}/undo/")

    task.refresh_from_db()
    assert task.company_id == merged.pk


def test_a_merge_of_two_companies_on_one_call_list_is_refused_naming_the_task(
    sapporo: Program,
) -> None:
    kept, merged = two_records_of_one_company()
    campaign = make_campaign(sapporo, companies=Company.objects.filter(pk__in=[kept.pk, merged.pk]))
    merged_task = CallTask.objects.get(campaign=campaign, company=merged)
    candidate = pair_of(kept, merged)

    response = client_for(make_user(Role.SUPERVISOR)).post(
        f"/staff/companies/duplicates/{candidate.pk}/merge/",
        {"survivor": kept.pk},
        follow=True,
    )

    page = response.content.decode()
    assert f"架電対象「{merged_task}」（ID {merged_task.pk}）を移せません" in page
    assert "架電キャンペーンが同じ架電対象があります（call_task_once_per_list）" in page
    merged_task.refresh_from_db()
    assert merged_task.company_id == merged.pk
    assert Company.objects.get(pk=merged.pk).merged_into is None
    assert not CompanyMerge.objects.exists()
    candidate.refresh_from_db()
    assert candidate.is_open


def test_the_pair_page_counts_each_companys_call_tasks(sapporo: Program) -> None:
    kept, merged = two_records_of_one_company()
    make_campaign(sapporo, companies=Company.objects.filter(pk=merged.pk))
    make_campaign(sapporo, title="再架電", companies=Company.objects.filter(pk=merged.pk))
    candidate = pair_of(kept, merged)

    response = client_for(make_user(Role.REVIEWER)).get(
        f"/staff/companies/duplicates/{candidate.pk}/"
    )

    counts = {title: (left, right) for title, left, right in response.context["counts"]}
    assert counts["架電対象"] == (0, 2)
