from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dxdesk.outreach.models import CallAttempt, CallTask, Campaign, ExportJob


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Calls and queue state change only through the actions, never by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["title", "program", "starts_on", "ends_on", "status", "task_count"]
    list_select_related = ["program"]


@admin.register(CallTask)
class CallTaskAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "company", "state", "attempts", "calls", "due_at", "holder"]
    list_filter = ["state"]
    list_select_related = ["campaign", "company", "holder"]
    raw_id_fields = ["company", "fund_request", "holder"]


@admin.register(CallAttempt)
class CallAttemptAdmin(ReadOnlyAdmin):
    list_display = ["task", "number", "called_at", "caller", "outcome_title", "counted"]
    list_select_related = ["task", "caller"]


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "format", "status", "created_by", "created_at"]
    list_select_related = ["campaign", "created_by"]
