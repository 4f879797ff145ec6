from __future__ import annotations

from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "dxdesk.retention"
    label = "retention"
    verbose_name = "データの消去"
