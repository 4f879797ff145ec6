"""What a grant track's definition says about intake: whether it is open, its form and
its required attachments, and the amount an application asks for.

Every rule here is read from the programme file (fields, validation, attachments,
intake dates, formula); nothing about one programme is written in code.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar

import jaconv
import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dxdesk.accounts.roles import shows_in_full
from dxdesk.funds.models import Fund
from dxdesk.lib import bank_accounts
from dxdesk.lib.bank_accounts import ACCOUNT_TYPES, BankAccount, BankAccountProblem
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


class BankAccountWidget(forms.MultiWidget):
    """Five inputs, each with its own label, posted as `<code>_bank`, `<code>_branch`…"""

    template_name = "grants/widgets/bank_account.html"
    PARTS: ClassVar[tuple[tuple[str, str, Any], ...]] = (
        # (input suffix, key in the stored answer, label)
        ("bank", "bank_code", gettext_lazy("銀行コード（4桁）")),
        ("branch", "branch_code", gettext_lazy("支店コード（3桁）")),
        ("type", "account_type", gettext_lazy("預金種目")),
        ("number", "account_number", gettext_lazy("口座番号（7桁）")),
        ("holder", "holder", gettext_lazy("口座名義（カナ）")),
    )

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        numeric = {"inputmode": "numeric", "autocomplete": "off"}
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "bank": forms.TextInput(attrs={**numeric, "size": 6}),
            "branch": forms.TextInput(attrs={**numeric, "size": 5}),
            "type": forms.Select(choices=[("", "—"), *ACCOUNT_TYPES.items()]),
            "number": forms.TextInput(attrs={**numeric, "size": 9}),
            "holder": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dict):
            return [value.get(key, "") for _suffix, key, _label in self.PARTS]
        return [None] * len(self.PARTS)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        labels = [label for _suffix, _key, label in self.PARTS]
        context["widget"]["parts"] = list(zip(labels, context["widget"]["subwidgets"], strict=True))
        return context


class BankAccountField(forms.MultiValueField):
    """振込先口座, checked against the 全銀 bank list and stored as `BankAccount.as_answer()`."""

    widget = BankAccountWidget

    def __init__(self, **kwargs: Any) -> None:
        parts = [
            forms.CharField(required=False, max_length=100) for _part in BankAccountWidget.PARTS
        ]
        super().__init__(fields=parts, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> dict[str, str] | None:
        if not data_list or not any(data_list):
            return None
        bank_code, branch_code, account_type, number, holder = data_list
        problems: list[str] = []

        def checked(check: Any, *args: str) -> str:
            try:
                return str(check(*args))
            except BankAccountProblem as problem:
                problems.append(str(problem))
                return ""

        bank = checked(bank_accounts.bank_name, bank_code)
        # A branch code means nothing without its bank.
        branch = checked(bank_accounts.branch_name, bank_code, branch_code) if bank else ""
        if account_type not in ACCOUNT_TYPES:
            problems.append(_("預金種目（普通・当座・貯蓄）を選んでください。"))
        account_number = checked(bank_accounts.account_number, number)
        holder_name = checked(bank_accounts.holder_name, holder)
        if problems:
            raise ValidationError(problems)
        return BankAccount(
            bank_code=bank_accounts.digits(bank_code),
            bank_name=bank,
            branch_code=bank_accounts.digits(branch_code),
            branch_name=branch,
            account_type=account_type,
            account_number=account_number,
            holder=holder_name,
        ).as_answer()


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
    if spec.type == "bank_account":
        return BankAccountField(
            help_text=_(
                "銀行コード・支店コードは通帳やキャッシュカードでご確認ください。"
                "口座名義は通帳の表記どおりカタカナで入力してください。"
            ),
            **common,
        )
    raise ValueError(f"unknown field type {spec.type!r}")  # the definition checker refuses it


class ApplicationForm(forms.Form):
    # Answers the viewer sees masked (`accounts.roles.shows_in_full`): their inputs start
    # empty, and an input left empty keeps what is stored.
    kept: dict[str, Any]
    # Codes of restricted answers the form shows in full, for the audit trail.
    in_full: list[str]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kept = {}
        self.in_full = []

    def answers(self) -> dict[str, Any]:
        """Cleaned values as JSON: dates as ISO text, empty values left out."""
        answers: dict[str, Any] = {}
        for code, value in self.cleaned_data.items():
            if value in (None, "", False):
                if code in self.kept:
                    answers[code] = self.kept[code]
                continue
            answers[code] = value.isoformat() if isinstance(value, datetime.date) else value
        return answers


def application_form_class(track: Track, *, for_submission: bool) -> type[ApplicationForm]:
    """A form with the track's fields. A draft may leave required fields empty; the
    submission may not."""
    return _form_class(track.definition.form, for_submission, translation.get_language())


@functools.lru_cache(maxsize=64)
def _form_class(
    specs: tuple[rules.FormField, ...], for_submission: bool, language: str | None
) -> type[ApplicationForm]:
    # Built once per form definition and language (help texts are translated when the
    # fields are made): every form instance works on deep copies of the class's fields.
    fields = {
        spec.code: _field_for(spec, required=spec.required and for_submission) for spec in specs
    }
    return type("TrackApplicationForm", (ApplicationForm,), fields)


def draft_form(
    track: Track,
    answers: dict[str, Any],
    *,
    viewer: object,
    own: bool,
    data: Mapping[str, Any] | None = None,
) -> ApplicationForm:
    """The draft's form filled with its answers, except those `viewer` sees masked."""
    masked = masked_codes(track, viewer, own=own)
    initial = {code: value for code, value in answers.items() if code not in masked}
    form = application_form_class(track, for_submission=False)(data, initial=initial)
    specs = {spec.code: spec for spec in track.definition.form}
    for code in masked & answers.keys():
        form.kept[code] = answers[code]
        stored = " ".join(_masked_text(specs[code], answers[code]).splitlines())
        form.fields[code].help_text = _(
            "登録済み: %(stored)s。変更するときだけ入力してください。"
        ) % {"stored": stored}
    form.in_full = _restricted_in_full(track, answers, masked)
    return form


