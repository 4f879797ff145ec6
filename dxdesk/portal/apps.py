from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "dxdesk.portal"
    label = "portal"
    verbose_name = "公開ポータル"
