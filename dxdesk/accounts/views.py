from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from dxdesk.accounts.access import public, signed_in, staff_required
from dxdesk.accounts.forms import SignInForm

sign_in = public(
    auth_views.LoginView.as_view(
        template_name="accounts/sign_in.html",
        authentication_form=SignInForm,
        redirect_authenticated_user=True,
    )
)


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    return auth_views.LogoutView.as_view()(request)


@signed_in
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Where signing in lands: the staff area for staff, the portal for applicants."""
    if request.user.is_secretariat:  # type: ignore[union-attr]
        return redirect("staff_home")
    return redirect("portal:home")


@staff_required
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/staff_home.html")
