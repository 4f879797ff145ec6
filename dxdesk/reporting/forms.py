from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dxdesk.reporting.content import wareki
from dxdesk.reporting.models import (
    PLAIN_CHOICE_MEASURES,
    SAFETY_MEASURES,
    ChangeAnswer,
    MonthlyPrivacyReport,
    OccurrenceAnswer,
)
from dxdesk.reporting.schedule import Contract, ReportMonth

# Kept from one month to the next: the cover of the form changes rarely.
COVER_FIELDS = (
    "addressee",
    "reporter_address",
    "reporter_company",
    "reporter_representative",
    "contract_title",
    "contract_period",
)
TEXT_LIMIT = 2000


def _detail_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PrivacyReportAnswersForm(forms.Form):
    """The answers a person gives on the 別添: its cover, the eight measures, notes.

    Each measure is answered 変更なし or 変更あり (the eighth なし or あり); a change,
    an incident that happened and information assets carried need a description.
    """

    addressee = forms.CharField(
        label=_("宛先"), max_length=100, help_text=_("例：札幌市長（「様」は付けずに）")
    )
    reporter_address = forms.CharField(label=_("住所（受託者）"), max_length=200)
    reporter_company = forms.CharField(label=_("会社名"), max_length=200)
    reporter_representative = forms.CharField(label=_("代表者名"), max_length=100)
    contract_title = forms.CharField(label=_("委託業務名"), max_length=400)
    contract_period = forms.CharField(
        label=_("受託期間"), max_length=100, help_text=_("例：令和8年3月16日～令和9年2月28日")
    )
    incident_occurred = forms.ChoiceField(
        label=_("事件・事故の発生"),
        choices=OccurrenceAnswer.choices,
        widget=forms.RadioSelect,
    )
    incident_details = _detail_field(_("（発生した場合）事件・事故の状況"))
    transport_occurred = forms.ChoiceField(
        label=_("情報資産の搬送・持ち運びの実績"),
        choices=OccurrenceAnswer.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "紙・電子媒体で事務所の外へ持ち出したか。システムからの出力は別紙に集計しています。"
        ),
    )
    transport_details = _detail_field(_("（実績ある場合）概要"))
    other_notes = forms.CharField(
        label=_("2 その他特記事項等"),
        max_length=TEXT_LIMIT,
        initial=_("特になし"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, (key, wording) in enumerate(SAFETY_MEASURES, start=1):
            choices = ChangeAnswer.choices
            if key in PLAIN_CHOICE_MEASURES:
                choices = [(ChangeAnswer.UNCHANGED, _("なし")), (ChangeAnswer.CHANGED, _("あり"))]
            self.fields[key] = forms.ChoiceField(
                label=f"({number}) {wording}", choices=choices, widget=forms.RadioSelect
            )
            self.fields[f"{key}_detail"] = _detail_field(_("変更の内容"))

    def measure_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[key], self[f"{key}_detail"]) for key, _wording in SAFETY_MEASURES]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for key, wording in SAFETY_MEASURES:
            if data.get(key) == ChangeAnswer.CHANGED and not data.get(f"{key}_detail", "").strip():
                self.add_error(
                    f"{key}_detail",
                    _("「%(measure)s」を変更ありとした場合は、変更の内容を書いてください。")
                    % {"measure": wording},
                )
        if (
            data.get("incident_occurred") == OccurrenceAnswer.SOME
            and not data.get("incident_details", "").strip()
        ):
            self.add_error(
                "incident_details", _("事件・事故が発生した場合は、その状況を書いてください。")
            )
        if (
            data.get("transport_occurred") == OccurrenceAnswer.SOME
            and not data.get("transport_details", "").strip()
        ):
            self.add_error(
                "transport_details",
                _("搬送・持ち運びの実績がある場合は、その概要を書いてください。"),
            )
        return data

    def answers(self) -> dict[str, str]:
        """The cleaned answers as stored: every field, text stripped."""
        return {name: str(value).strip() for name, value in self.cleaned_data.items()}


def initial_answers(month: ReportMonth, report: MonthlyPrivacyReport | None) -> dict[str, str]:
    """The month's own answers; for a first answer, the cover of the latest month answered,
    else what the programme definitions say about the contract."""
    if report is not None and report.answers:
        return dict(report.answers)
    latest = (
        MonthlyPrivacyReport.objects.filter(answered_at__isnull=False)
        .order_by("-month")
        .values_list("answers", flat=True)
        .first()
    )
    if latest:
        return {name: latest[name] for name in COVER_FIELDS if name in latest}
    contract = Contract.from_programmes()
    initial = {"contract_title": "、".join(contract.titles)}
    if contract.starts_on and contract.ends_on:
        initial["contract_period"] = f"{wareki(contract.starts_on)}～{wareki(contract.ends_on)}"
    return initial
