"""The period a report covers: a month, quarter, year or custom dates, read from the URL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from attune.families.ages import add_months

KINDS = ("month", "quarter", "year", "custom")


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    kind: str
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%B %Y}"
        if self.kind == "quarter":
            return f"{self.start:%B} to {self.end:%B %Y}"
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    def end_before(self) -> datetime:
        """The first moment after the period (for ``< end_before`` comparisons)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def query(self) -> str:
        """The URL query that gives this period back (for links, exports and print)."""
        return f"period={self.kind}&start={self.start.isoformat()}&end={self.end.isoformat()}"


def _parse(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def period_from(params: Mapping[str, str], today: date) -> tuple[Period, list[str]]:
    """The period asked for, or the last full year; with messages for anything refused."""
    kind = params.get("period") or "year"
    errors: list[str] = []
    if kind not in KINDS:
        errors.append("Choose a month, a quarter, a year or your own dates.")
        kind = "year"
    start = _parse(params.get("start"))
    if kind == "custom":
        end = _parse(params.get("end"))
        if start is None or end is None:
            errors.append("Enter both dates as real dates, for example 2026-04-01.")
        elif end < start:
            errors.append("The end date must be on or after the start date.")
        elif end > today:
            errors.append("The end date cannot be in the future.")
        else:
            return Period("custom", start, end), errors
        kind = "year"
        start = None
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    if start is None:
        # The latest complete stretch that ends with last month.
        this_month = today.replace(day=1)
        start = add_months(this_month, -months)
    start = start.replace(day=1)
    end = add_months(start, months) - timedelta(days=1)
    return Period(kind, start, min(end, today)), errors
