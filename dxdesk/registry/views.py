from __future__ import annotations

import csv

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dxdesk.accounts.access import roles_required, staff_required
from dxdesk.accounts.roles import Role
from dxdesk.audit.actions import record_event
from dxdesk.audit.models import AuditAction
from dxdesk.lib.paging import CappedPaginator
from dxdesk.registry.actions import problems_as_csv_rows, start_import_job, store_upload
from dxdesk.registry.duplicates import import_warning, side_by_side
from dxdesk.registry.forms import (
    CompanyForm,
    CompanySearchForm,
    ContactForm,
    ImportForm,
    SurvivorForm,
)
from dxdesk.registry.importing import RowProblem, UnreadableFile, read_table
from dxdesk.registry.merging import (
    MergeRefused,
    mark_not_same,
    merge_companies,
    merge_for,
    relation_counts,
    undo_merge,
)
from dxdesk.registry.models import (
    REVIEWING_ROLES,
    Company,
    CompanyMerge,
    DuplicateCandidate,
    ImportJob,
)

registry_editors = roles_required(Role.SUPERVISOR, Role.ADMIN)
duplicate_reviewers = roles_required(*REVIEWING_ROLES)

PAGE_SIZE = 50


@staff_required
@require_GET
def company_list(request: HttpRequest) -> HttpResponse:
    form = CompanySearchForm(request.GET)
    companies = form.filter(Company.objects.visible_to(request.user)).only(
        "id",
        "name",
        "name_kana",
        "corporate_number",
        "address",
        "ward",
        "phone_key",
        "phone",
        "industry_code",
        "size_class",
        "ref",
    )
    page = CappedPaginator(companies, PAGE_SIZE).get_page(request.GET.get("page"))
    record_event(
        request, AuditAction.VIEW, Company, rows=len(page.object_list), note=request.GET.urlencode()
    )
    template = (
        "registry/company_list.html#results" if request.htmx else "registry/company_list.html"
    )
    return render(request, template, {"form": form, "page": page})


@staff_required
@require_GET
def company_detail(request: HttpRequest, company_id: int) -> HttpResponse:
    company = get_object_or_404(Company.objects.visible_to(request.user), pk=company_id)
    contacts = list(company.contacts.all())
    # One event covers the company and the contacts shown with it.
    shown = ", ".join(str(contact.pk) for contact in contacts)
    record_event(request, AuditAction.VIEW, company, note=f"contacts: {shown}" if shown else "")
    return render(
        request,
        "registry/company_detail.html",
        {"company": company, "contacts": contacts},
    )


@registry_editors
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, company_id: int | None = None) -> HttpResponse:
    company = (
        get_object_or_404(Company.objects.visible_to(request.user), pk=company_id)
        if company_id
        else Company()
    )
    form = CompanyForm(request.POST or None, instance=company)
    if request.method == "POST" and form.is_valid():
        action = AuditAction.CHANGE if company.pk else AuditAction.CREATE
        with transaction.atomic():
            company = form.save()
            record_event(request, action, company, fields=form.changed_data)
        messages.success(request, _("企業を保存しました。"))
        return redirect("registry:company_detail", company_id=company.pk)
    if request.method == "GET" and company.pk:
        record_event(request, AuditAction.VIEW, company)
    return render(request, "registry/company_form.html", {"form": form, "company": company})


@registry_editors
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, company_id: int) -> HttpResponse:
    company = get_object_or_404(Company.objects.visible_to(request.user), pk=company_id)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = form.save(commit=False)
        contact.company = company
        with transaction.atomic():
            contact.save()
            record_event(request, AuditAction.CREATE, contact, fields=form.changed_data)
        messages.success(request, _("連絡先を追加しました。"))
        return redirect("registry:company_detail", company_id=company.pk)
    return render(request, "registry/contact_form.html", {"form": form, "company": company})


@registry_editors
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        path = store_upload(upload.name, upload.chunks())
        try:
            table = read_table(path)
        except UnreadableFile as error:
            path.unlink(missing_ok=True)
            form.add_error("file", str(error).replace(path.name, upload.name))
        else:
            job = ImportJob.objects.create(
                file_name=upload.name,
                stored_path=str(path),
                dry_run=form.cleaned_data["dry_run"],
                total_rows=table.total_rows,
                detected_format=table.format,
                started_by=request.user,
            )
            start_import_job(job, table)
            return redirect("registry:import_status", job_id=job.pk)
    jobs = ImportJob.objects.select_related("started_by")[:10]
    return render(request, "registry/import_start.html", {"form": form, "jobs": jobs})


