"""A file the disposal cannot erase is named on the certificate and fails the command; a
file already gone is noted; a certificate can be issued again from its kept record."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.management import call_command

from dxdesk.files.models import StoredFile
from dxdesk.outreach.models import ExportJob
from dxdesk.programs.models import Program
from dxdesk.reporting.tests.test_documents import pdf_text
from dxdesk.retention.models import DisposalCertificate
from dxdesk.retention.tests.conftest import (
    SPRING,
    Staff,
    World,
    build_world,
    files_in_store,
    run_dispose,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("frozen_later")]


@pytest.fixture
def world(staff: Staff, programmes: dict[str, Program]) -> World:
    return build_world(staff, programmes, at=SPRING, seed=61)


def an_attachment() -> StoredFile:
    return StoredFile.objects.filter(application_attachment__isnull=False).order_by("pk")[0]


def test_a_file_that_cannot_be_unlinked_is_reported_on_the_certificate(
    world: World, staff: Staff, tmp_path: Path
) -> None:
    # A directory where the file should be: unlink() fails, even for root.
    stuck = an_attachment()
    stuck.path.unlink()
    stuck.path.mkdir()
    line = f"files.storedfile:{stuck.pk}"

    run = run_dispose(
        "--scope", "all", "--operator", staff.supervisor.email,
        "--certificate", tmp_path / "c.pdf",
    )  # fmt: skip

    assert run.status == 1
    assert "1 files were not erased: they are named on 消去証明書 第" in run.err
    assert f"not erased: {line} {stuck.path}: 消去できませんでした" in run.err
    certificate = DisposalCertificate.objects.get()
    (problem,) = certificate.file_problems
    assert problem["object"] == line and problem["path"] == str(stuck.path.resolve())
    assert problem["remains"] is True
    assert certificate.files_erased == 5  # the six files but this one
    assert line in certificate.list_text  # its row is erased all the same
    assert not StoredFile.objects.exists()
    text = pdf_text((tmp_path / "c.pdf").read_bytes())
    assert f"4 消去できなかったファイル対象ファイル理由{line}" in text
    assert "消去されずに残っているファイルは、手作業で消去し" in text
    assert files_in_store() == []  # the directory holds no file


def test_a_file_already_missing_is_noted_but_does_not_fail_the_disposal(
    world: World, staff: Staff, tmp_path: Path
) -> None:
    missing = an_attachment()
    missing.path.unlink()

    run = run_dispose(
        "--scope", "all", "--operator", staff.supervisor.email,
        "--certificate", tmp_path / "c.pdf",
    )  # fmt: skip

    assert run.status == 0, run.err
    assert f"missing: files.storedfile:{missing.pk}" in run.err
    (problem,) = DisposalCertificate.objects.get().file_problems
    assert (problem["remains"], problem["problem"]) == (
        False,
        "消去の時点でファイルが存在しませんでした",
    )
    assert "消去されずに残っているファイル" not in pdf_text((tmp_path / "c.pdf").read_bytes())


def test_an_export_written_outside_the_store_is_left_and_reported(
    world: World, staff: Staff, tmp_path: Path
) -> None:
    outside = tmp_path / "exports" / "架電結果.xlsx"
    outside.parent.mkdir()
    call_command("export_call_results", str(world.campaign.pk), str(outside))  # type: ignore[union-attr]
    job = ExportJob.objects.get(stored_path=str(outside))

    run = run_dispose(
        "--scope", "programme", "sapporo-dx-2026", "--operator", staff.admin.email,
        "--certificate", tmp_path / "c.pdf",
    )  # fmt: skip

    assert run.status == 1
    assert f"not erased: outreach.exportjob:{job.pk} {outside}" in run.err
    assert outside.exists()  # a copy someone chose to write there: theirs to erase
    (problem,) = DisposalCertificate.objects.get().file_problems
    assert problem["problem"].startswith("ファイル保存領域の外に書き出されたため")
    assert not ExportJob.objects.exists()


def test_a_certificate_is_issued_again_from_its_record_with_the_same_list(
    world: World, staff: Staff, tmp_path: Path
) -> None:
    run = run_dispose(
        "--scope", "all", "--operator", staff.supervisor.email,
        "--certificate", tmp_path / "first.pdf",
    )  # fmt: skip
    assert run.status == 0, run.err
    certificate = DisposalCertificate.objects.get()

    again = run_dispose("--reissue", str(certificate.pk), "--certificate", tmp_path / "again.pdf")
    refused = run_dispose("--reissue", str(certificate.pk), "--certificate", tmp_path / "again.pdf")
    unknown = run_dispose("--reissue", "999", "--certificate", tmp_path / "other.pdf")

    assert again.status == 0, again.err
    listing = (tmp_path / "again.txt").read_bytes()
    assert listing == (tmp_path / "first.txt").read_bytes()
    assert hashlib.sha256(listing).hexdigest() == certificate.list_sha256
    assert certificate.list_sha256 in pdf_text((tmp_path / "again.pdf").read_bytes())
    assert (refused.status, unknown.status) == (2, 2)
    assert "already exists" in refused.err
    assert unknown.err == "no disposal certificate number 999"
    assert not (tmp_path / "other.pdf").exists()
