"""Second-factor helpers: authenticator QR codes and checking a typed code."""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from attune.accounts.models import User

ENROLMENT_SESSION_KEY = "attune_enrolment_device"


@dataclass(frozen=True)
class Verification:
    device: TOTPDevice | StaticDevice | None
    method: str = ""
    message: str = ""


_WRONG_CODE = "That code is not right, or it was used already. Enter the newest code from your app."


def verify_second_factor(user: User, code: str) -> Verification:
    """Check a 6-digit authenticator code, or a recovery code (each works once)."""
    if code.isdigit() and len(code) == 6:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            return Verification(None, message=_WRONG_CODE)
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            return Verification(
                None, message="Too many codes were not right. Wait a minute and try again."
            )
        if device.verify_token(code):  # refuses a code already used (last_t)
            return Verification(device, "authenticator")
        return Verification(None, message=_WRONG_CODE)
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(code):  # a used recovery code is deleted
            return Verification(static, "recovery_code")
    return Verification(None, message=_WRONG_CODE)


def pending_enrolment_device(request: HttpRequest) -> TOTPDevice:
    """An unsaved authenticator for this enrolment; its key waits in the session.

    Nothing is written until the user proves the app works (no change on GET)."""
    key = request.session.get(ENROLMENT_SESSION_KEY)
    if not key:
        key = default_key()
        request.session[ENROLMENT_SESSION_KEY] = key
    return TOTPDevice(user=request.user, key=key, tolerance=settings.ATTUNE_TOTP_TOLERANCE)


def check_enrolment_code(device: TOTPDevice, code: str) -> int | None:
    """The time step the code belongs to, or None when it is not the app's current code."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.verify(int(code), device.tolerance):
        return int(totp.t())
    return None


def manual_entry_key(device: TOTPDevice) -> str:
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def authenticator_qr_svg(device: TOTPDevice) -> SafeString:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    svg = svg[svg.index("<svg") :]
    # The SVG is built by qrcode from our own URI, never from user input.
    return mark_safe(  # noqa: S308
        svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1)
    )


def remaining_recovery_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
