"""Helpers for the browser tests: people to sign in as, and their authenticator codes.

The functions that touch the database must run outside a ``with visit()`` block
(see conftest.py); the code helpers touch nothing but the clock.
"""

from __future__ import annotations

import base64
import secrets
import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from attune.accounts.models import Team, User
from attune.accounts.roles import Role
from attune.accounts.tests.factories import MembershipFactory, TeamFactory, UserFactory

TOTP_STEP = 30
# Attune accepts only the current 30-second code (tolerance 0): never start typing a
# code that has less than this long left to live.
MIN_SECONDS_LEFT = 3


def make_team(name: str) -> Team:
    team: Team = TeamFactory.create(name=name)
    return team


def member(role: Role, team: Team | None = None, **user_fields: object) -> User:
    """A user with one active role in a team."""
    user: User = UserFactory.create(**user_fields)
    MembershipFactory.create(user=user, team=team or TeamFactory.create(), role=role)
    return user


def give_authenticator(user: User) -> bytes:
    """A confirmed authenticator app with a key the test knows, as after enrolment."""
    key = secrets.token_bytes(20)
    TOTPDevice.objects.create(
        user=user, name="Authenticator app", key=key.hex(), confirmed=True, tolerance=0
    )
    return key


def key_from_manual_entry(text: str) -> bytes:
    """The secret behind the set-up page's "key to type instead" (base32 in groups of 4)."""
    compact = "".join(text.split()).upper()
    return base64.b32decode(compact + "=" * (-len(compact) % 8))


def authenticator_code(key: bytes) -> str:
    """The 6-digit code an authenticator app shows now for this key.

    If the current 30-second window is about to end, wait for the next one so the
    code is still current when the server checks it."""
    seconds_left = TOTP_STEP - time.time() % TOTP_STEP
    if seconds_left < MIN_SECONDS_LEFT:
        time.sleep(seconds_left + 0.05)
    totp = TOTP(key, step=TOTP_STEP, t0=0, digits=6, drift=0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def wrong_code(right: str) -> str:
    """A well-formed 6-digit code that is not the right one."""
    return f"{(int(right) + 1) % 1_000_000:06d}"
