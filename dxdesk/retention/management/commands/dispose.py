"""Erase personal and company data and write the disposal certificate (R-SEC-6).

    dxdesk dispose --scope all --operator EMAIL --certificate FILE.pdf
    dxdesk dispose --scope programme CODE [--before YYYY-MM-DD]
                   --operator EMAIL --certificate FILE.pdf
    dxdesk dispose ... --dry-run          (counts only; writes nothing)
    dxdesk dispose --reissue N --certificate FILE.pdf

Runs on the server only; there is no web page for it. Stop the web service first.
Exit status: 0 done; 1 done but a file is left (named on the certificate) or the
certificate could not be written; 2 refused, nothing erased.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dxdesk.accounts.models import User
from dxdesk.retention.actions import (
    DisposalIncomplete,
    DisposalRefused,
    DisposalResult,
    dispose,
    reissue,
)
from dxdesk.retention.certificate import kind_label


class Command(BaseCommand):
    help = (
        "Erase personal and company data (all, or one programme's) and write the disposal "
        "certificate (消去証明書) with the erased-object list and its SHA-256."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scope",
            nargs="+",
            metavar=("all|programme", "CODE"),
            help="'all', or 'programme' followed by the programme's code",
        )
        parser.add_argument(
            "--before", help="only records created before this day (YYYY-MM-DD, Asia/Tokyo)"
        )
        parser.add_argument("--dry-run", action="store_true", help="count only, write nothing")
        parser.add_argument("--certificate", type=Path, help="the certificate to write (FILE.pdf)")
        parser.add_argument("--operator", help="email of the supervisor or admin who orders it")
        parser.add_argument(
            "--keep-audit-trail",
            action="store_true",
            help="with --scope all: keep the audit trail and monthly reports "
            "(the certificate says so)",
        )
        parser.add_argument("--reissue", type=int, metavar="N", help="write certificate N again")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["reissue"] is not None:
                self._reissue(options)
                return
            scope, programme = _scope(options["scope"])
            result = dispose(
                scope,
                programme=programme,
                before=_date(options["before"]),
                dry_run=options["dry_run"],
                operator=_operator(options["operator"]),
                certificate=options["certificate"],
                keep_audit_trail=options["keep_audit_trail"],
            )
        except DisposalRefused as error:
            raise CommandError(str(error), returncode=2) from error
        except DisposalIncomplete as error:
            raise CommandError(str(error), returncode=1) from error
        self._report(result)
        if result.files_left:
            raise CommandError(
                f"{len(result.files_left)} files were not erased: they are named on "
                f"{result.certificate}",
                returncode=1,
            )

    def _reissue(self, options: dict[str, Any]) -> None:
        if options["certificate"] is None:
            raise DisposalRefused("--reissue needs --certificate FILE.pdf")
        row = reissue(options["reissue"], options["certificate"])
        self.stdout.write(f"{row}: {row.certificate_path or ''} → {options['certificate']}")

    def _report(self, result: DisposalResult) -> None:
        heading = "確認のみ（何も消去していません）" if result.dry_run else "消去しました"
        self.stdout.write(heading)
        for kind, number in sorted(result.counts.items()):
            self.stdout.write(f"  {kind:<34} {number:>9,}  {kind_label(kind)}")
        self.stdout.write(f"  {'total':<34} {result.total:>9,}")
        files = "ファイル（消去予定）" if result.dry_run else "ファイル（消去済み）"
        self.stdout.write(f"  {'files':<34} {result.files:>9,}  {files}")
        for kind, number in sorted(result.held_back.items()):
            self.stdout.write(
                f"  held back {kind:<24} {number:>9,}  {kind_label(kind)}"
                "（範囲内だが、残る記録が参照しているため残す）"
            )
        if result.certificate is not None:
            row = result.certificate
            self.stdout.write(f"{row}: {row.certificate_path}")
            self.stdout.write(f"一覧: {row.list_path}  SHA-256 {row.list_sha256}")
        for problem in result.file_problems:
            self.stderr.write(
                f"  {'not erased' if problem['remains'] else 'missing'}: {problem['object']} "
                f"{problem['path']}: {problem['problem']}"
            )


def _date(text: str | None) -> datetime.date | None:
    if text is None:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise DisposalRefused(f"--before must be a date as YYYY-MM-DD, not {text!r}") from error


def _scope(words: list[str] | None) -> tuple[str, str | None]:
    if not words:
        raise DisposalRefused("--scope is required: 'all' or 'programme CODE'")
    if len(words) > 2:
        raise DisposalRefused(f"--scope takes 'all' or 'programme CODE', not {' '.join(words)!r}")
    return words[0], (words[1] if len(words) == 2 else None)


def _operator(email: str | None) -> User:
    if not email:
        raise DisposalRefused("--operator EMAIL is required: the supervisor or admin who orders it")
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise DisposalRefused(f"no account with the email {email!r} (--operator)")
    return user
