"""What a grant track's definition says about intake: whether it is open, its form and
its required attachments, and the amount an application asks for.

Every rule here is read from the programme file (fields, validation, attachments,
intake dates, formula); nothing about one programme is written in code.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import jaconv
import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dxdesk.funds.models import Fund
from dxdesk.programs import rules
from dxdesk.programs.formula import IncompleteFormula, SubsidyResult, subsidy_amount
from dxdesk.programs.models import Track, TrackKind

YEN_MAX = 10**12


@dataclass(frozen=True)
class IntakeStatus:
    is_open: bool
    reason: str  # why it is closed, in words for the applicant
    fund: Fund | None
    closes_on: datetime.date | None = None


def intake_status(track: Track, *, today: datetime.date | None = None) -> IntakeStatus:
    """Open when the definition's window contains today, the pool has a limit and the
    ledger has not closed intake; otherwise closed, saying why."""
    today = today or timezone.localdate()
    definition = track.definition
    fund = track.pool.fund if track.pool_id and track.pool else None  # type: ignore[union-attr]
    if track.kind != TrackKind.GRANT or fund is None:
        return IntakeStatus(False, _("この事業は申請を受け付けていません。"), None)
    opens = definition.dates.intake_opens
    closes = definition.dates.intake_closes
    if not isinstance(opens, datetime.date):
        return IntakeStatus(False, _("受付開始日はまだ決まっていません。"), fund)
    if today < opens:
        return IntakeStatus(
            False, _("受付は %(date)s から始まります。") % {"date": _day(opens)}, fund
        )
    closes_on = closes if isinstance(closes, datetime.date) else None
    if closes_on is not None and today > closes_on:
        return IntakeStatus(
            False, _("受付は %(date)s で終了しました。") % {"date": _day(closes_on)}, fund
        )
    if fund.limit is None:
        return IntakeStatus(False, _("予算額が決まるまで受付できません。"), fund)
    formula = definition.formula
    if formula is None or not isinstance(formula.rate, Fraction):
        return IntakeStatus(False, _("補助率が決まるまで受付できません。"), fund)
    if not fund.intake_open:
        return IntakeStatus(False, _("予算の上限に達したため、受付を終了しました。"), fund)
    return IntakeStatus(True, "", fund, closes_on)


# How long before the document-complete deadline drafts are warned (R-APP-5).
DEADLINE_WARNING_DAYS = 14


def deadline_note(track: Track, *, today: datetime.date | None = None) -> tuple[str, bool]:
    """The document-complete deadline in words, and whether it is close enough to warn."""
    due = track.definition.dates.documents_complete_by
    if not isinstance(due, datetime.date):
        return "", False
    today = today or timezone.localdate()
    left = (due - today).days
    if left < 0:
        return _("書類完備の締切（%(date)s）を過ぎています。") % {"date": _day(due)}, True
    return (
        _("書類完備の締切は %(date)s です（あと %(days)s 日）。")
        % {"date": _day(due), "days": left},
        left <= DEADLINE_WARNING_DAYS,
    )


def _day(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")  # 2027年2月26日 / Feb. 26, 2027


# -- the form -----------------------------------------------------------------------------


YEN_WITH_UNITS = re.compile(r"^(?:(\d+)億)?(?:(\d+)万)?(\d*)$")


class YenField(forms.IntegerField):
    """Yen as people write it: 1,200,000 / １，２００，０００ / 1200000円 / 120万円."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = jaconv.z2h(value, kana=False, ascii=True, digit=True)
            value = re.sub(r"[,\s円¥]", "", value)
            units = YEN_WITH_UNITS.match(value)
            if units and (units.group(1) or units.group(2)):
                hundred_millions, ten_thousands, rest = units.groups()
                return (
                    int(hundred_millions or 0) * 100_000_000
                    + int(ten_thousands or 0) * 10_000
                    + int(rest or 0)
                )
        return super().to_python(value)


class JapanesePhoneField(forms.CharField):
    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return text
        try:
            number = phonenumbers.parse(jaconv.z2h(text, ascii=True, digit=True), "JP")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError(_("電話番号として正しくありません。"))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def _field_for(spec: rules.FormField, *, required: bool) -> forms.Field:
    common: dict[str, Any] = {"label": spec.label, "required": required}
    if spec.type == "text":
        return forms.CharField(max_length=200, **common)
    if spec.type == "textarea":
        return forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 5}), **common)
    if spec.type == "integer":
        return forms.IntegerField(min_value=0, max_value=10**9, **common)
    if spec.type == "yen":
        return YenField(
            min_value=0,
            max_value=YEN_MAX,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            help_text=_("円単位で入力してください（例: 1,200,000 または 120万）。"),
            **common,
        )
    if spec.type == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d", "%Y/%m/%d"],
            **common,
        )
    if spec.type == "choice":
        choices = [("", "—"), *[(choice, choice) for choice in spec.choices]]
        return forms.ChoiceField(choices=choices, **common)
    if spec.type == "boolean":
        return forms.BooleanField(**common)
    if spec.type == "email":
        return forms.EmailField(**common)
    if spec.type == "phone":
        return JapanesePhoneField(max_length=30, **common)
    raise ValueError(f"unknown field type {spec.type!r}")  # the definition checker refuses it


def application_form_class(track: Track, *, for_submission: bool) -> type[forms.Form]:
    """A form with the track's fields. A draft may leave required fields empty; the
    submission may not."""
    fields = {
        spec.code: _field_for(spec, required=spec.required and for_submission)
        for spec in track.definition.form
    }
    return type("ApplicationForm", (forms.Form,), fields)


def answers_from(cleaned: dict[str, Any]) -> dict[str, Any]:
    """Cleaned values as JSON: dates as ISO text, empty values left out."""
    answers: dict[str, Any] = {}
    for code, value in cleaned.items():
        if value in (None, "", False):
            continue
        answers[code] = value.isoformat() if isinstance(value, datetime.date) else value
    return answers


def missing_attachments(track: Track, codes: set[str]) -> list[rules.Attachment]:
    return [
        item for item in track.definition.attachments if item.required and item.code not in codes
    ]


def displayed_answers(track: Track, answers: dict[str, Any]) -> list[tuple[str, str]]:
    shown = []
    for spec in track.definition.form:
        value = answers.get(spec.code)
        if value is None:
            text = "—"
        elif spec.type == "yen":
            text = _("%(amount)s円") % {"amount": f"{int(value):,}"}
        elif spec.type == "boolean":
            text = _("はい") if value else _("いいえ")
        else:
            text = str(value)
        shown.append((spec.label, text))
    return shown


# -- the amount ---------------------------------------------------------------------------


class AmountError(ValueError):
    """The answers do not give a positive amount; the message says why."""


def requested_amount(track: Track, answers: dict[str, Any]) -> SubsidyResult:
    """The subsidy the answers ask for, by the track's formula (fields that `feeds` it)."""
    formula = track.definition.formula
    if formula is None:
        raise AmountError(_("この補助金には算定式が定められていません。"))
    inputs: dict[str, int] = {}
    for spec in track.definition.form:
        if spec.feeds in {"eligible_cost_yen", "other_grant_yen"} and spec.code in answers:
            inputs[spec.feeds] = int(answers[spec.code])
    if "eligible_cost_yen" not in inputs:
        raise AmountError(_("補助対象経費が入力されていません。"))
    try:
        result = subsidy_amount(formula, **inputs)
    except IncompleteFormula as error:
        raise AmountError(_("補助率が決まるまで受付できません。")) from error
    if not result.eligible:
        raise AmountError(result.reason)
    return result
