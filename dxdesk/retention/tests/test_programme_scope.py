"""`dispose --scope programme CODE`: that programme's records go; another programme's stay
whole, and so does a company both programmes refer to, until the other's disposal."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from dxdesk.accounts.models import User
from dxdesk.files.models import StoredFile
from dxdesk.grants.models import Applicant, Application, ApplicationAttachment
from dxdesk.outreach.models import CallAttempt, CallTask, Campaign, ExportJob
from dxdesk.programs.models import Program
from dxdesk.registry.models import Company, Contact, ImportJob
from dxdesk.reporting.tests.test_documents import pdf_text
from dxdesk.retention.models import DisposalCertificate
from dxdesk.retention.tests.conftest import (
    SPRING,
    Staff,
    World,
    applications_of,
    build_world,
    database_findings,
    files_in_store,
    run_dispose,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("frozen_later")]


@pytest.fixture
def world(staff: Staff, programmes: dict[str, Program]) -> World:
    return build_world(staff, programmes, at=SPRING, seed=31)


def dispose_programme(code: str, staff: Staff, path: Path) -> tuple[str, DisposalCertificate]:
    run = run_dispose(
        "--scope", "programme", code, "--operator", staff.supervisor.email, "--certificate", path
    )  # fmt: skip
    assert run.status == 0, run.err
    return run.out, DisposalCertificate.objects.order_by("pk").last()  # type: ignore[return-value]


def company_row(company: Company) -> dict[str, object]:
    return {
        name: value
        for name, value in Company.objects.filter(pk=company.pk).values()[0].items()
        if name != "updated_at"
    }


def test_it_erases_the_programmes_calls_and_keeps_the_other_programmes_applications(
    world: World, staff: Staff, programmes: dict[str, Program], tmp_path: Path
) -> None:
    assert world.shared is not None and world.listed_only is not None
    sapporo, demo = programmes["sapporo-dx-2026"], programmes["demo-dx-grant"]
    kept_applications = [
        (application.pk, application.state, application.answers)
        for application in applications_of(demo)
    ]
    attachments = sorted(
        ApplicationAttachment.objects.values_list("stored_file__storage_name", flat=True)
    )
    shared_before = company_row(world.shared)
    contacts_before = list(Contact.objects.filter(company=world.shared).values())
    call_files = [
        name for name in world.files if name.startswith(("imports/", "exports/"))
    ]  # fmt: skip
    assert len(call_files) == 2

    _out, certificate = dispose_programme("sapporo-dx-2026", staff, tmp_path / "sapporo.pdf")

    # The programme's call campaign, with everything that hung from it, is gone.
    assert not Campaign.objects.filter(program=sapporo).exists()
    for model in (CallTask, CallAttempt, ExportJob, ImportJob):
        assert not model.objects.exists(), model
    assert not Company.objects.filter(pk=world.listed_only.pk).exists()
    assert not set(call_files) & set(files_in_store())
    # The other programme's applications are untouched, attachments and files included.
    assert [
        (application.pk, application.state, application.answers)
        for application in applications_of(demo)
    ] == kept_applications
    assert (
        sorted(ApplicationAttachment.objects.values_list("stored_file__storage_name", flat=True))
        == attachments
    )
    call_command("verify_files")  # exits 1 if a stored file is missing or changed
    assert Applicant.objects.count() == 1
    assert User.objects.filter(pk__in=[user.pk for user in world.applicant_users]).count() == 2
    # The company the other programme also applied for is kept exactly as it was.
    assert company_row(world.shared) == shared_before
    assert list(Contact.objects.filter(company=world.shared).values()) == contacts_before
    # The registry's own records, of no programme, are not the programme's to erase.
    assert Company.objects.filter(pk__in=[company.pk for company in world.merged]).count() == 2
    # The certificate says what it held back and why.
    assert certificate.held_back == {"registry.company": 1}
    assert certificate.counts["registry.company"] == 1
    assert certificate.counts["outreach.calltask"] == 2
    assert certificate.counts["registry.importjob"] == 1
    assert f"registry.company:{world.listed_only.pk}" in certificate.list_text
    assert f"registry.company:{world.shared.pk}" not in certificate.list_text
    assert certificate.tallies.filter(program_code="demo-dx-grant").count() == 0
    text = pdf_text((tmp_path / "sapporo.pdf").read_bytes())
    assert "事業単位（事業コード sapporo-dx-2026）" in text
    assert "残した記録" in text and "企業1" in text
    assert "札幌市中小企業DX加速化・賃上げ促進緊急支援業務" in text
    assert "デモ" not in text  # the other programme is not named


def test_the_shared_company_goes_with_the_last_programme_that_refers_to_it(
    world: World, staff: Staff, programmes: dict[str, Program], tmp_path: Path
) -> None:
    assert world.shared is not None and world.applicant_company is not None
    dispose_programme("sapporo-dx-2026", staff, tmp_path / "sapporo.pdf")

    _out, certificate = dispose_programme("demo-dx-grant", staff, tmp_path / "demo.pdf")

    assert certificate.held_back == {}
    assert not Application.objects.exists()
    assert not Applicant.objects.exists()
    assert not Company.objects.filter(pk__in=[world.shared.pk, world.applicant_company.pk]).exists()
    assert not Contact.objects.filter(company_id=world.shared.pk).exists()
    assert not User.objects.filter(pk__in=[user.pk for user in world.applicant_users]).exists()
    # The attachments' files are gone; the file no application used is not a programme's.
    assert StoredFile.objects.count() == 1
    assert files_in_store() == sorted([StoredFile.objects.get().relative_path, world.abandoned])
    # What stays of the planted values: the registry's merged company, the unused stored
    # file, the admin-site entry about a company deleted long ago, and the audit trail
    # with its monthly report, which only the full disposal erases (a chain cannot lose
    # a part).
    tables = {finding.split(".")[0] for finding in database_findings([world.shared.name])}
    assert tables == {"audit_auditevent"}
    tables = {finding.split(".")[0] for finding in database_findings([world.mark])}
    assert tables <= {
        "audit_auditevent", "registry_company", "registry_company_search",
        "registry_company_search_content", "registry_companymerge",
        "registry_duplicatecandidate", "reporting_monthlyprivacyreport", "files_storedfile",
        "django_admin_log",
    }, tables  # fmt: skip


def test_a_programme_with_nothing_left_is_disposed_of_with_an_empty_list(
    staff: Staff, programmes: dict[str, Program], tmp_path: Path
) -> None:
    _out, certificate = dispose_programme("sapporo-dx-2026", staff, tmp_path / "empty.pdf")

    assert (certificate.counts, certificate.erased_total, certificate.list_lines) == ({}, 0, 0)
    assert (tmp_path / "empty.txt").read_bytes() == b""
    assert certificate.list_sha256 == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
