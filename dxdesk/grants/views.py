"""The applicant's side: the grants on offer, sign-up, My Page and the application form.

Every application URL is fetched through `Application.objects.visible_to(user)`, so
another company's application, attachment or message answers 404 — the same as one that
does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dxdesk.accounts.access import public, roles_required
from dxdesk.accounts.models import User
from dxdesk.accounts.roles import Role
from dxdesk.grants import actions, editing
from dxdesk.grants.forms import InviteForm, SignUpForm
from dxdesk.grants.mail import send_invitation, send_verification
from dxdesk.grants.models import Application, applicant_of
from dxdesk.grants.queries import grant_tracks_on_offer
from dxdesk.programs.models import Track

applicants_only = roles_required(Role.APPLICANT)


@public
@require_GET
def grant_list(request: HttpRequest) -> HttpResponse:
    return render(request, "grants/grant_list.html", {"offers": grant_tracks_on_offer()})


@public
@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = actions.sign_up(
            email=data["email"],
            password=data["password"],
            full_name=data["full_name"],
            company_name=data["company_name"],
            corporate_number=data["corporate_number"],
            phone=data["phone"],
            address=data["address"],
        )
        if user is not None:
            send_verification(request, user)
        return redirect("grants:sign_up_sent")
    return render(request, "grants/sign_up.html", {"form": form})


@public
@require_GET
def sign_up_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "grants/sign_up_sent.html")


def _user_from_link(uidb64: str, token: str) -> User | None:
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        return None
    return user if actions.account_tokens.check_token(user, token) else None


@public
@require_http_methods(["GET", "POST"])
def verify_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link only shows a button: mail scanners that follow links change nothing."""
    user = _user_from_link(uidb64, token)
    if user is None:
        return render(request, "grants/link_invalid.html", status=400)
    if request.method == "POST":
        actions.verify_email(user)
        messages.success(request, _("メールアドレスを確認しました。ログインしてください。"))
        return redirect("accounts:login")
    return render(request, "grants/verify_email.html", {"email": user.email})


@public
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    from django.contrib.auth.forms import SetPasswordForm

    user = _user_from_link(uidb64, token)
    if user is None:
        return render(request, "grants/link_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.accept_invitation(user, form.cleaned_data["new_password1"])
        messages.success(request, _("パスワードを設定しました。ログインしてください。"))
        return redirect("accounts:login")
    return render(request, "grants/accept_invitation.html", {"form": form, "email": user.email})


@applicants_only
@require_GET
def my_page(request: HttpRequest) -> HttpResponse:
    applicant = applicant_of(request.user)
    applications = (
        Application.objects.visible_to(request.user)
        .select_related("track__program", "fund_request")
        .order_by("-created_at")
    )
    started = {
        application.track_id for application in applications if application.state != "withdrawn"
    }
    offers = [offer for offer in grant_tracks_on_offer() if offer.track.pk not in started]
    return render(
        request,
        "grants/my_page.html",
        {"applicant": applicant, "applications": applications, "offers": offers},
    )


@applicants_only
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest) -> HttpResponse:
    applicant = applicant_of(request.user)
    if applicant is None:
        raise Http404
    is_manager = request.user.applicant_membership.is_manager  # type: ignore[union-attr]
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if not is_manager:
            messages.error(request, _("利用者の招待は管理者のみが行えます。"))
        elif form.is_valid():
            try:
                invited = actions.invite_member(applicant, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            except actions.ApplicationRefused as refusal:
                form.add_error("email", str(refusal))
            else:
                send_invitation(request, invited, applicant)
                messages.success(request, _("招待メールを送信しました。"))
                return redirect("grants:members")
    people = applicant.members.select_related("user").order_by("created_at")
    return render(
        request,
        "grants/members.html",
        {"applicant": applicant, "people": people, "form": form, "is_manager": is_manager},
    )


@applicants_only
@require_POST
def start(request: HttpRequest, track_id: int) -> HttpResponse:
    applicant = applicant_of(request.user)
    track = get_object_or_404(Track.objects.select_related("pool__fund"), pk=track_id, kind="grant")
    if applicant is None or applicant.company is None:
        raise Http404
    try:
        application = actions.start_application(
            track,
            company=applicant.company,
            applicant=applicant,
            by=request.user,
            request=request,  # type: ignore[arg-type]
        )
    except actions.ApplicationRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("grants:my_page")
    return redirect("grants:edit", application_id=application.pk)


# What the application's pages show. The changes that answer with a redirect join only
# what their action reads: the track's rules (its programme) and, to submit, the pool.
SHOWN = ("track__program", "track__pool__fund", "fund_request", "company")
UPLOADING = ("track__program",)
SUBMITTING = ("track__program", "track__pool__fund")


def _mine(
    request: HttpRequest, application_id: int, related: tuple[str, ...] = SHOWN
) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related(*related),
        pk=application_id,
    )


@applicants_only
@require_GET
def detail(request: HttpRequest, application_id: int) -> HttpResponse:
    return editing.detail_page(request, _mine(request, application_id), editing.APPLICANT_SIDE)


@applicants_only
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, application_id: int) -> HttpResponse:
    return editing.edit_page(request, _mine(request, application_id), editing.APPLICANT_SIDE)


@applicants_only
@require_POST
def upload(request: HttpRequest, application_id: int) -> HttpResponse:
    return editing.upload(
        request, _mine(request, application_id, UPLOADING), editing.APPLICANT_SIDE
    )


@applicants_only
@require_GET
def download(request: HttpRequest, application_id: int, attachment_id: int) -> HttpResponse:
    return editing.download(
        request, _mine(request, application_id), attachment_id, editing.APPLICANT_SIDE
    )


@applicants_only
@require_POST
def remove_attachment(
    request: HttpRequest, application_id: int, attachment_id: int
) -> HttpResponse:
    return editing.remove_attachment(
        request, _mine(request, application_id), attachment_id, editing.APPLICANT_SIDE
    )


@applicants_only
@require_GET
def confirm(request: HttpRequest, application_id: int) -> HttpResponse:
    return editing.confirm_page(request, _mine(request, application_id), editing.APPLICANT_SIDE)


@applicants_only
@require_POST
def submit(request: HttpRequest, application_id: int) -> HttpResponse:
    return editing.submit(
        request, _mine(request, application_id, SUBMITTING), editing.APPLICANT_SIDE
    )


@applicants_only
@require_POST
def withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    return editing.withdraw(request, _mine(request, application_id), editing.APPLICANT_SIDE)


@applicants_only
@require_POST
def message(request: HttpRequest, application_id: int) -> HttpResponse:
    return editing.message(request, _mine(request, application_id), editing.APPLICANT_SIDE)
