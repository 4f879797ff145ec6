from __future__ import annotations

from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "dxdesk.files"
    label = "files"
    verbose_name = "添付ファイル"
