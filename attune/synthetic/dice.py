"""Random draws for synthetic data, from the run's seeded ``random.Random`` only.

Each helper takes the same number of draws whatever the bounds, so a run shifted
to another "today" keeps the same sequence of choices (the demo relies on it).
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Sequence
from datetime import date, timedelta

from attune.families.ages import add_months
from attune.synthetic.proportions import Weights


def chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability


def whole_number(rng: random.Random, low: int, high: int) -> int:
    """A whole number from low to high inclusive (one draw, unlike ``randint``)."""
    return low + int(rng.random() * (high - low + 1))


def one_of[T](rng: random.Random, values: Sequence[T]) -> T:
    return values[int(rng.random() * len(values))]


@functools.cache
def _cumulative[T](weights: Weights[T]) -> tuple[tuple[T, ...], tuple[float, ...]]:
    values = tuple(value for value, _ in weights)
    return values, tuple(itertools.accumulate(weight for _, weight in weights))


def pick[T](rng: random.Random, weights: Weights[T]) -> T:
    """One value, chosen with the given relative weights."""
    values, cumulative = _cumulative(weights)
    return rng.choices(values, cum_weights=cumulative)[0]


def day_between(rng: random.Random, earliest: date, latest: date) -> date:
    return earliest + timedelta(days=int(rng.random() * ((latest - earliest).days + 1)))


def years_before(rng: random.Random, day: date, low: int, high: int, likeliest: int) -> date:
    """A birth date making someone low to high years old (most often about likeliest) on day."""
    return day - timedelta(days=int(rng.triangular(low, high, likeliest) * 365.25))


def months_before(day: date, months: int) -> date:
    return add_months(day, -months)
