from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic data and demo logins for `make demo`; holds no models."""

    name = "dxdesk.demo"
    label = "demo"
    verbose_name = "デモ"
