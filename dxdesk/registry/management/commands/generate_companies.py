from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dxdesk.registry.synthetic import iter_companies, write_csv, write_truth, write_xlsx


class Command(BaseCommand):
    help = (
        "Write a synthetic Sapporo call list (ten wards, legal forms in every spelling, "
        "duplicates written the ways real lists differ) as CSV or .xlsx."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int, help="number of rows")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same list")
        parser.add_argument("--out", type=Path, help="CSV or .xlsx file; standard output if absent")
        parser.add_argument(
            "--encoding",
            default="utf-8-sig",
            help="CSV encoding: utf-8-sig (default), utf-8, cp932",
        )
        parser.add_argument("--header", choices=["ja", "en"], default="ja")
        parser.add_argument(
            "--duplicates", type=float, default=0.08, help="share of rows that repeat a company"
        )
        parser.add_argument(
            "--truth", type=Path, help="also write ref,entity_id: which rows are the same company"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["count"]
        if count < 0:
            raise CommandError("count must be zero or more")
        if not 0 <= options["duplicates"] < 1:
            raise CommandError("--duplicates must be at least 0 and below 1")

        def rows() -> Any:
            return iter_companies(
                count, seed=options["seed"], duplicate_share=options["duplicates"]
            )

        out: Path | None = options["out"]
        if out is None:
            write_csv(rows(), "/dev/stdout", encoding=options["encoding"], header=options["header"])
        elif out.suffix.lower() == ".xlsx":
            write_xlsx(rows(), out)
        else:
            write_csv(rows(), out, encoding=options["encoding"], header=options["header"])
        if options["truth"]:
            write_truth(rows(), options["truth"])
        if out is not None:
            self.stderr.write(f"{count:,} rows written to {out}")
        sys.stdout.flush()
