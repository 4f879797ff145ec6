from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dxdesk.programs.models import CountCap, MoneyPool, Program, ProgramRevision, Track


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Definitions change only through `dxdesk load_program`, never by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Program)
class ProgramAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "client", "fiscal_year", "revision", "loaded_at"]


@admin.register(ProgramRevision)
class ProgramRevisionAdmin(ReadOnlyAdmin):
    list_display = ["program", "number", "loaded_at", "loaded_by"]
    list_select_related = ["program", "loaded_by"]


@admin.register(Track)
class TrackAdmin(ReadOnlyAdmin):
    list_display = ["program", "name", "kind", "title", "pool"]
    list_select_related = ["program", "pool"]


@admin.register(MoneyPool)
class MoneyPoolAdmin(ReadOnlyAdmin):
    list_display = ["program", "name", "kind", "limit_yen"]
    list_select_related = ["program"]


@admin.register(CountCap)
class CountCapAdmin(ReadOnlyAdmin):
    list_display = ["track", "counts", "limit"]
    list_select_related = ["track", "track__program"]
