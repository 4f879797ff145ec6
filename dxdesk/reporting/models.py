"""The monthly personal-information handling report (R-RPT-2; 000 §6(11)ウ and its 別添).

Each month of the contract the secretariat reports to the client, by the 20th of the next
month, how it kept the personal-information safety rules. The form (個人情報取扱状況報告書)
asks a person to confirm eight safety measures (変更なし・変更あり), describe any incident
and any carrying of information assets, and add other notes; dxdesk adds, as an annex,
what the audit trail shows for the month: who handled personal data and how, every
export, failed sign-ins and lockouts, and the audit chain checked for the month.

A `MonthlyPrivacyReport` holds one month's answers and, once generated, the figures as
they were computed, so the PDF and the workbook can be downloaded again unchanged.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dxdesk.accounts.roles import Role

# Who reads the reports: the secretariat's supervisors, the client and IT.
REPORT_READERS = (Role.SUPERVISOR, Role.CLIENT, Role.ADMIN)
# Who answers the form and generates the report.
REPORT_WRITERS = (Role.SUPERVISOR,)

# The eight safety measures of the 別添, in its order: (answer key, wording).
SAFETY_MEASURES: tuple[tuple[str, Any], ...] = (
    ("staff", _("従業者の指定、教育及び監督")),
    ("areas", _("管理区域の設定及び安全管理措置の実施")),
    ("security", _("セキュリティ強化のための管理策")),
    ("incidents", _("事件・事故における報告連絡体制")),
    ("transport", _("情報資産の搬送及び持ち運ぶ際の保護体制")),
    ("laws", _("関係法令の遵守")),
    ("audits", _("定期監査の実施")),
    ("other", _("その他個人情報取扱安全管理基準適合申出書からの変更")),
)
# The last measure is worded "なし・あり" on the form, the others "変更なし・変更あり".
PLAIN_CHOICE_MEASURES = frozenset({"other"})


class ChangeAnswer(models.TextChoices):
    UNCHANGED = "unchanged", _("変更なし")
    CHANGED = "changed", _("変更あり")


class OccurrenceAnswer(models.TextChoices):
    NONE = "none", _("なし")
    SOME = "some", _("あり")


class ReportStatus(models.TextChoices):
    ANSWERING = "answering", _("回答中")
    GENERATED = "generated", _("作成済み")


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


class MonthlyPrivacyReportQuerySet(models.QuerySet["MonthlyPrivacyReport"]):
    def visible_to(self, user: Any) -> MonthlyPrivacyReportQuerySet:
        if user.is_authenticated and user.has_role(*REPORT_READERS):
            return self
        return self.none()


class MonthlyPrivacyReport(models.Model):
    """One month's 個人情報取扱状況報告書: the supervisor's answers and the figures."""

    month = models.DateField(_("対象月"), unique=True, help_text=_("月の初日"))
    status = models.CharField(
        _("状態"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.ANSWERING
    )
    answers = models.JSONField(_("回答"), default=dict, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回答者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("回答日時"), null=True, blank=True)
    # The figures as computed when the report was generated (see queries.MonthFigures).
    figures = models.JSONField(_("集計"), default=dict, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    generated_at = models.DateTimeField(_("作成日時"), null=True, blank=True)

    objects = MonthlyPrivacyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("個人情報取扱状況報告書")
        verbose_name_plural = _("個人情報取扱状況報告書")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="answering") | models.Q(generated_at__isnull=False),
                name="privacy_report_generated_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"個人情報取扱状況報告書 {self.month:%Y-%m}"

    @property
    def is_generated(self) -> bool:
        return self.status == ReportStatus.GENERATED

    @property
    def file_stem(self) -> str:
        return f"privacy-report-{self.month:%Y-%m}"


class PrivacyReportReminder(models.Model):
    """A reminder mail sent to the supervisors: at most one a day (unique `sent_on`)."""

    sent_on = models.DateField(_("送信日"), unique=True)
    months = models.JSONField(_("対象月"), default=list)
    recipients = models.PositiveIntegerField(_("宛先数"))
    sent_at = models.DateTimeField(_("送信日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("報告書の督促メール")
        verbose_name_plural = _("報告書の督促メール")
        ordering = ["-sent_on"]

    def __str__(self) -> str:
        return f"{self.sent_on}: {', '.join(self.months)}"
