from __future__ import annotations

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "dxdesk.reporting"
    label = "reporting"
    verbose_name = "報告"
