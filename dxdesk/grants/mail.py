"""The account mails: address verification and invitations, each a one-time link."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from dxdesk.accounts.models import User
from dxdesk.grants.actions import account_tokens
from dxdesk.grants.models import Applicant
from dxdesk.lib.mail import send_notice


def _link(request: HttpRequest, name: str, user: User) -> str:
    path = reverse(
        name, args=[urlsafe_base64_encode(force_bytes(user.pk)), account_tokens.make_token(user)]
    )
    return request.build_absolute_uri(path)


def send_verification(request: HttpRequest, user: User) -> None:
    send_notice(
        _("【中小企業DX支援ポータル】メールアドレスの確認"),
        _(
            "申請者登録のお申込みありがとうございます。\n"
            "次のリンクを開き、メールアドレスの確認を完了してください（有効期限があります）。\n\n"
            "%(link)s\n\nお心当たりがない場合は、このメールを破棄してください。"
        )
        % {"link": _link(request, "grants:verify_email", user)},
        [user.email],
    )


def send_invitation(request: HttpRequest, user: User, applicant: Applicant) -> None:
    send_notice(
        _("【中小企業DX支援ポータル】%(name)s の申請者アカウントへの招待")
        % {"name": applicant.name},
        _(
            "%(name)s の申請者アカウントに招待されました。\n"
            "次のリンクを開いてパスワードを設定してください（有効期限があります）。\n\n%(link)s"
        )
        % {"name": applicant.name, "link": _link(request, "grants:accept_invitation", user)},
        [user.email],
    )
