"""Django's admin site behind the same front door as the staff area.

The admin site signs nobody in itself: strangers go to dxdesk's sign-in page, and a
staff session that still owes its second factor is sent to verification first.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from dxdesk.accounts.access import staff_front_door
from dxdesk.accounts.second_factor import second_factor_missing


class DxdeskAdminSite(admin.AdminSite):
    site_header = "dxdesk 管理サイト"
    site_title = "dxdesk 管理サイト"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not second_factor_missing(request)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        turned_away = staff_front_door(request, next_url)
        if turned_away is not None:
            return turned_away
        raise PermissionDenied
