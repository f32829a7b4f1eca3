"""Ages of babies, corrected ages for those born early, and when a baby ages out.

Pure functions of dates: no database, easy to table-test.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (the last day when it does not exist)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def describe_age(born: date, today: date) -> str:
    """An age as staff say it: weeks for the first 3 months, then months, then years and months."""
    if today < born:
        return "not born yet"
    days = (today - born).days
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''}"
    months = whole_months_between(born, today)
    if months < 3:
        weeks = days // 7
        return f"{weeks} weeks"
    if months < 24:
        return f"{months} months"
    years, rest = divmod(months, 12)
    return f"{years} years" + (f" {rest} month{'s' if rest != 1 else ''}" if rest else "")


def describe_pregnancy(due: date, today: date) -> str:
    """How far along a pregnancy is, from the due date (40 weeks)."""
    weeks_to_go = (due - today).days // 7
    weeks_pregnant = 40 - weeks_to_go
    if weeks_pregnant < 0:
        return "due date more than 40 weeks away"
    return f"about {weeks_pregnant} weeks pregnant (due {due:%-d %b %Y})"


def age_out_date(born: date, upper_age_months: int) -> date:
    return add_months(born, upper_age_months)


def weeks_until(day: date, today: date) -> int:
    return (day - today).days // 7
