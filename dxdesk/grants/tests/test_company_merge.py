"""名寄せ's merge re-points grant applications, and refuses when both companies have a
live application on the same track (one application per company and track)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dxdesk.accounts.roles import Role
from dxdesk.grants.models import Application, ApplicationState
from dxdesk.grants.tests.conftest import open_grant_track
from dxdesk.registry.merging import MergeRefused, merge_companies, undo_merge
from dxdesk.registry.models import Company
from dxdesk.testing import make_user

pytestmark = pytest.mark.django_db


def test_a_merge_moves_applications_and_undo_puts_them_back() -> None:
    track = open_grant_track()
    survivor = Company.objects.create(name="株式会社エー", phone="011-211-2111")
    merged = Company.objects.create(name="エー株式会社", phone="011-211-2111")
    Application.objects.create(track=track, company=survivor)
    second = Application.objects.create(track=track, company=merged)
    supervisor = make_user(Role.SUPERVISOR)

    with pytest.raises(MergeRefused) as refusal:
        merge_companies(survivor, merged, by=supervisor)
    assert "one_application_per_company_and_track" in str(refusal.value)
    assert Application.objects.get(pk=second.pk).company == merged

    Application.objects.filter(pk=second.pk).update(
        state=ApplicationState.WITHDRAWN, receipt_number=9, received_at=timezone.now()
    )
    merge = merge_companies(survivor, merged, by=supervisor)
    assert Application.objects.get(pk=second.pk).company == survivor
    undo_merge(merge, by=supervisor)
    assert Application.objects.get(pk=second.pk).company == merged
