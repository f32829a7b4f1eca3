"""Extension points: apps that build on care (measures, later groups) add to care's pages.

Care may not import the apps to its right (the layering in pyproject.toml), so
they register here from their ``AppConfig.ready()``. Each hook is a plain
function list; a provider must answer for many episodes in a fixed number of
queries, because the caseload calls it once for the whole page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from attune.care.context import FAMILY_FROM_URL
from attune.care.models import Episode

# (episodes, today) -> {episode id: ["what needs attention", ...]}
CaseloadAttention = Callable[[Sequence[Episode], date], dict[int, list[str]]]
# episode -> whether its end-of-therapy measures have been recorded
EndMeasuresCheck = Callable[[Episode], bool]

_caseload_attention: list[CaseloadAttention] = []
_end_measures_checks: list[EndMeasuresCheck] = []


def add_caseload_attention(provider: CaseloadAttention) -> None:
    if provider not in _caseload_attention:
        _caseload_attention.append(provider)


def add_end_measures_check(check: EndMeasuresCheck) -> None:
    if check not in _end_measures_checks:
        _end_measures_checks.append(check)


def add_family_url_key(key: str, family_of: Callable[[int], int | None]) -> None:
    """Teach the safeguarding banner (care/context.py) which family a URL id belongs to."""
    FAMILY_FROM_URL.setdefault(key, family_of)


def caseload_attention(episodes: Sequence[Episode], today: date) -> dict[int, list[str]]:
    """What other apps say needs attention, per episode."""
    merged: dict[int, list[str]] = {}
    for provider in _caseload_attention:
        for episode_id, items in provider(episodes, today).items():
            merged.setdefault(episode_id, []).extend(items)
    return merged


def end_measures_recorded(episode: Episode) -> bool:
    return any(check(episode) for check in _end_measures_checks)