def form_data(track: Track, answers: dict[str, Any]) -> dict[str, Any]:
    """Stored answers as the form would have them posted, to check them again."""
    data: dict[str, Any] = {}
    for spec in track.definition.form:
        value = answers.get(spec.code)
        if value is None:
            continue
        if spec.type == "bank_account" and isinstance(value, dict):
            for suffix, key, _label in BankAccountWidget.PARTS:
                data[f"{spec.code}_{suffix}"] = value.get(key, "")
        else:
            data[spec.code] = "on" if value is True else value
    return data


def missing_attachments(track: Track, codes: set[str]) -> list[rules.Attachment]:
    return [
        item for item in track.definition.attachments if item.required and item.code not in codes
    ]


def masked_codes(track: Track, viewer: object, *, own: bool) -> frozenset[str]:
    """The codes of the track's restricted fields `viewer` sees masked."""
    return frozenset(
        spec.code
        for spec in track.definition.form
        if spec.restricted and not shows_in_full(viewer, spec.restricted, own=own)
    )


def _restricted_in_full(track: Track, answers: dict[str, Any], masked: frozenset[str]) -> list[str]:
    return [
        spec.code
        for spec in track.definition.form
        if spec.restricted and spec.code not in masked and answers.get(spec.code) is not None
    ]


@dataclass(frozen=True)
class ShownAnswers:
    rows: list[tuple[str, str]]  # (label, text) in the form's order
    # Codes of restricted answers shown in full: the page records them in the audit trail.
    in_full: list[str] = field(default_factory=list)


def displayed_answers(
    track: Track, answers: dict[str, Any], *, viewer: object, own: bool
) -> ShownAnswers:
    """The answers as text, each restricted one masked unless `viewer` may see it."""
    masked = masked_codes(track, viewer, own=own)
    rows = []
    for spec in track.definition.form:
        value = answers.get(spec.code)
        if value is None:
            text = "—"
        elif spec.code in masked:
            text = _masked_text(spec, value)
        elif spec.type == "yen":
            text = _("%(amount)s円") % {"amount": f"{int(value):,}"}
        elif spec.type == "boolean":
            text = _("はい") if value else _("いいえ")
        elif spec.type == "bank_account":
            text = BankAccount.from_answer(value).text()
        else:
            text = str(value)
        rows.append((spec.label, text))
    return ShownAnswers(rows, _restricted_in_full(track, answers, masked))


def _masked_text(spec: rules.FormField, value: Any) -> str:
    # A bank account keeps what a caller needs to recognise it (bank, branch, ****567).
    if spec.type == "bank_account" and isinstance(value, dict):
        return BankAccount.from_answer(value).masked_text()
    return _("（閲覧権限がないため表示しません）")


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
