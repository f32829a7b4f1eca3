"""NHS numbers: the modulus-11 check, and synthetic numbers from the test range.

The check digit rule is from the NHS Data Dictionary ("NHS Number"). Numbers
beginning 999 are never issued to patients, so synthetic data uses only them.
"""

from __future__ import annotations

import random

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
TEST_RANGE_PREFIX = "999"


def normalise(value: str) -> str:
    return "".join(ch for ch in value if not ch.isspace() and ch != "-")


def check_digit(first_nine: str) -> int | None:
    """The tenth digit for nine digits, or None when no valid number exists (remainder 10)."""
    total = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS, strict=True))
    digit = 11 - (total % 11)
    if digit == 11:
        return 0
    if digit == 10:
        return None
    return digit


def is_valid(value: str) -> bool:
    digits = normalise(value)
    if len(digits) != 10 or not digits.isdigit():
        return False
    return check_digit(digits[:9]) == int(digits[9])


def format_nhs_number(value: str) -> str:
    digits = normalise(value)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


TEST_RANGE_SIZE = 1_000_000


def synthetic(rng: random.Random, *, slot: int = 0, slots: int = 1) -> str:
    """A valid NHS number from the 999 test range (never a real patient's).

    ``slots`` splits the range into that many disjoint shares (by remainder) and
    ``slot`` picks one, so separate generators never draw the same number.
    """
    if not 0 <= slot < slots:
        raise ValueError(f"slot {slot} is not one of {slots} slots")
    while True:
        serial = rng.randrange(TEST_RANGE_SIZE // slots) * slots + slot
        body = TEST_RANGE_PREFIX + f"{serial:06d}"
        digit = check_digit(body)
        if digit is not None:
            return body + str(digit)
