from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from dxdesk.grants.intake import JapanesePhoneField
from dxdesk.grants.models import Channel
from dxdesk.registry.corporate_number import corporate_number_problem, normalise_corporate_number


class SignUpForm(forms.Form):
    company_name = forms.CharField(label=_("商号又は名称"), max_length=200)
    corporate_number = forms.CharField(
        label=_("法人番号"),
        max_length=20,
        required=False,
        help_text=_("13桁。個人事業主の方は空欄にしてください。"),
    )
    address = forms.CharField(label=_("所在地"), max_length=300)
    phone = JapanesePhoneField(label=_("電話番号"), max_length=30)
    full_name = forms.CharField(label=_("ご担当者の氏名"), max_length=100)
    email = forms.EmailField(label=_("メールアドレス"))
    password = forms.CharField(
        label=_("パスワード"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password_again = forms.CharField(
        label=_("パスワード（確認）"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_corporate_number(self) -> str:
        number = normalise_corporate_number(self.cleaned_data["corporate_number"] or "")
        if number:
            problem = corporate_number_problem(number)
            if problem is not None:
                raise forms.ValidationError(problem.message)
        return number

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if password and password != cleaned.get("password_again"):
            self.add_error("password_again", _("パスワードが一致しません。"))
        elif password:
            try:
                password_validation.validate_password(password)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("氏名"), max_length=100)
    email = forms.EmailField(label=_("メールアドレス"))


class AttachmentForm(forms.Form):
    code = forms.ChoiceField(label=_("書類の種類"))
    upload = forms.FileField(label=_("ファイル"))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = choices


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("メッセージ"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("取下げの理由"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(label=_("この申請を取り下げます（元に戻せません）"))


class KeyInForm(forms.Form):
    """Staff open an application for a company that applied by phone, mail or on paper."""

    track = forms.ModelChoiceField(label=_("補助金"), queryset=None)  # type: ignore[arg-type]
    channel = forms.ChoiceField(
        label=_("受付経路"),
        choices=[(value, label) for value, label in Channel.choices if value != Channel.PORTAL],
    )

    def __init__(self, *args: Any, tracks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = tracks  # type: ignore[attr-defined]
