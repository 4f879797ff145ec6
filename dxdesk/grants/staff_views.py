"""The staff side of applications: the list, one application, and keying in an
application received by phone, mail or on paper (R-APP-6)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dxdesk.accounts.access import roles_required
from dxdesk.audit.actions import record_event
from dxdesk.audit.models import AuditAction
from dxdesk.grants import actions, editing
from dxdesk.grants.forms import KeyInForm
from dxdesk.grants.models import STAFF_KEYERS, STAFF_READERS, Application, ApplicationState, Channel
from dxdesk.lib.paging import CappedPaginator
from dxdesk.programs.models import Track, TrackKind
from dxdesk.registry.models import Company

readers = roles_required(*STAFF_READERS)
keyers = roles_required(*STAFF_KEYERS)
PAGE_SIZE = 50


@readers
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    applications = (
        Application.objects.visible_to(request.user)
        .select_related("track__program", "company", "applicant", "fund_request")
        .order_by("track_id", "receipt_number", "pk")
    )
    state = request.GET.get("state", "")
    if state in ApplicationState.values:
        applications = applications.filter(state=state)
    track_id = request.GET.get("track", "")
    if track_id.isdigit():
        applications = applications.filter(track_id=int(track_id))
    if request.GET.get("flagged"):
        applications = applications.filter(applicant__duplicate_of__isnull=False)
    page = CappedPaginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    record_event(request, AuditAction.VIEW, Application, rows=len(page.object_list))
    tracks = Track.objects.filter(kind=TrackKind.GRANT).select_related("program")
    return render(
        request,
        "grants/staff_application_list.html",
        {
            "page": page,
            "tracks": tracks,
            "states": ApplicationState.choices,
            "state": state,
            "track_id": track_id,
        },
    )


def _visible(request: HttpRequest, application_id: int) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "track__program", "track__pool__fund", "fund_request", "company", "applicant"
        ),
        pk=application_id,
    )


def _keyed_in(request: HttpRequest, application_id: int) -> Application:
    """Staff change only what staff keyed in; the applicant's own portal drafts are theirs."""
    application = _visible(request, application_id)
    if application.channel == Channel.PORTAL:
        raise PermissionDenied
    return application


@readers
@require_GET
def detail(request: HttpRequest, application_id: int) -> HttpResponse:
    return editing.detail_page(request, _visible(request, application_id), editing.STAFF_SIDE)


@readers
@require_GET
def download(request: HttpRequest, application_id: int, attachment_id: int) -> HttpResponse:
    return editing.download(
        request, _visible(request, application_id), attachment_id, editing.STAFF_SIDE
    )


@keyers
@require_POST
def message(request: HttpRequest, application_id: int) -> HttpResponse:
    return editing.message(request, _visible(request, application_id), editing.STAFF_SIDE)


@keyers
@require_http_methods(["GET", "POST"])
def key_in(request: HttpRequest, company_id: int) -> HttpResponse:
    company = get_object_or_404(Company.objects.visible_to(request.user), pk=company_id)
    tracks = Track.objects.filter(kind=TrackKind.GRANT).select_related("program", "pool__fund")
    form = KeyInForm(request.POST or None, tracks=tracks)
    if request.method == "POST" and form.is_valid():
        # The company's own portal account, when it has exactly one, sees the application.
        accounts = list(company.applicant_accounts.all()[:2])
        try:
            application = actions.start_application(
                form.cleaned_data["track"],
                company=company,
                applicant=accounts[0] if len(accounts) == 1 else None,
                by=request.user,  # type: ignore[arg-type]
                channel=form.cleaned_data["channel"],
                request=request,
            )
        except actions.ApplicationRefused as refusal:
            messages.error(request, str(refusal))
        else:
            return redirect("grants:staff_edit", application_id=application.pk)
    return render(request, "grants/staff_key_in.html", {"company": company, "form": form})


@keyers
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, application_id: int) -> HttpResponse:
    return editing.edit_page(request, _keyed_in(request, application_id), editing.STAFF_SIDE)


@keyers
@require_POST
def upload(request: HttpRequest, application_id: int) -> HttpResponse:
    return editing.upload(request, _keyed_in(request, application_id), editing.STAFF_SIDE)


@keyers
@require_POST
def remove_attachment(
    request: HttpRequest, application_id: int, attachment_id: int
) -> HttpResponse:
    return editing.remove_attachment(
        request, _keyed_in(request, application_id), attachment_id, editing.STAFF_SIDE
    )


@keyers
@require_GET
def confirm(request: HttpRequest, application_id: int) -> HttpResponse:
    return editing.confirm_page(request, _keyed_in(request, application_id), editing.STAFF_SIDE)


@keyers
@require_POST
def submit(request: HttpRequest, application_id: int) -> HttpResponse:
    return editing.submit(request, _keyed_in(request, application_id), editing.STAFF_SIDE)


@keyers
@require_POST
def withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    """Withdrawal the company asked for by phone or in writing, recorded by staff."""
    return editing.withdraw(request, _visible(request, application_id), editing.STAFF_SIDE)
