from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dxdesk.accounts.access import roles_required
from dxdesk.accounts.roles import Role
from dxdesk.audit.actions import record_event
from dxdesk.audit.models import AuditAction
from dxdesk.outreach import exports
from dxdesk.outreach.actions import (
    LeaseLost,
    LoggedCall,
    claim_next_call,
    create_campaign,
    create_campaign_from_list,
    log_call,
    release_call,
)
from dxdesk.outreach.forms import CallForm, CallLogSearchForm, CampaignForm, describe_selection
from dxdesk.outreach.models import (
    OUTREACH_ROLES,
    OVERSIGHT_ROLES,
    CallAttempt,
    CallTask,
    Campaign,
    CampaignSource,
    ExportFormat,
    ExportJob,
)
from dxdesk.outreach.playbook import playbook_for
from dxdesk.outreach.queries import call_screen, dashboard, operator_today, search_call_log
from dxdesk.registry.forms import CompanySearchForm
from dxdesk.registry.models import Company

outreach_staff = roles_required(*OUTREACH_ROLES)
callers = roles_required(Role.OPERATOR, Role.SUPERVISOR)
oversight = roles_required(*OVERSIGHT_ROLES)
campaign_editors = roles_required(Role.SUPERVISOR, Role.ADMIN)


def _campaigns(request: HttpRequest) -> QuerySet[Campaign]:
    return Campaign.objects.visible_to(request.user).select_related("program", "track")


def _task(request: HttpRequest, task_id: int) -> CallTask:
    tasks = CallTask.objects.visible_to(request.user).select_related(
        "company", "campaign__program", "campaign__track"
    )
    return get_object_or_404(tasks, pk=task_id)


@outreach_staff
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/campaign_list.html", {"campaigns": _campaigns(request)})


@campaign_editors
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, request.FILES or None)
    selection = CompanySearchForm(request.POST or request.GET or None, prefix="select")
    companies = selection.filter(Company.objects.visible_to(request.user))
    if request.htmx:
        return render(request, "outreach/campaign_form.html#count", {"count": companies.count()})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["source"] == CampaignSource.LIST:
            campaign = create_campaign_from_list(**form.list_fields(), by=request.user)
        else:
            campaign = create_campaign(
                **form.campaign_fields(),
                companies=companies,
                source_note=describe_selection(selection),
                by=request.user,
            )
        return redirect("outreach:campaign_detail", campaign_id=campaign.pk)
    return render(request, "outreach/campaign_form.html", {"form": form, "selection": selection})


@oversight
@require_GET
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(_campaigns(request), pk=campaign_id)
    figures = None
    if campaign.is_ready:
        figures = dashboard(campaign, playbook_for(campaign), timezone.now())
    template = "outreach/campaign_detail.html"
    if request.htmx:
        template += "#figures"
    return render(request, template, {"campaign": campaign, "figures": figures})


