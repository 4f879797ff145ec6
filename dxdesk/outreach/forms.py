from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxdesk.accounts.models import User
from dxdesk.outreach.actions import CallReport
from dxdesk.outreach.models import CallAttempt, CampaignSource
from dxdesk.outreach.playbook import Playbook
from dxdesk.programs.models import Track, TrackKind
from dxdesk.registry.actions import store_upload
from dxdesk.registry.forms import CompanySearchForm
from dxdesk.registry.importing import Table, UnreadableFile, read_table


class DateInput(forms.DateInput):
    input_type = "date"


class CampaignForm(forms.Form):
    track = forms.ModelChoiceField(
        label=_("事業・架電トラック"),
        queryset=Track.objects.filter(kind=TrackKind.OUTREACH).select_related("program"),
    )
    title = forms.CharField(label=_("キャンペーン名"), max_length=200)
    starts_on = forms.DateField(label=_("架電開始日"), widget=DateInput)
    ends_on = forms.DateField(
        label=_("架電終了予定日"),
        widget=DateInput,
        help_text=_("1日に必要な架電数はこの日までに終える前提で計算します"),
    )
    source = forms.ChoiceField(
        label=_("対象の選び方"),
        choices=CampaignSource.choices,
        initial=CampaignSource.REGISTRY,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("架電リスト"),
        required=False,
        help_text=_(
            "「リストを取込」のとき: CSV（UTF-8・Shift_JIS）または Excel。企業台帳にも取り込みます"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["track"].label_from_instance = lambda track: (
            f"{track.program.title} — {track.title}"
        )
        self.table: Table | None = None
        self.stored_path: Path | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("終了予定日は開始日以降にしてください"))
        track = data.get("track")
        if track is not None and track.definition.calls is None:
            self.add_error("track", _("このトラックには架電ルールがありません"))
        if data.get("source") == CampaignSource.LIST:
            self._read_upload(data.get("file"))
        return data

    def _read_upload(self, upload: Any) -> None:
        if upload is None:
            self.add_error("file", _("リストのファイルを指定してください"))
            return
        path = store_upload(upload.name, upload.chunks())
        try:
            self.table = read_table(path)
        except UnreadableFile as error:
            path.unlink(missing_ok=True)
            self.add_error("file", str(error).replace(path.name, upload.name))
            return
        self.stored_path = path

    def campaign_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in ("track", "title", "starts_on", "ends_on")
        }

    def list_fields(self) -> dict[str, Any]:
        return {
            **self.campaign_fields(),
            "table": self.table,
            "file_name": self.cleaned_data["file"].name,
            "stored_path": str(self.stored_path),
        }


def describe_selection(selection: CompanySearchForm) -> str:
    """The registry filters a campaign was made from, as one line for the record."""
    if not selection.is_valid():
        return ""
    parts = []
    for name, value in selection.cleaned_data.items():
        if value:
            parts.append(f"{selection.fields[name].label}: {value}")
    return "、".join(parts) or str(_("企業台帳の全件"))


_DURATION = re.compile(r"^\s*(?:(\d{1,3})\s*[:：分]\s*)?(\d{1,5})\s*秒?\s*$")


class CallForm(forms.Form):
    """The one form an operator fills in per call (R-OUT-4), in keyboard order."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    script = forms.CharField(widget=forms.HiddenInput, required=False)
    # A list box rather than radio buttons: typing an option's number selects it in any
    # browser, with no script, while Alt+digit is taken by the browser's own tab keys.
    outcome = forms.ChoiceField(
        label=_("結果"),
        help_text=_("番号キーで選択"),
        widget=forms.Select(attrs={"autofocus": True}),
    )
    person_reached = forms.CharField(label=_("応対者"), max_length=100, required=False)
    content = forms.CharField(
        label=_("会話内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    needs = forms.CharField(
        label=_("ニーズ"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    callback_at = forms.DateTimeField(
        label=_("折り返し予定日時"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("結果が「折り返し」のとき必須。営業日の架電時間帯で指定"),
    )
    duration = forms.CharField(
        label=_("通話時間"),
        required=False,
        max_length=12,
        help_text=_("「3:20」または秒数。空欄なら画面を開いていた時間"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 8}),
    )

    def __init__(self, *args: Any, playbook: Playbook, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.playbook = playbook
        choices = [
            (code, f"{number % 10} {outcome.title}" if number <= 10 else outcome.title)
            for number, (code, outcome) in enumerate(playbook.outcomes.items(), 1)
        ]
        self.fields["outcome"].choices = choices
        self.fields["outcome"].widget.attrs["size"] = len(choices)

    def clean_duration(self) -> int | None:
        text = self.cleaned_data["duration"].strip()
        if not text:
            return None
        match = _DURATION.match(text)
        if match is None:
            raise forms.ValidationError(_("「3:20」（分:秒）または秒数で入力してください"))
        minutes, seconds = match.groups()
        return int(minutes or 0) * 60 + int(seconds)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        outcome = self.playbook.outcomes.get(data.get("outcome", ""))
        if outcome is None:
            return data
        if (outcome.callback or outcome.route_to or outcome.refer_to) and not data.get(
            "person_reached", ""
        ).strip():
            self.add_error("person_reached", _("この結果では応対者の記録が必要です"))
        if outcome.callback:
            self._check_callback(data.get("callback_at"))
        return data

    def _check_callback(self, moment: datetime.datetime | None) -> None:
        if moment is None:
            self.add_error("callback_at", _("折り返しの日時を入力してください"))
        elif moment <= timezone.now():
            self.add_error("callback_at", _("これから先の日時を入力してください"))
        elif self.playbook.schedule.band_at(moment) is None:
            self.add_error("callback_at", _("営業日の架電時間帯の日時を入力してください"))

    def report(self) -> CallReport:
        data = self.cleaned_data
        outcome = self.playbook.outcomes[data["outcome"]]
        return CallReport(
            outcome=data["outcome"],
            duration_seconds=data["duration"],
            person_reached=data["person_reached"],
            content=data["content"],
            needs=data["needs"],
            callback_at=data["callback_at"] if outcome.callback else None,
            script=data["script"],
        )


class CallLogSearchForm(forms.Form):
    q = forms.CharField(
        label=_("企業"),
        required=False,
        help_text=_("名称・フリガナ・電話番号・法人番号"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    outcome = forms.ChoiceField(label=_("結果"), required=False)
    caller = forms.ModelChoiceField(
        label=_("オペレーター"), required=False, queryset=User.objects.none()
    )
    day_from = forms.DateField(label=_("架電日（から）"), required=False, widget=DateInput)
    day_to = forms.DateField(label=_("架電日（まで）"), required=False, widget=DateInput)

    def __init__(self, *args: Any, playbook: Playbook, campaign_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [
            ("", _("すべて")),
            *[(code, outcome.title) for code, outcome in playbook.outcomes.items()],
        ]
        callers = CallAttempt.objects.filter(campaign_id=campaign_id).values("caller_id")
        self.fields["caller"].queryset = User.objects.filter(pk__in=callers).order_by("full_name")
