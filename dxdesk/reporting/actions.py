"""Answering, generating and reminding: the handling report's changes, each audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dxdesk.accounts.models import User
from dxdesk.accounts.roles import Role
from dxdesk.audit.actions import record_event
from dxdesk.audit.models import AuditAction
from dxdesk.lib.dates import TOKYO
from dxdesk.lib.mail import send_notice
from dxdesk.reporting.forms import PrivacyReportAnswersForm
from dxdesk.reporting.models import MonthlyPrivacyReport, PrivacyReportReminder, ReportStatus
from dxdesk.reporting.queries import check_segment, month_figures
from dxdesk.reporting.schedule import ReportMonth, Schedule

if TYPE_CHECKING:
    from collections.abc import Sequence


class ReportNotReady(Exception):
    """The report cannot be generated yet; the message says why, for the person asking."""


def save_answers(
    month: ReportMonth, answers: dict[str, str], *, by: User, origin: HttpRequest | None = None
) -> MonthlyPrivacyReport:
    """Store the month's answers. Changing them takes a generated report back to 回答中:
    the PDF already made would no longer say what the answers say."""
    with transaction.atomic():
        report, created = MonthlyPrivacyReport.objects.select_for_update().get_or_create(
            month=month.month
        )
        changed = sorted(
            name for name, value in answers.items() if report.answers.get(name) != value
        )
        if not changed and not created:
            return report
        report.answers = answers
        report.answered_by = by
        report.answered_at = timezone.now()
        fields = ["answers", "answered_by", "answered_at"]
        if report.is_generated:
            report.status = ReportStatus.ANSWERING
            report.figures = {}
            report.generated_at = None
            report.generated_by = None
            fields += ["status", "figures", "generated_at", "generated_by"]
        report.save(update_fields=fields)
        action = AuditAction.CREATE if created else AuditAction.CHANGE
        record_event(origin or by, action, report, fields=changed)
    return report


def generate_report(
    month: ReportMonth, *, by: User, origin: HttpRequest | None = None
) -> MonthlyPrivacyReport:
    """Compute the month's figures, check its part of the audit chain and keep both.

    The figures are computed before the write transaction: on SQLite that transaction
    holds the database's only write lock, and checking a busy month takes seconds.
    """
    now = timezone.now()
    if not month.can_generate(timezone.localtime(now, TOKYO).date()):
        raise ReportNotReady(
            _("%(month)s分はまだ終わっていません。%(day)s以降に作成できます。")
            % {
                "month": f"{month.month:%Y-%m}",
                "day": f"{month.period_end + datetime.timedelta(days=1):%Y-%m-%d}",
            }
        )
    report = MonthlyPrivacyReport.objects.filter(month=month.month).first()
    if report is None or not PrivacyReportAnswersForm(data=report.answers).is_valid():
        raise ReportNotReady(_("先に報告書の回答（変更の有無など）を入力してください。"))
    figures = month_figures(month, now=now)
    anchor_sequence, anchor_hash = _previous_anchor(month)
    chain = check_segment(figures, anchor_sequence=anchor_sequence, anchor_hash=anchor_hash)
    with transaction.atomic():
        report = MonthlyPrivacyReport.objects.select_for_update().get(pk=report.pk)
        report.figures = replace(figures, chain=chain).to_json()
        report.status = ReportStatus.GENERATED
        report.generated_by = by
        report.generated_at = now
        report.save(update_fields=["figures", "status", "generated_by", "generated_at"])
        record_event(
            origin or by,
            AuditAction.CHANGE,
            report,
            fields=["figures", "status"],
            rows=figures.events,
            note=f"作成: 監査記録 #{figures.first_sequence}–#{figures.last_sequence}"
            + ("" if chain.intact else f"／連鎖の異常: {chain.problem}"),
        )
    return report


def _previous_anchor(month: ReportMonth) -> tuple[int | None, str]:
    """The last event that an earlier generated report gave the client, if any."""
    earlier = MonthlyPrivacyReport.objects.filter(
        month__lt=month.month, status=ReportStatus.GENERATED
    ).values_list("figures", flat=True)
    for figures in earlier.order_by("-month")[:12]:
        chain = figures.get("chain") or {}
        if chain.get("last_sequence") and chain.get("last_hash"):
            return int(chain["last_sequence"]), str(chain["last_hash"])
    return None, ""


def due_reports(
    today: datetime.date, *, days_before: int, schedule: Schedule | None = None
) -> list[ReportMonth]:
    """Months whose report is not generated and whose reminder window has begun, oldest
    first: from `days_before` the due date until the report is generated."""
    schedule = schedule or Schedule.current()
    months = [
        month
        for month in schedule.months_until(today)
        if today >= month.reminders_start(days_before)
    ]
    generated = set(
        MonthlyPrivacyReport.objects.filter(
            month__in=[month.month for month in months], status=ReportStatus.GENERATED
        ).values_list("month", flat=True)
    )
    return sorted(
        (month for month in months if month.month not in generated), key=lambda m: m.month
    )


@dataclass(frozen=True)
class ReminderOutcome:
    due: Sequence[ReportMonth]
    recipients: int = 0
    already_sent: bool = False

    @property
    def sent(self) -> bool:
        return self.recipients > 0


def send_reminders(today: datetime.date, *, days_before: int) -> ReminderOutcome:
    """Mail the supervisors about the reports due, at most once a day.

    The day's reminder row and the mail go in one transaction: a second run the same day
    finds the row (the unique day waits for the first run's commit on PostgreSQL), and a
    mail server that refuses the message rolls the row back so a later run can try again.
    """
    due = due_reports(today, days_before=days_before)
    if not due:
        return ReminderOutcome(due)
    supervisors = list(
        User.objects.filter(is_active=True, groups__name=Role.SUPERVISOR)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    if not supervisors:
        return ReminderOutcome(due)
    with transaction.atomic():
        _reminder, created = PrivacyReportReminder.objects.get_or_create(
            sent_on=today,
            defaults={
                "months": [f"{month.month:%Y-%m}" for month in due],
                "recipients": len(supervisors),
            },
        )
        if not created:
            return ReminderOutcome(due, already_sent=True)
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _reminder_text(due, today)
        send_notice(subject, body, supervisors)
    return ReminderOutcome(due, recipients=len(supervisors))


def _reminder_text(due: Sequence[ReportMonth], today: datetime.date) -> tuple[str, str]:
    first = due[0]
    subject = _("【dxdesk】個人情報取扱状況報告書（%(month)s分）の提出期限は%(due)sです") % {
        "month": f"{first.month.year}年{first.month.month}月",
        "due": f"{first.due_on.month}月{first.due_on.day}日",
    }
    lines = [_("個人情報取扱状況報告書の作成がまだ済んでいない月があります。"), ""]
    for month in due:
        line = _("・%(month)s分　提出期限 %(due)s") % {
            "month": f"{month.month.year}年{month.month.month}月",
            "due": f"{month.due_on:%Y-%m-%d}",
        }
        if month.due_on < today:
            line += _("（期限を過ぎています）")
        elif not month.due_is_business_day:
            line += _("（期限日は閉庁日のため、%(day)sまでの提出をお勧めします）") % {
                "day": f"{month.last_business_day_by_due:%Y-%m-%d}"
            }
        if month.is_final:
            line += _("（最終月分は実施報告書とあわせて提出）")
        lines.append(line)
    lines += [
        "",
        _("業務メニューの「個人情報取扱状況報告書」で回答を入力し、報告書を作成してください。"),
        _("このメールは作成が済むまで1日1回送られます。"),
    ]
    return subject, "\n".join(lines)