@callers
@require_GET
def call_desk(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(_campaigns(request), pk=campaign_id)
    held = CallTask.objects.filter(campaign=campaign, holder=request.user).first()
    mine = operator_today(campaign, request.user, timezone.now())
    context = {"campaign": campaign, "held": held, "mine": mine}
    return render(request, "outreach/call_desk.html", context)


@callers
@require_POST
def next_call(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(_campaigns(request), pk=campaign_id)
    return _claim_and_go(request, campaign)


def _claim_and_go(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    claim = claim_next_call(campaign, by=request.user)
    if claim.task is None:
        messages.info(request, claim.message)
        return redirect("outreach:call_desk", campaign_id=campaign.pk)
    return redirect("outreach:call_screen", task_id=claim.task.pk)


@callers
@require_GET
def call_screen_view(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task(request, task_id)
    playbook = playbook_for(task.campaign)
    screen = call_screen(task, playbook)
    record_event(request, AuditAction.VIEW, task.company, note=f"outreach task {task.pk}")
    form = CallForm(
        initial={"token": task.lease_token, "script": screen.script.code if screen.script else ""},
        playbook=playbook,
    )
    return render(request, "outreach/call_screen.html", {"screen": screen, "form": form})


@callers
@require_POST
def call_log_save(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task(request, task_id)
    playbook = playbook_for(task.campaign)
    form = CallForm(request.POST, playbook=playbook)
    if not form.is_valid():
        context = {"screen": call_screen(task, playbook), "form": form}
        return render(request, "outreach/call_screen.html", context)
    try:
        token = str(form.cleaned_data["token"])
        logged = log_call(task, form.report(), by=request.user, token=token)
    except LeaseLost as error:
        messages.error(request, str(error))
        return redirect("outreach:call_desk", campaign_id=task.campaign_id)
    record_event(request, AuditAction.CREATE, logged.attempt, fields=form.changed_data)
    messages.success(request, _logged_message(logged))
    if "stop" in request.POST:
        return redirect("outreach:call_desk", campaign_id=task.campaign_id)
    return _claim_and_go(request, task.campaign)


def _logged_message(logged: LoggedCall) -> str:
    attempt, task = logged.attempt, logged.task
    text = _("記録しました: %(company)s — %(outcome)s") % {
        "company": task.company.name,
        "outcome": attempt.outcome_title,
    }
    if task.route_state:
        text += f"（{task.get_route_state_display()}）"
    return text


@callers
@require_POST
def call_release(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task(request, task_id)
    if release_call(task, by=request.user, token=request.POST.get("token", "")):
        text = _("架電せずに戻しました: %(company)s") % {"company": task.company.name}
        messages.info(request, text)
    return redirect("outreach:call_desk", campaign_id=task.campaign_id)


@oversight
@require_GET
def call_log(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(_campaigns(request), pk=campaign_id)
    form = CallLogSearchForm(request.GET, playbook=playbook_for(campaign), campaign_id=campaign.pk)
    attempts = CallAttempt.objects.visible_to(request.user)
    found = search_call_log(attempts, campaign, form.cleaned_data if form.is_valid() else {})
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    record_event(
        request,
        AuditAction.VIEW,
        CallAttempt,
        rows=len(page.object_list),
        note=request.GET.urlencode(),
    )
    template = "outreach/call_log.html#results" if request.htmx else "outreach/call_log.html"
    return render(request, template, {"campaign": campaign, "form": form, "page": page})


@oversight
@require_GET
def export_csv(request: HttpRequest, campaign_id: int) -> StreamingHttpResponse:
    campaign = get_object_or_404(_campaigns(request), pk=campaign_id)
    cp932 = request.GET.get("encoding") == "cp932"
    job = exports.log_streamed_export(
        campaign, ExportFormat.CSV_CP932 if cp932 else ExportFormat.CSV, request.user
    )
    record_event(request, AuditAction.EXPORT, job, rows=campaign.task_count)
    charset = "cp932" if cp932 else "utf-8"
    response = StreamingHttpResponse(
        exports.stream_csv(campaign, encoding=charset), content_type=f"text/csv; charset={charset}"
    )
    response["Content-Disposition"] = f'attachment; filename="call-results-{campaign.pk}.csv"'
    return response


@oversight
@require_http_methods(["GET", "POST"])
def export_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(_campaigns(request), pk=campaign_id)
    if request.method == "POST":
        job = exports.start_xlsx_export(campaign, request.user)
        record_event(request, AuditAction.EXPORT, job, rows=campaign.task_count)
        return redirect("outreach:export_status", job_id=job.pk)
    jobs = ExportJob.objects.filter(campaign=campaign).select_related("created_by")[:20]
    return render(request, "outreach/export_list.html", {"campaign": campaign, "jobs": jobs})


@oversight
@require_GET
def export_status(request: HttpRequest, job_id: int) -> HttpResponse:
    jobs = ExportJob.objects.visible_to(request.user).select_related("campaign")
    job = get_object_or_404(jobs, pk=job_id)
    template = "outreach/export_status.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"job": job})


@oversight
@require_GET
def export_download(request: HttpRequest, job_id: int) -> FileResponse:
    job = get_object_or_404(ExportJob.objects.visible_to(request.user), pk=job_id)
    if not job.stored_path or not job.is_finished:
        raise Http404
    record_event(request, AuditAction.DOWNLOAD, job, rows=job.total_rows)
    return FileResponse(open(job.stored_path, "rb"), as_attachment=True, filename=job.file_name)
