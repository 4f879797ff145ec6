from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dxdesk.accounts.access import public, signed_in, staff_required
from dxdesk.accounts.forms import SecondFactorForm, SignInForm
from dxdesk.accounts.second_factor import (
    confirmed_device,
    pending_device,
    qr_code_svg,
    second_factor_missing,
    second_factor_url,
    secret_text,
    verify_code,
)


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        """After the password, staff go on to their second factor."""
        next_url = super().get_success_url()
        if second_factor_missing(self.request):
            return second_factor_url(self.request.user, next_url)
        return next_url


sign_in = public(SignInView.as_view())

# Password reset for everyone: the link goes to the address on the account, the page
# answers the same whether or not the address is registered, and the token dies when
# the password changes. Staff still need their second factor after a reset.
password_reset = public(
    auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_sent"),
    )
)
password_reset_sent = public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html")
)
password_reset_confirm = public(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    return auth_views.LogoutView.as_view()(request)


@signed_in
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if not second_factor_missing(request):
        return redirect(next_url)
    device = confirmed_device(request.user)
    if device is None:
        return redirect(second_factor_url(request.user, next_url))
    if _locked_out(request):
        return locked_out(request)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if verify_code(request, device, form.cleaned_data["token"]):
            return redirect(next_url)
        form.add_error(
            "token", _("確認コードが正しくありません。時刻が合っているかも確かめてください。")
        )
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@signed_in
@require_http_methods(["GET", "POST"])
def otp_enrol(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if not second_factor_missing(request):
        return redirect(next_url)
    if confirmed_device(request.user) is not None:
        return redirect(second_factor_url(request.user, next_url))
    if _locked_out(request):
        return locked_out(request)
    device = pending_device(request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if verify_code(request, device, form.cleaned_data["token"]):
            messages.success(
                request,
                _("認証アプリを登録しました。次回からログインの際に確認コードを入力します。"),
            )
            return redirect(next_url)
        form.add_error(
            "token", _("確認コードが正しくありません。読み取り直してからお試しください。")
        )
    # The SVG is drawn by qrcode from the device's own URL: paths only, no text.
    qr_svg = mark_safe(qr_code_svg(device))  # noqa: S308  # nosec B308 B703
    context = {"form": form, "next": next_url, "qr_svg": qr_svg, "secret": secret_text(device)}
    return render(request, "accounts/otp_enrol.html", context)


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in: the sign-in page saying why (429)."""
    if request.user.is_authenticated:
        logout(request)
    context = {
        "form": SignInForm(request),
        "locked_out": True,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "accounts/sign_in.html", context, status=429)


@signed_in
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Where signing in lands: the staff area for staff, the portal for applicants."""
    if request.user.is_secretariat:  # type: ignore[union-attr]
        return redirect("staff_home")
    return redirect("grants:my_page")


@staff_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/staff_home.html")


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _locked_out(request: HttpRequest) -> bool:
    return AxesProxyHandler.is_locked(request, {"username": request.user.get_username()})
