from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dxdesk.accounts.access import roles_required
from dxdesk.accounts.roles import Role
from dxdesk.audit.actions import record_event
from dxdesk.audit.forms import AuditFilterForm
from dxdesk.audit.models import AuditAction, AuditEvent
from dxdesk.lib.paging import CappedPaginator

PAGE_SIZE = 50


@roles_required(Role.SUPERVISOR, Role.CLIENT, Role.ADMIN)
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    events = form.filter(AuditEvent.objects.order_by("-sequence"))
    page = CappedPaginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    # Reading the trail is itself recorded: what was asked and how many rows were shown.
    record_event(
        request,
        AuditAction.VIEW,
        AuditEvent,
        rows=len(page.object_list),
        note=request.GET.urlencode(),
    )
    return render(request, "audit/event_list.html", {"form": form, "page": page})
