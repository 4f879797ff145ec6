from __future__ import annotations

from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "dxdesk.outreach"
    label = "outreach"
    verbose_name = "架電掘り起こし"
