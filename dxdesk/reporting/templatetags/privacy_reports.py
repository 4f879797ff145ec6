"""The staff home page's reminder banner: reports due soon or overdue, for supervisors."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from dxdesk.reporting.actions import due_reports
from dxdesk.reporting.models import REPORT_WRITERS
from dxdesk.reporting.schedule import today_in_tokyo

register = template.Library()


@register.inclusion_tag("reporting/privacy_report_banner.html", takes_context=True)
def privacy_report_banner(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_role(*REPORT_WRITERS):
        return {"due": []}
    today = today_in_tokyo()
    due = due_reports(today, days_before=settings.PRIVACY_REPORT_REMINDER_DAYS)
    return {"due": due, "today": today}
