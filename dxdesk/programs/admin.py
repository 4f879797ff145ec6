from __future__ import annotations

from django.contrib import admin

from dxdesk.lib.admin import ReadOnlyAdmin
from dxdesk.programs.models import CountCap, MoneyPool, Program, ProgramRevision, Track

# Definitions change only through `dxdesk load_program`.


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
