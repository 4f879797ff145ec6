from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dxdesk.outreach.actions import build_campaign_from_list, create_campaign
from dxdesk.outreach.models import Campaign, CampaignSource
from dxdesk.programs.models import Track, TrackKind
from dxdesk.registry.importing import UnreadableFile, read_table
from dxdesk.registry.models import Company, ImportJob


class Command(BaseCommand):
    help = "Create a call campaign from the whole registry, one ward, or a call-list file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("program", help="programme code, e.g. sapporo-dx-2026")
        parser.add_argument("--track", default="outreach")
        parser.add_argument("--title", required=True)
        parser.add_argument("--starts", type=datetime.date.fromisoformat, required=True)
        parser.add_argument("--ends", type=datetime.date.fromisoformat, required=True)
        parser.add_argument("--ward", help="only companies in this ward (区)")
        parser.add_argument("--list", type=Path, help="a call list to import and call")

    def handle(self, *args: Any, **options: Any) -> None:
        track = Track.objects.filter(
            program__code=options["program"], name=options["track"], kind=TrackKind.OUTREACH
        ).first()
        if track is None:
            raise CommandError(f"{options['program']}: no outreach track {options['track']!r}")
        if options["ends"] < options["starts"]:
            raise CommandError("--ends comes before --starts")
        fields = {
            "track": track,
            "title": options["title"],
            "starts_on": options["starts"],
            "ends_on": options["ends"],
        }
        if options["list"]:
            campaign = self._from_list(options["list"], fields)
        else:
            companies = Company.objects.all()
            if options["ward"]:
                companies = companies.filter(ward=options["ward"])
            note = f"区: {options['ward']}" if options["ward"] else "企業台帳の全件"
            campaign = create_campaign(**fields, companies=companies, source_note=note, by=None)
        self.stdout.write(
            f"キャンペーン {campaign.pk}: {campaign.task_count:,} 社 ({campaign.title})"
        )

    def _from_list(self, path: Path, fields: dict[str, Any]) -> Campaign:
        try:
            table = read_table(path)
        except UnreadableFile as error:
            raise CommandError(str(error)) from error
        job = ImportJob.objects.create(
            file_name=path.name, total_rows=table.total_rows, detected_format=table.format
        )
        campaign = Campaign.objects.create(
            program_id=fields["track"].program_id,
            source=CampaignSource.LIST,
            source_note=path.name,
            import_job=job,
            **fields,
        )
        return build_campaign_from_list(campaign.pk, job.pk, table)
