"""Sign-in, sign-out and failed sign-ins, from django.contrib.auth's signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from dxdesk.accounts.second_factor import SECOND_FACTOR_CREDENTIAL
from dxdesk.audit.actions import record_event
from dxdesk.audit.models import AuditAction


def connect() -> None:
    user_logged_in.connect(on_signed_in, dispatch_uid="dxdesk-audit-sign-in")
    user_logged_out.connect(on_signed_out, dispatch_uid="dxdesk-audit-sign-out")
    user_login_failed.connect(on_sign_in_failed, dispatch_uid="dxdesk-audit-sign-in-failed")


def on_signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record_event(request, AuditAction.SIGN_IN, actor=user)


def on_signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(request, AuditAction.SIGN_OUT, actor=user)


def on_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only a known account is named: what was typed into the user name box may be a
    # password typed in the wrong box, and this table is never cleaned.
    username = str(credentials.get("username") or "").strip()
    user = get_user_model().objects.filter(email__iexact=username).first() if username else None
    reasons = []
    if user is None:
        reasons.append("未登録のメールアドレス")
    if credentials.get(SECOND_FACTOR_CREDENTIAL):
        reasons.append("確認コードの誤り")
    if getattr(request, "axes_locked_out", False):
        reasons.append("ロック中")
    record_event(request, AuditAction.SIGN_IN_FAILED, note="・".join(reasons), actor=user)
