from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from dxdesk.registry.actions import import_companies, problems_as_csv_rows
from dxdesk.registry.duplicates import import_warning, propose_import_duplicates
from dxdesk.registry.importing import UnreadableFile, read_table


class Command(BaseCommand):
    help = (
        "Import a call list (CSV in UTF-8, UTF-8 with BOM or Shift_JIS/cp932; .xlsx; or the "
        "National Tax Agency's corporate-number bulk CSV) into the company registry."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument(
            "--report", type=Path, help="write every rejected or corrected row to this CSV"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            table = read_table(path)
        except UnreadableFile as error:
            self.stderr.write(str(error))
            sys.exit(2)
        show_progress = sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if show_progress and total:
                width = 30
                filled = width * done // total
                bar = "█" * filled + "·" * (width - filled)
                sys.stderr.write(f"\r取込中 [{bar}] {done:,}/{total:,} 行")
                sys.stderr.flush()

        started = timezone.now()
        summary = import_companies(
            table,
            dry_run=options["dry_run"],
            on_progress=progress,
            source=f"{path.name}（コマンド）",
        )
        if show_progress:
            sys.stderr.write("\n")
        if options["report"]:
            with options["report"].open("w", encoding="utf-8-sig", newline="") as handle:
                csv.writer(handle).writerows(problems_as_csv_rows(summary.problems))
        verb = "確認のみ（書き込みなし）" if options["dry_run"] else "取込完了"
        self.stdout.write(
            f"{verb}: {path.name} ({table.format}) {summary.total_rows:,} 行 — "
            f"新規 {summary.created:,}、更新 {summary.updated:,}、変更なし {summary.unchanged:,}、"
            f"不採用 {summary.rejected:,}"
        )
        if not options["dry_run"]:
            self.stdout.write(import_warning(propose_import_duplicates(started).companies))
        for problem in summary.problems[:20]:
            action = "不採用" if problem.rejected else "注意"
            self.stdout.write(f"  {problem.row}行目 {problem.column}: {problem.reason} [{action}]")
        if len(summary.problems) > 20:
            self.stdout.write(
                f"  … ほか {len(summary.problems) - 20:,} 件（--report で全件を出力）"
            )
