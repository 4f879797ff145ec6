"""Recompute the audit trail's hash chain: exit 0 when intact, 1 naming the first break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dxdesk.audit.queries import check_chain


class Command(BaseCommand):
    help = "Check that no audit event was altered, removed or reordered."

    def handle(self, *args: Any, **options: Any) -> None:
        result = check_chain()
        if not result.intact:
            raise CommandError(f"audit trail broken: {result.problem}", returncode=1)
        self.stdout.write(f"audit trail intact: {result.events} events, head {result.head_hash}")
