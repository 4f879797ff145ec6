from __future__ import annotations

from django.contrib import admin

from dxdesk.lib.admin import ReadOnlyAdmin
from dxdesk.reporting.models import MonthlyPrivacyReport, PrivacyReportReminder

# Answers and generation go through the staff pages, which audit them.


@admin.register(MonthlyPrivacyReport)
class MonthlyPrivacyReportAdmin(ReadOnlyAdmin):
    list_display = ["month", "status", "answered_by", "answered_at", "generated_by", "generated_at"]
    list_select_related = ["answered_by", "generated_by"]
    exclude = ["figures"]


@admin.register(PrivacyReportReminder)
class PrivacyReportReminderAdmin(ReadOnlyAdmin):
    list_display = ["sent_on", "months", "recipients", "sent_at"]
