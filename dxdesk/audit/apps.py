from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dxdesk.audit"
    label = "audit"
    verbose_name = "監査ログ"

    def ready(self) -> None:
        # Sign-in, sign-out and failed sign-in come from django.contrib.auth's signals:
        # infrastructure events with no other hook, not domain logic.
        from dxdesk.audit import signals

        signals.connect()
