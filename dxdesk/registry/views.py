from __future__ import annotations

import csv

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dxdesk.accounts.access import roles_required, staff_required
from dxdesk.accounts.roles import Role
from dxdesk.audit.actions import record_event
from dxdesk.audit.models import AuditAction
from dxdesk.lib.paging import CappedPaginator
from dxdesk.registry.actions import problems_as_csv_rows, start_import_job, store_upload
from dxdesk.registry.forms import CompanyForm, CompanySearchForm, ContactForm, ImportForm
from dxdesk.registry.importing import RowProblem, UnreadableFile, read_table
from dxdesk.registry.models import Company, ImportJob

registry_editors = roles_required(Role.SUPERVISOR, Role.ADMIN)

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
    return render(request, template, {"job": job, "problems": job.rejections[:200]})


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
