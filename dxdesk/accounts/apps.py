from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


def sync_role_groups_after_migrate(using: str = "default", **kwargs: Any) -> None:
    from dxdesk.accounts.actions import sync_role_groups

    sync_role_groups(using=using)


class AccountsConfig(AppConfig):
    name = "dxdesk.accounts"
    label = "accounts"
    verbose_name = "利用者と権限"

    def ready(self) -> None:
        # Role groups are configuration, not data: keep them in step with roles.py
        # after every migrate (the test database's included). Sent once, after the
        # last app, so every app's permissions exist by then.
        post_migrate.connect(sync_role_groups_after_migrate, dispatch_uid="dxdesk-role-groups")


class DxdeskAdminConfig(admin_apps.AdminConfig):
    """Django's admin with dxdesk's site (sign-in and second factor of the staff area)."""

    default = False  # AccountsConfig stays this module's config for "dxdesk.accounts"
    default_site = "dxdesk.accounts.admin_site.DxdeskAdminSite"
