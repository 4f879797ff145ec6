from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dxdesk.outreach.exports import start_path_export
from dxdesk.outreach.models import Campaign, ExportFormat


class Command(BaseCommand):
    help = "Write a campaign's call results table (架電結果表) as .xlsx or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", type=int)
        parser.add_argument("out", type=Path, help="file.xlsx or file.csv")
        parser.add_argument("--cp932", action="store_true", help="CSV in Shift_JIS (cp932)")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = (
            Campaign.objects.select_related("program", "track")
            .filter(pk=options["campaign"])
            .first()
        )
        if campaign is None:
            raise CommandError(f"no campaign {options['campaign']}")
        out: Path = options["out"]
        if out.suffix == ".xlsx":
            export_format = ExportFormat.XLSX
        elif out.suffix == ".csv":
            export_format = ExportFormat.CSV_CP932 if options["cp932"] else ExportFormat.CSV
        else:
            raise CommandError("the output file must end in .xlsx or .csv")
        job = start_path_export(campaign, export_format, out)
        self.stdout.write(f"{out}: {job.processed_rows:,} 行")
