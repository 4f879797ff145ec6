from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from dxdesk.funds.models import Fund
from dxdesk.funds.queries import ledger_discrepancies


class Command(BaseCommand):
    help = "Check that every fund's counters equal the sum of its ledger entries."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = ledger_discrepancies()
        for problem in problems:
            self.stderr.write(str(problem))
        count = Fund.objects.count()
        if problems:
            self.stderr.write(f"{len(problems)} discrepancies in {count} funds")
            sys.exit(1)
        self.stdout.write(f"ledger consistent: {count} funds")
