from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from dxdesk.audit.models import AuditAction
from dxdesk.lib.dates import day_bounds


def object_type_choices() -> list[tuple[str, str]]:
    models = sorted(apps.get_models(), key=lambda model: model._meta.label_lower)
    return [("", str(_("すべて")))] + [
        (model._meta.label_lower, f"{model._meta.verbose_name}（{model._meta.label_lower}）")
        for model in models
    ]


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("開始日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("終了日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    user = forms.CharField(
        label=_("利用者"),
        required=False,
        max_length=254,
        help_text=_("メールアドレス（一部でも可）"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("すべて")), *AuditAction.choices]
    )
    # Every model, read when the form is made (so apps loaded later are in).
    object_type = forms.ChoiceField(
        label=_("対象の種類"), required=False, choices=object_type_choices
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("開始日は終了日以前にしてください。"))
        return data

    def filter(self, events: Any) -> Any:
        """The events matching the filter; none when the filter itself is wrong."""
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        # Dates are days in Asia/Tokyo, both ends included.
        if data["date_from"]:
            events = events.filter(occurred_at__gte=day_bounds(data["date_from"])[0])
        if data["date_to"]:
            events = events.filter(occurred_at__lt=day_bounds(data["date_to"])[1])
        if data["user"]:
            events = events.filter(user_email__icontains=data["user"].strip())
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"])
        return events
