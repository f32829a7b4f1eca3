"""Authenticator codes as a phone app makes them, for the load's virtual users.

RFC 6238 with SHA-1, 30-second steps and 6 digits: what django-otp's TOTPDevice checks with
the settings ``attune bench_accounts`` gives each benchmark authenticator. Kept apart from
the locustfile so the test suite can check it against django-otp without importing locust.
"""

from __future__ import annotations

import hashlib
import hmac
import struct

STEP_SECONDS = 30


def totp(key_hex: str, at: float) -> str:
    """The code for the time step that ``at`` (seconds since the epoch) falls in."""
    counter = struct.pack(">Q", int(at // STEP_SECONDS))
    digest = hmac.new(bytes.fromhex(key_hex), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def seconds_left_in_step(at: float) -> float:
    return STEP_SECONDS - at % STEP_SECONDS
