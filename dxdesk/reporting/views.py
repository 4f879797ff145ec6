from __future__ import annotations

import datetime
from typing import cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dxdesk.accounts.access import roles_required
from dxdesk.accounts.models import User
from dxdesk.audit.actions import record_event
from dxdesk.audit.models import AuditAction
from dxdesk.reporting.actions import ReportNotReady, generate_report, save_answers
from dxdesk.reporting.content import annex, measure_lines, report_content
from dxdesk.reporting.documents import report_pdf, report_xlsx
from dxdesk.reporting.forms import PrivacyReportAnswersForm, initial_answers
from dxdesk.reporting.models import (
    REPORT_READERS,
    REPORT_WRITERS,
    MonthlyPrivacyReport,
    ReportStatus,
)
from dxdesk.reporting.queries import MonthFigures, month_figures
from dxdesk.reporting.schedule import ReportMonth, Schedule, month_rows, today_in_tokyo

readers = roles_required(*REPORT_READERS)
writers = roles_required(*REPORT_WRITERS)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report_month(year: int, month: int) -> ReportMonth:
    """A reported month up to the current one; anything else is not found."""
    if not (1 <= month <= 12 and 2000 <= year <= 2999):
        raise Http404
    found = Schedule.current().report_month(datetime.date(year, month, 1))
    if found is None or found.month > today_in_tokyo():
        raise Http404
    return found


def _user(request: HttpRequest) -> User:
    # The access decorators let only signed-in staff this far.
    return cast(User, request.user)


def _report(request: HttpRequest, month: ReportMonth) -> MonthlyPrivacyReport | None:
    reports = MonthlyPrivacyReport.objects.visible_to(request.user)
    return reports.select_related("answered_by", "generated_by").filter(month=month.month).first()


@readers
@require_GET
def privacy_report_list(request: HttpRequest) -> HttpResponse:
    schedule = Schedule.current()
    reports = MonthlyPrivacyReport.objects.visible_to(request.user)
    rows = month_rows(schedule, reports, today_in_tokyo())
    context = {"rows": rows, "schedule": schedule}
    return render(request, "reporting/privacy_report_list.html", context)


@readers
@require_GET
def privacy_report_detail(request: HttpRequest, year: int, month: int) -> HttpResponse:
    report_month = _report_month(year, month)
    report = _report(request, report_month)
    if report is not None and report.is_generated:
        figures = MonthFigures.from_json(report.figures)
    else:
        figures = month_figures(report_month)
    # The page names the accounts that handled personal data in the month.
    record_event(
        request,
        AuditAction.VIEW,
        report or MonthlyPrivacyReport,
        rows=len(figures.persons),
        note=f"{report_month.month:%Y-%m}",
    )
    summary, tables = annex(figures)
    context = {
        "month": report_month,
        "report": report,
        "summary": summary,
        "tables": tables,
        "measures": measure_lines(report.answers) if report and report.answers else (),
        "can_generate": report_month.can_generate(today_in_tokyo()),
    }
    return render(request, "reporting/privacy_report_detail.html", context)


@writers
@require_http_methods(["GET", "POST"])
def privacy_report_answers(request: HttpRequest, year: int, month: int) -> HttpResponse:
    report_month = _report_month(year, month)
    report = _report(request, report_month)
    initial = initial_answers(report_month, report)
    form = PrivacyReportAnswersForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        save_answers(report_month, form.answers(), by=_user(request), origin=request)
        messages.success(request, _("回答を保存しました。内容を確かめて報告書を作成してください。"))
        return redirect("reporting:privacy_report", year=year, month=month)
    figures = month_figures(report_month)
    context = {"month": report_month, "report": report, "form": form, "figures": figures}
    return render(request, "reporting/privacy_report_answers.html", context)


@writers
@require_POST
def privacy_report_generate(request: HttpRequest, year: int, month: int) -> HttpResponse:
    report_month = _report_month(year, month)
    try:
        generate_report(report_month, by=_user(request), origin=request)
    except ReportNotReady as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("報告書を作成しました。PDF・Excelでダウンロードできます。"))
    return redirect("reporting:privacy_report", year=year, month=month)


@readers
@require_GET
def privacy_report_pdf(request: HttpRequest, year: int, month: int) -> HttpResponse:
    report = _generated(request, year, month)
    data = report_pdf(report_content(report))
    return _download(request, report, data, "pdf", "application/pdf")


@readers
@require_GET
def privacy_report_xlsx(request: HttpRequest, year: int, month: int) -> HttpResponse:
    report = _generated(request, year, month)
    data = report_xlsx(report_content(report))
    return _download(request, report, data, "xlsx", XLSX_TYPE)


def _generated(request: HttpRequest, year: int, month: int) -> MonthlyPrivacyReport:
    report_month = _report_month(year, month)
    reports = MonthlyPrivacyReport.objects.visible_to(request.user)
    return get_object_or_404(reports, month=report_month.month, status=ReportStatus.GENERATED)


def _download(
    request: HttpRequest, report: MonthlyPrivacyReport, data: bytes, suffix: str, content_type: str
) -> HttpResponse:
    accounts = len(report.figures.get("persons", []))
    record_event(request, AuditAction.DOWNLOAD, report, rows=accounts, note=suffix)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.file_stem}.{suffix}"'
    return response
