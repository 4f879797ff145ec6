from __future__ import annotations

from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "dxdesk.funds"
    label = "funds"
    verbose_name = "予算・枠の台帳"