@registry_editors
@require_GET
def import_status(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=job_id)
    template = (
        "registry/import_status.html#progress" if request.htmx else "registry/import_status.html"
    )
    duplicates = import_warning(job.duplicate_count) if job.duplicate_count is not None else ""
    problems = job.rejections[:200]
    if problems:
        # The rejected rows are shown with their values: names, phones, addresses.
        record_event(request, AuditAction.VIEW, job, rows=len(problems))
    return render(
        request,
        template,
        {"job": job, "problems": problems, "duplicate_warning": duplicates},
    )


@registry_editors
@require_GET
def import_report(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=job_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
    response.write("\ufeff")
    problems = [RowProblem.from_dict(item) for item in job.rejections]
    csv.writer(response).writerows(problems_as_csv_rows(problems))
    record_event(request, AuditAction.DOWNLOAD, job, rows=len(problems))
    return response


# --- 名寄せ review ----------------------------------------------------------------------------


@duplicate_reviewers
@require_GET
def duplicate_list(request: HttpRequest) -> HttpResponse:
    candidates = (
        DuplicateCandidate.objects.visible_to(request.user)
        .to_review()
        .select_related("first", "second")
    )
    page = CappedPaginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    record_event(request, AuditAction.VIEW, DuplicateCandidate, rows=len(page.object_list))
    return render(request, "registry/duplicate_list.html", {"page": page})


@duplicate_reviewers
@require_GET
def duplicate_detail(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidates = DuplicateCandidate.objects.visible_to(request.user).select_related(
        "first", "second", "decided_by"
    )
    candidate = get_object_or_404(candidates, pk=candidate_id)
    left, right = candidate.first, candidate.second
    counts = [
        (title, per.get(left.pk, 0), per.get(right.pk, 0))
        for title, per in relation_counts([left, right])
    ]
    record_event(request, AuditAction.VIEW, candidate, note=f"companies: {left.pk}, {right.pk}")
    context = {
        "candidate": candidate,
        "left": left,
        "right": right,
        "fields": side_by_side(left, right),
        "counts": counts,
    }
    return render(request, "registry/duplicate_detail.html", context)


@registry_editors
@require_POST
def duplicate_merge(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidates = DuplicateCandidate.objects.visible_to(request.user).select_related(
        "first", "second"
    )
    candidate = get_object_or_404(candidates, pk=candidate_id)
    form = SurvivorForm(candidate.first_id, candidate.second_id, request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["survivor"]))
        return redirect("registry:duplicate_detail", candidate_id=candidate.pk)
    survivor, merged = merge_for(candidate, form.cleaned_data["survivor"])
    try:
        merge_companies(survivor, merged, by=request.user, candidate=candidate, request=request)
    except MergeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("registry:duplicate_detail", candidate_id=candidate.pk)
    messages.success(
        request,
        _("「%(merged)s」を「%(survivor)s」に統合しました。")
        % {"merged": merged.name, "survivor": survivor.name},
    )
    return redirect("registry:duplicate_list")


@registry_editors
@require_POST
def duplicate_not_same(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = get_object_or_404(
        DuplicateCandidate.objects.visible_to(request.user), pk=candidate_id
    )
    try:
        mark_not_same(candidate, by=request.user, request=request)
    except MergeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("registry:duplicate_detail", candidate_id=candidate.pk)
    messages.success(request, _("別の企業として記録しました。この組は今後提案されません。"))
    return redirect("registry:duplicate_list")


@duplicate_reviewers
@require_GET
def merge_list(request: HttpRequest) -> HttpResponse:
    merges = CompanyMerge.objects.visible_to(request.user).select_related(
        "survivor", "merged", "merged_by", "undone_by"
    )
    page = CappedPaginator(merges, PAGE_SIZE).get_page(request.GET.get("page"))
    record_event(request, AuditAction.VIEW, CompanyMerge, rows=len(page.object_list))
    return render(request, "registry/merge_list.html", {"page": page})


@registry_editors
@require_POST
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    merge = get_object_or_404(CompanyMerge.objects.visible_to(request.user), pk=merge_id)
    try:
        undo_merge(merge, by=request.user, request=request)
    except MergeRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("統合を取り消しました。二社は元どおり別々の企業です。"))
    return redirect("registry:merge_list")
