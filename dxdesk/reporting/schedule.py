"""Which months are reported, and when each report is due (000 §6(11)ウ).

The report is due by the 20th of the month after the month it covers; reporting starts
the month after the contract is signed, so the first report covers the contract's first
(part-)month. The contract's last month is reported together with the completion report
(実施報告書), so it is due on the programme's `final_report_due` when that date is known.

The contract is what the loaded programme definitions say: the earliest known
`contract_start` and the latest `contract_end`. A `contract_start` still a placeholder
(as in every seed so far) is not guessed: reporting then starts with the first month that
has audit events, which is when the system began handling data.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

import jpholiday
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxdesk.audit.models import AuditEvent
from dxdesk.lib.dates import TOKYO
from dxdesk.programs.definition import parse_definition
from dxdesk.programs.models import Program
from dxdesk.programs.rules import ProgramDefinition
from dxdesk.reporting.models import MonthlyPrivacyReport, first_of_month

DUE_DAY = 20


class Basis(models.TextChoices):
    CONTRACT = "contract", _("契約締結日（事業定義）から")
    FIRST_EVENT = "first_event", _("最初の監査記録の月から（契約締結日が未定のため）")
    NONE = "none", _("監査記録がまだありません")


@dataclass(frozen=True)
class Contract:
    titles: tuple[str, ...]
    clients: tuple[str, ...]
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    final_report_due: datetime.date | None

    @classmethod
    def from_programmes(cls) -> Contract:
        programmes = Program.objects.order_by("code").values_list(
            "definition_hash", "definition_text"
        )
        definitions = [_definition(digest, text) for digest, text in programmes]
        starts = [d.dates.contract_start for d in definitions]
        ends = [d.dates.contract_end for d in definitions]
        known_starts = [day for day in starts if isinstance(day, datetime.date)]
        known_ends = [day for day in ends if isinstance(day, datetime.date)]
        # A programme whose end is still open leaves the contract open too.
        ends_on = max(known_ends) if known_ends and len(known_ends) == len(ends) else None
        final_due = None
        for definition in definitions:
            due = definition.dates.final_report_due
            if definition.dates.contract_end == ends_on and isinstance(due, datetime.date):
                final_due = due if final_due is None else max(final_due, due)
        return cls(
            titles=tuple(dict.fromkeys(d.title for d in definitions)),
            clients=tuple(dict.fromkeys(d.client for d in definitions if d.client)),
            starts_on=min(known_starts) if known_starts else None,
            ends_on=ends_on,
            final_report_due=final_due,
        )


@functools.lru_cache(maxsize=64)
def _definition(digest: str, text: str) -> ProgramDefinition:
    """Parsed once per version of a definition: the staff home page asks on every visit."""
    return parse_definition(text, source=f"{digest[:12]}.toml")


@dataclass(frozen=True)
class ReportMonth:
    """One month to report on: its period (clipped to the contract) and its due date."""

    month: datetime.date  # the first day
    period_start: datetime.date
    period_end: datetime.date  # inclusive
    due_on: datetime.date
    is_final: bool

    @property
    def starts_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.period_start, datetime.time.min, tzinfo=TOKYO)

    @property
    def ends_at(self) -> datetime.datetime:
        """The first instant after the period (filter with < ends_at)."""
        following = self.period_end + datetime.timedelta(days=1)
        return datetime.datetime.combine(following, datetime.time.min, tzinfo=TOKYO)

    def is_over(self, today: datetime.date) -> bool:
        return today > self.period_end

    def reminders_start(self, days_before: int) -> datetime.date:
        """From when to remind: `days_before` the due date, never before the period ends
        (the final month's report may be due before its month is over)."""
        earliest = self.period_end + datetime.timedelta(days=1)
        if self.is_final and self.due_on <= self.period_end:
            earliest = self.due_on
        return max(self.due_on - datetime.timedelta(days=days_before), earliest)

    def can_generate(self, today: datetime.date) -> bool:
        """Once the period is over; the final month also from its due date, when that
        falls inside the month (its figures then run up to the moment of generation)."""
        return self.is_over(today) or (self.is_final and today >= self.due_on)

    @property
    def due_is_business_day(self) -> bool:
        return is_business_day(self.due_on)

    @property
    def last_business_day_by_due(self) -> datetime.date:
        """The due date, or the business day before it when it falls on a closed day."""
        day = self.due_on
        while not is_business_day(day):
            day -= datetime.timedelta(days=1)
        return day


def is_business_day(day: datetime.date) -> bool:
    """A weekday that is not a public holiday nor in the 12/29–1/3 closure of city halls."""
    closed_for_new_year = (day.month, day.day) >= (12, 29) or (day.month, day.day) <= (1, 3)
    return day.weekday() < 5 and not jpholiday.is_holiday(day) and not closed_for_new_year


@dataclass(frozen=True)
class Schedule:
    contract: Contract
    basis: str
    first_month: datetime.date | None
    last_month: datetime.date | None  # the contract's last month, None while open

    @classmethod
    def current(cls) -> Schedule:
        contract = Contract.from_programmes()
        last_month = first_of_month(contract.ends_on) if contract.ends_on else None
        if contract.starts_on is not None:
            return cls(contract, Basis.CONTRACT, first_of_month(contract.starts_on), last_month)
        first_event = (
            AuditEvent.objects.order_by("sequence").values_list("occurred_at", flat=True).first()
        )
        if first_event is None:
            return cls(contract, Basis.NONE, None, last_month)
        first_month = first_of_month(timezone.localtime(first_event, TOKYO).date())
        return cls(contract, Basis.FIRST_EVENT, first_month, last_month)

    def report_month(self, month: datetime.date) -> ReportMonth | None:
        """The month's period and due date, or None when the month is not reported."""
        month = first_of_month(month)
        if self.first_month is None or month < self.first_month:
            return None
        if self.last_month is not None and month > self.last_month:
            return None
        following = next_month(month)
        period_start, period_end = month, following - datetime.timedelta(days=1)
        contract = self.contract
        if self.basis == Basis.CONTRACT and contract.starts_on and contract.starts_on > month:
            period_start = contract.starts_on
        is_final = month == self.last_month
        if is_final and contract.ends_on is not None:
            period_end = min(period_end, contract.ends_on)
        due_on = following.replace(day=DUE_DAY)
        if is_final and contract.final_report_due is not None:
            due_on = contract.final_report_due
        return ReportMonth(month, period_start, period_end, due_on, is_final)

    def months_until(self, today: datetime.date) -> list[ReportMonth]:
        """Every reported month from the first to the one holding `today`, newest first."""
        if self.first_month is None:
            return []
        found = []
        month = self.first_month
        while month <= first_of_month(today):
            report_month = self.report_month(month)
            if report_month is None:
                break
            found.append(report_month)
            month = next_month(month)
        return found[::-1]


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def today_in_tokyo() -> datetime.date:
    return timezone.localtime(timezone.now(), TOKYO).date()


@dataclass(frozen=True)
class MonthRow:
    """A reported month as the list shows it: its report (if started) and where it stands."""

    month: ReportMonth
    report: MonthlyPrivacyReport | None
    today: datetime.date

    @property
    def in_progress(self) -> bool:
        return not self.month.is_over(self.today)

    @property
    def is_generated(self) -> bool:
        return self.report is not None and self.report.is_generated

    @property
    def is_overdue(self) -> bool:
        return not self.is_generated and self.today > self.month.due_on

    @property
    def status_label(self) -> str:
        if self.report is not None:
            return str(self.report.get_status_display())
        return str(_("集計中（月の途中）") if self.in_progress else _("未着手"))


def month_rows(
    schedule: Schedule, reports: models.QuerySet[MonthlyPrivacyReport], today: datetime.date
) -> list[MonthRow]:
    months = schedule.months_until(today)
    found = {report.month: report for report in reports.filter(month__in=[m.month for m in months])}
    return [MonthRow(month, found.get(month.month), today) for month in months]
