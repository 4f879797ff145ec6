"""`dispose --before DATE`: only what was created before that day (Asia/Tokyo) goes."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from django.db.models import Model

from dxdesk.accounts.models import User
from dxdesk.grants.models import Application
from dxdesk.outreach.models import Campaign
from dxdesk.programs.models import Program
from dxdesk.registry.models import Company
from dxdesk.retention.models import DisposalCertificate
from dxdesk.retention.tests.conftest import (
    AUTUMN,
    SPRING,
    SUMMER_DAY,
    Staff,
    World,
    build_world,
    database_findings,
    files_in_store,
    run_dispose,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("frozen_later")]

# What a dated disposal keeps whole: the audit trail and the monthly reports drawn from it.
TRAIL_TABLES = {"audit_auditevent", "reporting_monthlyprivacyreport"}


@pytest.fixture
def spring(staff: Staff, programmes: dict[str, Program]) -> World:
    return build_world(staff, programmes, at=SPRING, seed=41)


@pytest.fixture
def autumn(staff: Staff, programmes: dict[str, Program], spring: World) -> World:
    return build_world(staff, programmes, at=AUTUMN, seed=42)


def pks(rows: Iterable[Model]) -> set[int]:
    return {row.pk for row in rows}


@pytest.mark.parametrize("scope", [("all",), ("programme", "demo-dx-grant")])
def test_it_erases_only_what_was_created_before_the_day(
    spring: World, autumn: World, staff: Staff, tmp_path: Path, scope: tuple[str, ...]
) -> None:
    autumn_findings = database_findings(autumn.needles)
    autumn_files = files_in_store()

    run = run_dispose(
        "--scope", *scope, "--before", SUMMER_DAY, "--operator", staff.admin.email,
        "--certificate", tmp_path / "spring.pdf",
    )  # fmt: skip

    assert run.status == 0, run.err
    certificate = DisposalCertificate.objects.get()
    assert str(certificate.before) == SUMMER_DAY
    assert certificate.is_full is False
    # Autumn's records are all there, in the same places, and its files.
    assert database_findings(autumn.needles) == autumn_findings
    assert set(autumn.files) <= set(files_in_store())
    assert pks(autumn.applications) <= pks(list(Application.objects.all()))
    # Spring's applications and applicant accounts went.
    assert not pks(spring.applications) & pks(list(Application.objects.all()))
    assert not pks(spring.applicant_users) & pks(list(User.objects.all()))
    assert certificate.counts["grants.application"] == 2
    if scope == ("all",):
        # Everything of spring but the audit trail (kept whole by a dated disposal).
        tables = {finding.split(".")[0] for finding in database_findings(spring.needles)}
        assert tables == TRAIL_TABLES
        assert set(files_in_store()) == set(autumn_files) - set(spring.files)
        assert not Campaign.objects.filter(pk=spring.campaign.pk).exists()  # type: ignore[union-attr]
        assert certificate.counts["file"] == 1  # spring's abandoned upload; not autumn's
        assert f"file:{spring.abandoned}" in certificate.list_text
        assert certificate.audit_trail["erased"] is False
    else:
        # The call campaign is the other programme's; spring's shared company stays for it.
        assert Campaign.objects.filter(pk=spring.campaign.pk).exists()  # type: ignore[union-attr]
        assert Company.objects.filter(pk=spring.shared.pk).exists()  # type: ignore[union-attr]
        assert certificate.held_back == {"registry.company": 1}


def test_a_day_after_everything_erases_everything_but_the_audit_trail(
    spring: World, autumn: World, staff: Staff, tmp_path: Path
) -> None:
    run = run_dispose(
        "--scope", "all", "--before", "2026-10-05", "--operator", staff.admin.email,
        "--certificate", tmp_path / "all.pdf",
    )  # fmt: skip

    assert run.status == 0, run.err
    for world in (spring, autumn):
        tables = {finding.split(".")[0] for finding in database_findings(world.needles)}
        assert tables == TRAIL_TABLES
    assert files_in_store() == []


def test_a_day_before_everything_erases_nothing(
    spring: World, staff: Staff, tmp_path: Path
) -> None:
    findings = database_findings(spring.needles)
    files = files_in_store()

    run = run_dispose(
        "--scope", "all", "--before", "2026-05-11", "--operator", staff.admin.email,
        "--certificate", tmp_path / "none.pdf",
    )  # fmt: skip

    assert run.status == 0, run.err
    assert DisposalCertificate.objects.get().counts == {}
    assert database_findings(spring.needles) == findings
    assert files_in_store() == files
