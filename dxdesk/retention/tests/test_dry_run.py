"""`dispose --dry-run` changes nothing at all and counts exactly what the real run erases."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from dxdesk.programs.models import Program
from dxdesk.retention.models import DisposalCertificate
from dxdesk.retention.tests.conftest import (
    SPRING,
    Staff,
    build_world,
    files_in_store,
    run_dispose,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("frozen_later")]


def table_sizes() -> dict[str, int]:
    with connection.cursor() as cursor:
        sizes = {}
        for table in connection.introspection.table_names(cursor, include_views=False):
            # The name comes from the database's own catalogue, and is quoted.
            query = f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}"  # noqa: S608  # nosec B608
            cursor.execute(query)
            sizes[table] = cursor.fetchone()[0]
    return sizes


@pytest.mark.parametrize(
    "scope", [("all",), ("programme", "sapporo-dx-2026"), ("programme", "demo-dx-grant")]
)
def test_a_dry_run_writes_nothing_and_counts_what_the_real_run_erases(
    staff: Staff, programmes: dict[str, Program], tmp_path: Path, scope: tuple[str, ...]
) -> None:
    build_world(staff, programmes, at=SPRING, seed=21)
    sizes, files = table_sizes(), files_in_store()
    folder = tmp_path / "certificates"
    folder.mkdir()
    certificate = folder / "certificate.pdf"

    dry = run_dispose(
        "--scope", *scope, "--operator", staff.admin.email, "--certificate", certificate,
        "--dry-run",
    )  # fmt: skip

    assert dry.status == 0, dry.err
    assert "確認のみ（何も消去していません）" in dry.out
    assert table_sizes() == sizes
    assert files_in_store() == files
    assert list(folder.iterdir()) == []

    real = run_dispose(
        "--scope", *scope, "--operator", staff.admin.email, "--certificate", certificate
    )  # fmt: skip

    assert real.status == 0, real.err
    assert dry.counts() == real.counts()
    row = DisposalCertificate.objects.get()
    assert {kind: number for kind, number in dry.counts().items() if "." in kind} == {
        kind: number for kind, number in row.counts.items() if "." in kind
    }
    assert dry.counts()["total"] == row.erased_total > 0
    assert dry.counts()["files"] == row.files_erased > 0
    assert [line for line in dry.out.splitlines() if "held back" in line] == [
        line for line in real.out.splitlines() if "held back" in line
    ]


def test_a_dry_run_still_refuses_a_certificate_that_exists(
    staff: Staff, programmes: dict[str, Program], tmp_path: Path
) -> None:
    (tmp_path / "certificate.pdf").write_bytes(b"an earlier certificate")

    run = run_dispose(
        "--scope", "all", "--operator", staff.admin.email,
        "--certificate", tmp_path / "certificate.pdf", "--dry-run",
    )  # fmt: skip

    assert (run.status, run.err) == (
        2,
        f"{tmp_path / 'certificate.pdf'} already exists: choose another name (--certificate)",
    )
    assert (tmp_path / "certificate.pdf").read_bytes() == b"an earlier certificate"
