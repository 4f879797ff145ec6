"""Test helpers: authenticator devices and sessions that have passed the second factor."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dxdesk.accounts.models import User


def device_for(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def code_now(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The code the user's app shows now (or `offset_steps` periods away)."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset_steps)
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = code_now(device)
    return "000000" if right != "000000" else "111111"


def verified_client_for(user: User | None) -> Client:
    """A client signed in as `user` with the second factor passed (staff) as after sign-in."""
    client = Client()
    if user is None:
        return client
    client.force_login(user)
    if user.is_secretariat:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
        session.save()
    return client
