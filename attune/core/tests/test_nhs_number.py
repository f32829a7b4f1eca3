import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.core import nhs_number


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        # The NHS Data Dictionary's worked example of the modulus-11 check.
        ("943 476 5919", True),
        ("9434765919", True),
        ("943-476-5919", True),
        ("9434765918", False),  # wrong check digit
        ("943476591", False),  # nine digits
        ("94347659190", False),  # eleven digits
        ("94347659A9", False),
        ("", False),
    ],
)
def test_modulus_11_check(value: str, valid: bool) -> None:
    assert nhs_number.is_valid(value) is valid


def test_remainder_ten_means_no_valid_number() -> None:
    # 999 000 0010's first nine digits weigh to a check digit of 10: never issued.
    first_nine = next(
        f"999{n:06d}" for n in range(1000) if nhs_number.check_digit(f"999{n:06d}") is None
    )
    assert all(not nhs_number.is_valid(first_nine + str(d)) for d in range(10))


@given(st.integers(min_value=0, max_value=2**32))
def test_synthetic_numbers_are_valid_and_only_from_the_test_range(seed: int) -> None:
    value = nhs_number.synthetic(random.Random(seed))
    assert value.startswith("999")
    assert nhs_number.is_valid(value)


def test_synthetic_numbers_are_deterministic_for_a_seed() -> None:
    first = [nhs_number.synthetic(random.Random(7)) for _ in range(3)]
    second = [nhs_number.synthetic(random.Random(7)) for _ in range(3)]
    assert first == second


def test_format() -> None:
    assert nhs_number.format_nhs_number("9434765919") == "943 476 5919"
