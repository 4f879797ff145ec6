from __future__ import annotations

from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "dxdesk.programs"
    label = "programs"
    verbose_name = "事業定義"
