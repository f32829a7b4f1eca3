from datetime import date

import pytest
from django.core.exceptions import ValidationError

from attune.families import ages, validators
from attune.families.models import AgeRules, Person
from attune.families.selectors import baby_age


@pytest.mark.parametrize(
    ("born", "today", "expected"),
    [
        (date(2026, 11, 20), date(2026, 11, 22), "2 days"),
        (date(2026, 11, 1), date(2026, 11, 22), "3 weeks"),
        (date(2026, 5, 22), date(2026, 11, 22), "6 months"),
        (date(2026, 5, 23), date(2026, 11, 22), "5 months"),
        (date(2024, 8, 22), date(2026, 11, 22), "2 years 3 months"),
        (date(2024, 11, 22), date(2026, 11, 22), "2 years"),
        (date(2026, 12, 1), date(2026, 11, 22), "not born yet"),
    ],
)
def test_describe_age(born, today, expected) -> None:
    assert ages.describe_age(born, today) == expected


def test_add_months_keeps_the_end_of_short_months() -> None:
    assert ages.add_months(date(2024, 2, 29), 24) == date(2026, 2, 28)
    assert ages.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert ages.add_months(date(2025, 12, 15), 2) == date(2026, 2, 15)


def test_corrected_age_for_a_baby_born_early() -> None:
    # Born at 32 weeks: 8 weeks early, so at 6 months old the corrected age is about 4 months.
    baby = Person(
        given_name="A",
        family_name="B",
        date_of_birth=date(2026, 5, 22),
        gestation_weeks_at_birth=32,
    )
    result = baby_age(baby, AgeRules(), date(2026, 11, 22))
    assert result.age == "6 months"
    assert result.corrected_age == "4 months"


def test_no_corrected_age_at_term() -> None:
    baby = Person(
        given_name="A",
        family_name="B",
        date_of_birth=date(2026, 5, 22),
        gestation_weeks_at_birth=39,
    )
    assert baby_age(baby, AgeRules(), date(2026, 11, 22)).corrected_age is None


def test_age_out_warning_uses_the_team_rules() -> None:
    baby = Person(given_name="A", family_name="B", date_of_birth=date(2024, 12, 20))
    rules = AgeRules(upper_age_months=24, age_out_warning_weeks=8)
    soon = baby_age(baby, rules, date(2026, 11, 22))
    assert soon.age_out_on == date(2026, 12, 20)
    assert soon.age_out_soon and not soon.aged_out
    wider = baby_age(
        baby, AgeRules(upper_age_months=36, age_out_warning_weeks=8), date(2026, 11, 22)
    )
    assert not wider.age_out_soon


def test_unborn_baby_shows_the_pregnancy() -> None:
    baby = Person(given_name="Baby", family_name="B", due_date=date(2027, 1, 17))
    result = baby_age(baby, AgeRules(), date(2026, 11, 22))
    assert baby.is_unborn
    assert result.age.startswith("about 32 weeks pregnant")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("b33 8th", "B33 8TH"),
        ("zz99 3vz", "ZZ99 3VZ"),
        ("ZZ993WZ", "ZZ99 3WZ"),
    ],
)
def test_postcodes_are_normalised(value, expected) -> None:
    assert validators.validate_postcode(value) == expected


@pytest.mark.parametrize("value", ["", "12345", "SW1A", "ZZ99 33Z", "SW1A 1AAA", "<script>"])
def test_bad_postcodes_are_refused(value) -> None:
    with pytest.raises(ValidationError):
        validators.validate_postcode(value)


def test_nhs_numbers_are_checked_and_stored_as_digits() -> None:
    assert validators.validate_nhs_number("943 476 5919") == "9434765919"
    with pytest.raises(ValidationError, match="not a valid NHS number"):
        validators.validate_nhs_number("9434765918")
    with pytest.raises(ValidationError, match="10 digits"):
        validators.validate_nhs_number("94347659")
