"""Reads for the directory: browsing with filters, comparison, a team's toolbox training."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from attune.accounts.models import Membership, Team, User
from attune.accounts.roles import CLINICAL_STAFF
from attune.catalogue import schema
from attune.catalogue.models import (
    Intervention,
    InterventionVersion,
    PractitionerTraining,
    SelfAssessment,
)

MAX_COMPARED = 4


@dataclass(frozen=True)
class DirectoryFilter:
    """What a user narrowed the directory to; empty means everything."""

    text: str = ""
    pregnancy: bool = False
    baby_months: int | None = None
    needs: frozenset[str] = field(default_factory=frozenset)
    formats: frozenset[str] = field(default_factory=frozenset)
    settings: frozenset[str] = field(default_factory=frozenset)
    classifications: frozenset[str] = field(default_factory=frozenset)
    min_evidence: float | None = None
    kind: str = ""


def _matches_text(data: dict, text: str) -> bool:
    words = text.lower().split()
    fields = [data.get("name", ""), data.get("developer", ""), data.get("summary", "")]
    haystack = " ".join([*fields, *data.get("aliases", [])]).lower()
    return all(word in haystack for word in words)


def _matches(entry: Intervention, wanted: DirectoryFilter) -> bool:
    data = entry.data
    delivery = data.get("delivery") or {}
    checks = [
        not wanted.kind or entry.kind == wanted.kind,
        not wanted.text or _matches_text(data, wanted.text),
        not wanted.needs or bool(wanted.needs & set(data.get("needs", []))),
        not wanted.formats or bool(wanted.formats & set(delivery.get("formats", []))),
        not wanted.settings or bool(wanted.settings & set(delivery.get("settings", []))),
        not wanted.classifications or entry.classification in wanted.classifications,
        wanted.min_evidence is None or entry.evidence_rank >= wanted.min_evidence,
    ]
    if wanted.pregnancy or wanted.baby_months is not None:
        checks.append(
            (wanted.pregnancy and schema.fits_age(data, pregnant=True, baby_months=None))
            or (
                wanted.baby_months is not None
                and schema.fits_age(data, pregnant=False, baby_months=wanted.baby_months)
            )
        )
    return all(checks)


def browse(wanted: DirectoryFilter) -> list[Intervention]:
    """Entries matching every filter, strongest evidence first, then by name.

    The directory holds tens of entries, not thousands: one query loads them and
    the list filters (needs, formats, settings) are matched here, the same way on
    SQLite and PostgreSQL.
    """
    entries = Intervention.objects.order_by("-evidence_rank", "name")
    return [entry for entry in entries if _matches(entry, wanted)]


def entries_by_slug(slugs: Iterable[str]) -> list[Intervention]:
    """The entries named, in the order named, at most four, unknown slugs skipped."""
    wanted = list(dict.fromkeys(s for s in slugs if s))[:MAX_COMPARED]
    found = {e.slug: e for e in Intervention.objects.filter(slug__in=wanted)}
    return [found[s] for s in wanted if s in found]


def interventions() -> QuerySet[Intervention]:
    return Intervention.objects.filter(kind="intervention").order_by("name")


def history(entry: Intervention) -> list[InterventionVersion]:
    return list(entry.versions.select_related("changed_by"))


def team_assessments(team: Team, entry: Intervention | None = None) -> list[SelfAssessment]:
    rows = SelfAssessment.objects.filter(team=team).select_related("intervention", "recorded_by")
    if entry is not None:
        rows = rows.filter(intervention=entry)
    return list(rows.prefetch_related("assessors"))


def team_training(team: Team) -> list[PractitionerTraining]:
    return list(
        PractitionerTraining.objects.filter(team=team).select_related(
            "user", "intervention", "recorded_by"
        )
    )


def trained_user_ids(team: Team, entry_ids: Sequence[int], on: date) -> dict[int, set[int]]:
    """For each entry, the team members whose training in it has not expired by ``on``."""
    trained: dict[int, set[int]] = {}
    rows = PractitionerTraining.objects.filter(team=team, intervention_id__in=entry_ids)
    for row in rows.values_list("intervention_id", "user_id", "expires_on"):
        entry_id, user_id, expires_on = row
        if expires_on is None or expires_on >= on:
            trained.setdefault(entry_id, set()).add(user_id)
    return trained


def team_members(team: Team) -> list[User]:
    """The team's staff (everyone but commissioners and referrers), by name."""
    memberships = (
        Membership.objects.active()
        .filter(team=team, role__in=CLINICAL_STAFF)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    return [m.user for m in memberships]
