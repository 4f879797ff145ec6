from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dxdesk.registry.corporate_number import corporate_number_problem, normalise_corporate_number
from dxdesk.registry.industries import INDUSTRY_DIVISIONS
from dxdesk.registry.models import SAPPORO_WARDS, Company, Contact, SizeClass


class CompanySearchForm(forms.Form):
    q = forms.CharField(
        label=_("検索"),
        required=False,
        help_text=_(
            "名称（株式会社・(株)の有無や表記ゆれを問わず）、フリガナ、法人番号、電話番号、住所"
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    industry = forms.ChoiceField(label=_("業種"), required=False)
    size = forms.ChoiceField(
        label=_("中小企業区分"), required=False, choices=[("", _("すべて")), *SizeClass.choices]
    )
    ward = forms.ChoiceField(
        label=_("区"), required=False, choices=[("", _("すべて")), *[(w, w) for w in SAPPORO_WARDS]]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = [
            ("", _("すべて")),
            *[(code, f"{code} {name}") for code, name in INDUSTRY_DIVISIONS.items()],
        ]

    def filter(self, companies: Any) -> Any:
        if not self.is_valid():
            return companies.none()
        data = self.cleaned_data
        if data["q"]:
            companies = companies.search(data["q"])
        if data["industry"]:
            companies = companies.filter(industry_division=data["industry"])
        if data["size"]:
            companies = companies.filter(size_class=data["size"])
        if data["ward"]:
            companies = companies.filter(ward=data["ward"])
        return companies


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = [
            "ref",
            "corporate_number",
            "name",
            "name_kana",
            "sole_proprietor",
            "postal_code",
            "address",
            "phone",
            "email",
            "representative",
            "industry_code",
            "industry_text",
            "capital_yen",
            "employees",
            "do_not_call",
            "consents_to_contact",
            "notes",
        ]
        help_texts = {
            "corporate_number": _("13桁。先頭はチェックデジットです。個人事業主は空欄"),
            "industry_code": _("日本標準産業分類のコード（例: E、G391）"),
        }

    def clean_corporate_number(self) -> str:
        number = normalise_corporate_number(self.cleaned_data["corporate_number"] or "")
        if not number:
            return ""
        problem = corporate_number_problem(number)
        if problem is not None:
            raise forms.ValidationError(problem.message)
        clash = Company.objects.filter(corporate_number=number).exclude(pk=self.instance.pk).first()
        if clash is not None:
            raise forms.ValidationError(
                _("この法人番号は登録済みです（%(name)s）") % {"name": clash.name}
            )
        return number

    def clean_ref(self) -> str:
        ref = (self.cleaned_data["ref"] or "").strip()
        if ref and Company.objects.filter(ref=ref).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("この管理番号は登録済みです"))
        return ref


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email", "is_representative", "notes"]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("ファイル"),
        help_text=_(
            "CSV（UTF-8・Shift_JIS）、Excel（.xlsx）、法人番号公表サイトの全件データ（CSV）"
        ),
    )
    dry_run = forms.BooleanField(label=_("確認のみ（取り込まない）"), required=False)


class SurvivorForm(forms.Form):
    """Which company of a 名寄せ pair stays; the other is merged into it."""

    survivor = forms.TypedChoiceField(
        label=_("残す企業"),
        coerce=int,
        error_messages={
            "required": _("残す企業を選んでください。"),
            "invalid_choice": _("残す企業はこの候補の二社のどちらかを選んでください。"),
        },
    )

    def __init__(self, first_id: int, second_id: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = [(first_id, first_id), (second_id, second_id)]
