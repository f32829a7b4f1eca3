"""The MFA rule: every account needs a verified second factor to use Attune.

The one exception is demo mode, for the seeded demo accounts only; the
settings module refuses demo mode under production settings.
"""

from __future__ import annotations

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from attune.accounts.models import User


def demo_waiver_applies(user: User) -> bool:
    return bool(settings.DEMO_MODE and not settings.PRODUCTION and user.is_demo)


def is_satisfied(request_user: User) -> bool:
    """True when the signed-in user may use protected pages."""
    if demo_waiver_applies(request_user):
        return True
    # OTPMiddleware adds is_verified(); a user object fresh from the password check has
    # none yet, and is by definition not verified.
    is_verified = getattr(request_user, "is_verified", None)
    return bool(is_verified and is_verified())


def has_confirmed_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
