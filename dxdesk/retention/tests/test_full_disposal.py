"""`dispose --scope all`: afterwards neither the database nor the file store holds any of
the personal or company data planted, the anonymous tallies remain, and the certificate
says what went, how much, when, by whom, with the SHA-256 of the erased-object list."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from dxdesk.accounts.models import User
from dxdesk.audit.models import AuditEvent
from dxdesk.funds.models import FundRequest
from dxdesk.grants.models import Applicant, Application
from dxdesk.outreach.models import CallAttempt
from dxdesk.programs.models import Program
from dxdesk.registry.models import Company, Contact
from dxdesk.reporting.tests.test_documents import pdf_text
from dxdesk.retention.models import DisposalCertificate, DisposalTally
from dxdesk.retention.tests.conftest import (
    SPRING,
    Staff,
    World,
    build_world,
    database_findings,
    files_in_store,
    run_dispose,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("frozen_later")]


@pytest.fixture
def world(staff: Staff, programmes: dict[str, Program]) -> World:
    return build_world(staff, programmes, at=SPRING, seed=11)


def full_disposal(staff: Staff, tmp_path: Path) -> tuple[int, str, DisposalCertificate]:
    run = run_dispose(
        "--scope", "all", "--operator", staff.supervisor.email,
        "--certificate", tmp_path / "消去証明書.pdf",
    )  # fmt: skip
    assert run.status == 0, run.err
    return run.status, run.out, DisposalCertificate.objects.get()


def test_it_leaves_no_planted_value_in_any_table_nor_any_file(
    world: World, staff: Staff, tmp_path: Path
) -> None:
    # The planted values are really there to be found, in many tables, and files too.
    before = database_findings(world.needles)
    assert len({finding.split(".")[0] for finding in before}) >= 15, before
    assert any(name.startswith("attachments/") for name in files_in_store())
    assert any(name.startswith("imports/") for name in files_in_store())
    assert any(name.startswith("exports/") for name in files_in_store())
    assert world.abandoned in files_in_store()

    full_disposal(staff, tmp_path)

    assert database_findings(world.needles) == []
    assert files_in_store() == []


def test_it_keeps_the_staff_the_programmes_and_the_ledger_and_nothing_of_the_applicants(
    world: World, staff: Staff, tmp_path: Path
) -> None:
    ledger = sorted(FundRequest.objects.values_list("subject", "amount", "state"))
    assert ledger  # the application and the routed call claimed their funds

    full_disposal(staff, tmp_path)

    assert set(User.objects.values_list("email", flat=True)) == {
        person.email for person in vars(staff).values()
    }
    assert Program.objects.count() == 2
    assert sorted(FundRequest.objects.values_list("subject", "amount", "state")) == ledger
    for model in (Company, Contact, Applicant, Application, CallAttempt):
        assert not model.objects.exists(), model


def test_it_keeps_the_anonymous_tallies_the_client_needs(
    world: World, staff: Staff, tmp_path: Path
) -> None:
    _status, _out, certificate = full_disposal(staff, tmp_path)

    tallies = {
        (tally.program_code, tally.track_name, tally.measure, tally.dimension, tally.key): (
            tally.value
        )
        for tally in DisposalTally.objects.filter(certificate=certificate)
    }
    grant = ("demo-dx-grant", "demo_grant")
    calls = ("sapporo-dx-2026", "outreach")
    registry = ("", "")
    expected = {
        (*grant, "applications", "total", ""): 2,
        (*grant, "applications", "state", "received"): 1,
        (*grant, "applications", "state", "draft"): 1,
        (*grant, "applications", "channel", "portal"): 1,
        (*grant, "applications", "channel", "phone"): 1,
        (*grant, "application_yen", "money_state", "reserved"): 500_000,
        (*grant, "attachments", "document", "quotation"): 1,
        (*grant, "attachments", "document", "city_tax_certificate"): 1,
        (*grant, "applicant_companies", "total", ""): 2,
        (*calls, "campaigns", "total", ""): 1,
        (*calls, "calls", "total", ""): 2,
        (*calls, "calls", "outcome", "this_programme"): 1,
        (*calls, "calls", "outcome", "not_interested"): 1,
        (*calls, "call_seconds", "outcome", "this_programme"): 300,
        (*calls, "call_seconds", "outcome", "not_interested"): 120,
        (*calls, "companies_listed", "total", ""): 2,
        (*calls, "companies_listed", "ward", "白石区"): 1,
        (*calls, "companies_listed", "ward", "南区"): 1,
        # Five companies: the shared one, the listed one, the applicant's, the merged two.
        (*registry, "companies", "total", ""): 5,
        (*registry, "contacts", "total", ""): 1,
    }
    assert {key: tallies.get(key) for key in expected} == expected
    # No key is anything but a word of a fixed vocabulary.
    keys = {key for (_p, _t, _m, _d, key) in tallies}
    assert keys == {
        "", "received", "draft", "portal", "phone", "reserved", "quotation",
        "city_tax_certificate", "this_programme", "not_interested", "reached", "none",
        "白石区", "南区", "北区", "豊平区", "D", "E", "other", "small", "sme", "unknown",
    }  # fmt: skip


def test_it_writes_a_certificate_that_names_the_counts_the_operator_and_the_list_hash(
    world: World, staff: Staff, tmp_path: Path
) -> None:
    _status, out, certificate = full_disposal(staff, tmp_path)

    listing = (tmp_path / "消去証明書.txt").read_bytes()
    digest = hashlib.sha256(listing).hexdigest()
    assert certificate.list_sha256 == digest
    assert f"SHA-256 {digest}" in out
    lines = listing.decode().splitlines()
    assert lines == sorted(lines)
    assert len(lines) == certificate.list_lines == certificate.erased_total
    # The list names kinds and ids, nothing else.
    assert all(line.split(":")[0] in certificate.counts for line in lines)
    assert world.mark not in listing.decode()
    assert f"file:{world.abandoned}" in lines
    shared = f"registry.company:{world.shared.pk}"  # type: ignore[union-attr]
    assert shared in lines
    assert certificate.counts["registry.company"] == 5
    assert certificate.counts["registry.contact"] == 1
    assert certificate.counts["grants.application"] == 2
    assert certificate.counts["grants.applicationattachment"] == 2
    assert certificate.counts["files.storedfile"] == 3
    assert certificate.counts["outreach.callattempt"] == 2
    assert certificate.counts["accounts.user"] == 2
    assert certificate.counts["file"] == 1  # the abandoned upload
    assert certificate.files_erased == 6  # 3 stored files, the call list, the export, 1 more
    assert certificate.file_problems == []
    assert certificate.operator_id == staff.supervisor.pk
    # The database gave up the erased rows' space, and said how.
    assert certificate.cleanup and not any("失敗" in note for note in certificate.cleanup)

    text = pdf_text((tmp_path / "消去証明書.pdf").read_bytes())
    assert "消去証明書" in text
    assert "消去の範囲すべての個人情報・企業情報（全件消去）" in text
    assert staff.supervisor.email in text and "統括責任者" in text
    assert digest in text
    assert "企業registry.company5" in text
    assert f"合計{certificate.erased_total:,}" in text
    assert "消去したファイル6" in text
    assert "2026年10月05日" in text  # the day it was done
    assert "根拠: 札幌市仕様書 6(8)" in text and "別紙3 第9" in text
    assert "VACUUM" in text
    assert "記憶媒体" in text  # what the certificate does not cover
    assert world.mark not in text.lower()


def test_it_erases_the_audit_trail_whole_and_starts_a_new_chain_with_the_disposal(
    world: World, staff: Staff, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = AuditEvent.objects.count()
    assert events > 10

    _status, _out, certificate = full_disposal(staff, tmp_path)

    assert certificate.audit_trail["erased"] is True
    assert certificate.audit_trail["events"] == events
    assert certificate.audit_trail["intact"] is True
    assert certificate.counts["audit.auditevent"] == events
    (event,) = AuditEvent.objects.all()
    assert (event.sequence, event.action, event.user_email) == (1, "delete", staff.supervisor.email)
    assert event.object_id == str(certificate.pk)
    assert certificate.list_sha256 in event.note
    call_command("verify_audit")
    assert "1" in capsys.readouterr().out
    # The guard is back: the trail refuses a deletion again.
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")


def test_the_database_file_itself_no_longer_holds_the_values(
    world: World, staff: Staff, tmp_path: Path
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's database file")
    name = Path(connection.settings_dict["NAME"])
    files = (name, Path(f"{name}-wal"))  # the WAL holds what is not yet checkpointed
    needles = [needle.encode() for needle in (world.mark, *world.spellings)]

    def found() -> list[tuple[str, bytes]]:
        contents = [(path.name, path.read_bytes()) for path in files if path.exists()]
        return [(file, needle) for file, data in contents for needle in needles if needle in data]

    assert found()

    full_disposal(staff, tmp_path)

    assert found() == []


def test_a_second_full_disposal_finds_nothing_more_to_erase(
    world: World, staff: Staff, tmp_path: Path
) -> None:
    full_disposal(staff, tmp_path)
    run = run_dispose(
        "--scope", "all", "--operator", staff.admin.email, "--certificate", tmp_path / "2.pdf"
    )  # fmt: skip
    assert run.status == 0, run.err
    second = DisposalCertificate.objects.order_by("pk").last()
    assert second is not None
    # Only the first disposal's own audit event, and staff sessions are gone already.
    assert second.counts == {"audit.auditevent": 1}
    assert Path(settings.FILE_STORE_DIR).is_dir()


def schema() -> tuple[dict[str, list[str]], list[str]]:
    """Every table's indexes and constraints by name, and the database's triggers."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor, include_views=False)
        constraints = {
            table: sorted(connection.introspection.get_constraints(cursor, table))
            for table in tables
        }
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        triggers = sorted(name for (name,) in cursor.fetchall())
    return constraints, triggers


def test_it_leaves_the_schema_as_it_found_it(world: World, staff: Staff, tmp_path: Path) -> None:
    # The disposal indexes unindexed foreign keys for its own transaction, and lifts
    # the audit trail's guard: both must be back as they were.
    before = schema()
    assert "audit_auditevent_no_delete" in before[1] or (
        "audit_auditevent_append_only" in before[1]
    )

    full_disposal(staff, tmp_path)

    assert schema() == before
