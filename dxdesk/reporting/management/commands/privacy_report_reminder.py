"""Remind the supervisors of the monthly handling report: run it daily from cron.

    15 8 * * *  cd /srv/dxdesk && .venv/bin/dxdesk privacy_report_reminder

From `--days-before` the 20th (DXDESK_PRIVACY_REPORT_REMINDER_DAYS, default 5) until the
month's report is generated, the supervisors get one mail a day, Bcc. Running it more
often is harmless: a second run the same day sends nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dxdesk.reporting.actions import send_reminders
from dxdesk.reporting.schedule import today_in_tokyo


class Command(BaseCommand):
    help = "Mail the supervisors (once a day) while a monthly handling report is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days-before",
            type=int,
            default=None,
            help="start this many days before the due date "
            f"(default {settings.PRIVACY_REPORT_REMINDER_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days_before = options["days_before"]
        if days_before is None:
            days_before = settings.PRIVACY_REPORT_REMINDER_DAYS
        if days_before < 0:
            raise CommandError(f"--days-before must be 0 or more, not {days_before}")
        today = today_in_tokyo()
        outcome = send_reminders(today, days_before=days_before)
        months = ", ".join(
            f"{month.month:%Y-%m} (due {month.due_on:%Y-%m-%d})" for month in outcome.due
        )
        if not outcome.due:
            self.stdout.write(f"{today}: no handling report due")
        elif outcome.already_sent:
            self.stdout.write(f"{today}: already reminded today about {months}")
        elif not outcome.sent:
            self.stderr.write(f"{today}: {months} due, but there is no active supervisor to mail")
        else:
            self.stdout.write(f"{today}: reminded {outcome.recipients} supervisors about {months}")
