"""Every bad input: exit status 2, one line saying what is wrong, and nothing erased."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import ManagementUtility

from dxdesk.accounts.roles import Role
from dxdesk.programs.models import Program
from dxdesk.retention.models import DisposalCertificate
from dxdesk.retention.tests.conftest import (
    SPRING,
    Staff,
    World,
    build_world,
    database_findings,
    files_in_store,
    run_dispose,
)
from dxdesk.retention.tests.test_dry_run import table_sizes
from dxdesk.testing import make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("frozen_later")]


@pytest.fixture
def world(staff: Staff, programmes: dict[str, Program]) -> World:
    return build_world(staff, programmes, at=SPRING, seed=51)


def test_each_bad_input_is_refused_with_one_line_and_nothing_erased(
    world: World, staff: Staff, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "taken.pdf").write_bytes(b"an earlier certificate")
    (out / "list-taken.txt").write_bytes(b"an earlier list")
    make_user(Role.DESK, email="desk-2@secretariat.example.jp")
    make_user(Role.SUPERVISOR, email="gone@secretariat.example.jp", is_active=False)
    boss = staff.supervisor.email
    good = ["--operator", boss, "--certificate", str(out / "c.pdf")]
    store = Path(settings.FILE_STORE_DIR)
    cases: list[tuple[list[str], str]] = [
        (["--scope", "all", "--operator", boss], "--certificate FILE.pdf is required"),
        (
            ["--scope", "all", "--operator", boss, "--certificate", str(out / "taken.pdf")],
            f"{out / 'taken.pdf'} already exists: choose another name (--certificate)",
        ),
        (
            ["--scope", "all", "--operator", boss, "--certificate", str(out / "list-taken.pdf")],
            f"{out / 'list-taken.txt'} already exists: choose another name (--certificate)",
        ),
        (
            ["--scope", "all", "--operator", boss, "--certificate", str(out / "c.docx")],
            "the certificate must be a .pdf file",
        ),
        (
            ["--scope", "all", "--operator", boss, "--certificate", str(out / "no" / "c.pdf")],
            f"the folder {out / 'no'} does not exist (--certificate)",
        ),
        (
            ["--scope", "all", "--operator", boss, "--certificate", str(store / "c.pdf")],
            "the certificate cannot be written inside the file store",
        ),
        (
            ["--scope", "programme", "tokyo-dx-2030", *good],
            "no programme with the code 'tokyo-dx-2030' (known: demo-dx-grant, sapporo-dx-2026)",
        ),
        (["--scope", "programme", *good], "--scope programme needs the programme's code"),
        (["--scope", "everything", *good], "--scope must be 'all' or 'programme'"),
        (["--scope", "all", "sapporo-dx-2026", *good], "--scope all takes no programme code"),
        (["--operator", boss, "--certificate", str(out / "c.pdf")], "--scope is required"),
        (
            ["--scope", "all", "--operator", "nobody@example.jp", "--certificate", "c.pdf"],
            "no account with the email 'nobody@example.jp' (--operator)",
        ),
        (
            ["--scope", "all", "--certificate", str(out / "c.pdf")],
            "--operator EMAIL is required",
        ),
        (
            ["--scope", "all", "--operator", "desk-2@secretariat.example.jp", *good[2:]],
            "desk-2@secretariat.example.jp may not order a disposal: it needs an active "
            "account with the supervisor or admin role",
        ),
        (
            ["--scope", "all", "--operator", world.applicant_users[0].email, *good[2:]],
            "may not order a disposal",
        ),
        (
            ["--scope", "all", "--operator", "gone@secretariat.example.jp", *good[2:]],
            "gone@secretariat.example.jp may not order a disposal",
        ),
        (
            ["--scope", "all", "--before", "2026-02-30", *good],
            "--before must be a date as YYYY-MM-DD, not '2026-02-30'",
        ),
        (["--scope", "all", "--before", "last year", *good], "--before must be a date"),
        (
            ["--scope", "programme", "sapporo-dx-2026", "--keep-audit-trail", *good],
            "--keep-audit-trail applies to --scope all without --before only",
        ),
    ]
    sizes, files, findings = table_sizes(), files_in_store(), database_findings(world.needles)
    wrong = []
    for arguments, message in cases:
        run = run_dispose(*arguments)
        if run.status != 2 or message not in run.err or "\n" in run.err.strip():
            wrong.append((arguments, run.status, run.err))
    assert wrong == []
    assert table_sizes() == sizes
    assert files_in_store() == files
    assert database_findings(world.needles) == findings
    assert sorted(path.name for path in out.iterdir()) == ["list-taken.txt", "taken.pdf"]
    assert (out / "taken.pdf").read_bytes() == b"an earlier certificate"
    assert not DisposalCertificate.objects.exists()


def test_from_the_command_line_the_exit_status_is_2_and_the_message_one_line(
    staff: Staff, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["dxdesk"])
    utility = ManagementUtility(["dxdesk", "dispose", "--scope", "all", "--operator", "x@y.jp"])

    with pytest.raises(SystemExit) as exit_:
        utility.execute()

    assert exit_.value.code == 2
    assert capsys.readouterr().err == (
        "CommandError: no account with the email 'x@y.jp' (--operator)\n"
    )
