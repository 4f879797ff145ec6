"""The second factor for staff (R-SEC-3): TOTP devices, enrolment and verification.

Every secretariat role signs in with a password and then a six-digit code from an
authenticator app, unless `settings.DEMO_MODE`. Applicants sign in with a password
only. A session that has passed the password but not the code is "half signed in":
the staff-area decorators (`dxdesk.accounts.access`) send it to verification.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.urls import reverse
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

# Marks a failed code in user_login_failed's credentials (the audit trail notes it).
SECOND_FACTOR_CREDENTIAL = "second_factor"


def second_factor_required(user: Any) -> bool:
    return (
        not settings.DEMO_MODE
        and user is not None
        and user.is_authenticated
        and user.is_secretariat
    )


def second_factor_missing(request: HttpRequest) -> bool:
    """Whether this session still owes its second factor."""
    user = request.user
    if not second_factor_required(user):
        return False
    is_verified = getattr(user, "is_verified", None)  # set by django_otp's middleware
    return not (is_verified is not None and is_verified())


def second_factor_url(user: Any, next_url: str) -> str:
    """Where a half-signed-in user goes next: enrolment the first time, else the code."""
    name = "accounts:otp_verify" if confirmed_device(user) else "accounts:otp_enrol"
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def pending_device(user: Any) -> TOTPDevice:
    """The device being enrolled: the same secret until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage)
    return image.to_string(encoding="unicode")


def verify_code(request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """Check a code against the device; on success the session is verified.

    django-otp slows repeated failures down on the device; each failure also counts
    towards the sign-in lockout (django-axes) through user_login_failed, which is how
    the audit trail hears of it too.
    """
    if device.verify_token(code):
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
        return True
    user_login_failed.send(
        sender=__name__,
        credentials={"username": request.user.get_username(), SECOND_FACTOR_CREDENTIAL: True},
        request=request,
    )
    return False


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The name the lockout counts failures under: the email as typed, folded to lower case.

    (Without folding, "Boss@" and "boss@" would each get their own five tries.)
    """
    if credentials and credentials.get("username"):
        return str(credentials["username"]).strip().lower()
    return str(request.POST.get("username", "")).strip().lower()
