from __future__ import annotations

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "dxdesk.registry"
    label = "registry"
    verbose_name = "企業台帳"
