from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from dxdesk.accounts.access import staff_required
from dxdesk.funds.models import LedgerEntry
from dxdesk.programs.models import Program


@staff_required
@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    programs = Program.objects.visible_to(request.user).prefetch_related("tracks")
    return render(request, "programs/program_list.html", {"programs": programs})


@staff_required
@require_GET
def program_detail(request: HttpRequest, code: str) -> HttpResponse:
    program = get_object_or_404(Program.objects.visible_to(request.user), code=code)
    funds = program.funds_with_figures()
    entries = (
        LedgerEntry.objects.filter(fund__in=[row.fund for row in funds])
        .select_related("fund", "request", "created_by")
        .order_by("-id")
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    template = (
        "programs/program_detail.html#timeline" if request.htmx else "programs/program_detail.html"
    )
    return render(request, template, {"program": program, "funds": funds, "page": page})
