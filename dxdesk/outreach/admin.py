from __future__ import annotations

from django.contrib import admin

from dxdesk.lib.admin import ReadOnlyAdmin
from dxdesk.outreach.models import CallAttempt, CallTask, Campaign, ExportJob

# Calls and queue state change only through the actions.


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
