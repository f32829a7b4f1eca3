"""Reach and equity: who the teams reach, compared with the local population.

Every figure is counted by the database (``values()``/``annotate()``/``Count``),
never by loading people into Python, so the number of queries stays the same
however many families there are. What each figure counts, exactly, is written
in docs/reporting-reach.md; the short version:

- **People referred**: distinct babies and carers who were in scope of a
  referral received in the period (the referral's team is one of the teams).
- **People seen**: distinct babies and carers (in the episode's family) who
  were recorded as present at an *attended* contact that started in the
  period. Gender, language, interpreter and deprivation figures count the
  **carers seen** only: a baby has no first language, and the carer's
  address is the household's.
- **Shares** of an ethnic category are out of the people whose category is
  known: "not stated", "not known" and a blank record are listed but left
  out of the shares, on both sides of the comparison.

The functions here take the teams and the period and return frozen
dataclasses of plain numbers. Suppression for commissioners happens in the
view, on these numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Concat, Left, Length, Lower, Replace, Right, Trim, Upper

from attune.accounts.models import Team
from attune.care.codes import Attendance
from attune.care.models import Contact, Episode
from attune.families.codes import (
    FATHER_OR_PARTNER_KINDS,
    EthnicCategory,
    MemberRole,
    StatedGender,
)
from attune.families.models import CareRelationship, FamilyMember
from attune.referrals.models import Referral
from attune.reporting.models import DeprivationDecile, EthnicityBaseline
from attune.reporting.periods import Period

# A local choice, not a national standard: a group is flagged as under-represented when
# its share of the people seen is below this fraction of its share of the local
# population (0.8: seen at less than four fifths of the expected rate). Teams and
# commissioners may agree another ratio; change it here and in docs/reporting-reach.md.
UNDER_REPRESENTED_RATIO = Fraction(4, 5)
# Also a local choice: below this many people in the local figures a group is too small
# for a fair comparison, so it is never flagged.
BASELINE_MIN_COUNT = 5

TOP_LANGUAGES = 10

NOT_RECORDED = ""
UNKNOWN_CATEGORIES = (EthnicCategory.NOT_STATED, EthnicCategory.NOT_KNOWN, NOT_RECORDED)
KNOWN_CATEGORIES = tuple(c for c in EthnicCategory.values if c not in UNKNOWN_CATEGORIES)
# Blank on a person means nobody recorded it; blank in the local figures means the source
# did not state it. Either way it is listed but not part of the shares.
NOT_RECORDED_LABEL = "Not recorded or not stated"

# How each group is named in a sentence: "Families of Pakistani background ...".
BACKGROUND_PHRASES = {
    EthnicCategory.WHITE_BRITISH: "White British",
    EthnicCategory.WHITE_IRISH: "White Irish",
    EthnicCategory.WHITE_OTHER: "another White",
    EthnicCategory.MIXED_WHITE_BLACK_CARIBBEAN: "mixed White and Black Caribbean",
    EthnicCategory.MIXED_WHITE_BLACK_AFRICAN: "mixed White and Black African",
    EthnicCategory.MIXED_WHITE_ASIAN: "mixed White and Asian",
    EthnicCategory.MIXED_OTHER: "another mixed",
    EthnicCategory.ASIAN_INDIAN: "Indian",
    EthnicCategory.ASIAN_PAKISTANI: "Pakistani",
    EthnicCategory.ASIAN_BANGLADESHI: "Bangladeshi",
    EthnicCategory.ASIAN_OTHER: "another Asian",
    EthnicCategory.BLACK_CARIBBEAN: "Black Caribbean",
    EthnicCategory.BLACK_AFRICAN: "Black African",
    EthnicCategory.BLACK_OTHER: "another Black",
    EthnicCategory.CHINESE: "Chinese",
    EthnicCategory.OTHER: "another ethnic",
}

DECILES = tuple(range(1, 11))
NOT_KNOWN = "Not known"

InScope = Referral.people_in_scope.through
Present = Contact.people_present.through

_CARERS_AND_BABIES = (MemberRole.CARER, MemberRole.BABY)
_CARERS = (MemberRole.CARER,)


# Results -------------------------------------------------------------------------------


def share(part: int, whole: int) -> float | None:
    """``part`` as a fraction of ``whole`` (0 to 1), or ``None`` when there is no whole."""
    return part / whole if whole else None


@dataclass(frozen=True)
class EthnicityRow:
    code: str
    label: str
    # Whether the category is part of the shares (not "not stated", "not known" or blank).
    known: bool
    referred: int
    seen: int
    baseline: int
    referred_share: float | None
    seen_share: float | None
    baseline_share: float | None
    under_represented: bool

    @property
    def background(self) -> str:
        return BACKGROUND_PHRASES.get(self.code, self.label)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Ethnicity:
    rows: tuple[EthnicityRow, ...]
    referred_total: int
    seen_total: int
    baseline_total: int
    referred_known: int
    seen_known: int
    baseline_known: int
    # "source (year)" of each baseline the teams entered.
    baseline_sources: tuple[str, ...]
    # Names of the teams in the report that have not entered a baseline.
    teams_without_baseline: tuple[str, ...]

    @property
    def under_represented(self) -> tuple[EthnicityRow, ...]:
        return tuple(row for row in self.rows if row.under_represented)

    @property
    def has_baseline(self) -> bool:
        return self.baseline_total > 0


@dataclass(frozen=True)
class Line:
    """One labelled count in a breakdown."""

    label: str
    count: int


@dataclass(frozen=True)
class Breakdown:
    lines: tuple[Line, ...]

    @property
    def total(self) -> int:
        return sum(line.count for line in self.lines)


@dataclass(frozen=True)
class Languages:
    """Carers seen by first language, most common first; blank ones apart."""

    counts: tuple[Line, ...]
    not_recorded: int

    def breakdown(self, *, top: int = TOP_LANGUAGES, name_at_least: int = 1) -> Breakdown:
        """The ``top`` languages by name, the rest as "Other languages", then "Not recorded".

        A language is only named when at least ``name_at_least`` carers speak it: for
        commissioners a rare language on its own could point to a family.
        """
        named = [line for line in self.counts if line.count >= name_at_least][:top]
        other = sum(line.count for line in self.counts) - sum(line.count for line in named)
        lines = [*named]
        if other or len(self.counts) > len(named):
            lines.append(Line("Other languages", other))
        lines.append(Line("Not recorded", self.not_recorded))
        return Breakdown(tuple(lines))


@dataclass(frozen=True)
class FatherInvolvement:
    # Episodes active at any time in the period.
    episodes: int
    # ... of which a father or partner of the baby was present at an attended contact.
    with_father_or_partner: int
    # ... of which the family record names a father or partner at all (context).
    father_or_partner_named: int

    @property
    def share(self) -> float | None:
        return share(self.with_father_or_partner, self.episodes)


@dataclass(frozen=True)
class Interpreters:
    carers_seen: int
    carers_needing_interpreter: int
    contacts: int
    contacts_with_interpreter: int


@dataclass(frozen=True)
class Deprivation:
    # Deciles 1 (most deprived) to 10 (least deprived), then "Not known".
    breakdown: Breakdown
    # Names of the teams in the report that have not loaded a postcode table.
    teams_without_table: tuple[str, ...]
    # Whether at least one of the teams has loaded one.
    has_table: bool


@dataclass(frozen=True)
class Reach:
    ethnicity: Ethnicity
    carer_gender: Breakdown
    fathers: FatherInvolvement
    languages: Languages
    interpreters: Interpreters
    deprivation: Deprivation


# Who counts ------------------------------------------------------------------------------


def _ids(teams: Sequence[Team]) -> list[int]:
    return [team.pk for team in teams]


def _member_as(family_ref: str, roles: Sequence[str]) -> Exists:
    """The row's person has one of ``roles`` in the family at ``family_ref``."""
    return Exists(
        FamilyMember.objects.filter(
            family=OuterRef(family_ref), person=OuterRef("person"), role__in=list(roles)
        )
    )


def referred_people(teams: Sequence[Team], period: Period) -> QuerySet[Any]:
    """Rows (referral, person in scope) for babies and carers referred in the period."""
    return (
        InScope.objects.filter(
            referral__team__in=_ids(teams),
            referral__received_on__gte=period.start,
            referral__received_on__lte=period.end,
        )
        .filter(_member_as("referral__family", _CARERS_AND_BABIES))
        .order_by()
    )


def attended_contacts(teams: Sequence[Team], period: Period) -> QuerySet[Contact]:
    return Contact.objects.filter(
        episode__team__in=_ids(teams),
        attendance=Attendance.ATTENDED,
        starts_at__gte=period.start_at(),
        starts_at__lt=period.end_before(),
    ).order_by()


def seen_people(
    teams: Sequence[Team], period: Period, roles: Sequence[str] = _CARERS_AND_BABIES
) -> QuerySet[Any]:
    """Rows (contact, person present) for attended contacts that started in the period."""
    return (
        Present.objects.filter(
            contact__episode__team__in=_ids(teams),
            contact__attendance=Attendance.ATTENDED,
            contact__starts_at__gte=period.start_at(),
            contact__starts_at__lt=period.end_before(),
        )
        .filter(_member_as("contact__episode__family", roles))
        .order_by()
    )


def _people_by(rows: QuerySet[Any], expression: Any) -> dict[Any, int]:
    """Distinct people per value of ``expression`` (one GROUP BY query)."""
    grouped = rows.values(group=expression).annotate(n=Count("person_id", distinct=True))
    return {row["group"]: row["n"] for row in grouped}


# Ethnicity -------------------------------------------------------------------------------


def _team_facts(teams: Sequence[Team]) -> list[tuple[str, bool, bool]]:
    """(name, has a baseline, has a deprivation table) for each team, in one query."""
    return list(
        Team.objects.filter(pk__in=_ids(teams))
        .annotate(
            has_baseline=Exists(EthnicityBaseline.objects.filter(team=OuterRef("pk"))),
            has_deciles=Exists(DeprivationDecile.objects.filter(team=OuterRef("pk"))),
        )
        .order_by("name")
        .values_list("name", "has_baseline", "has_deciles")
    )


def _under_represented(seen: int, seen_known: int, base: int, base_known: int) -> bool:
    """Seen share < ratio x baseline share, compared in whole numbers (no rounding)."""
    if base < BASELINE_MIN_COUNT or not seen_known or not base_known:
        return False
    return Fraction(seen, seen_known) < UNDER_REPRESENTED_RATIO * Fraction(base, base_known)


def ethnicity(
    teams: Sequence[Team], period: Period, facts: list[tuple[str, bool, bool]] | None = None
) -> Ethnicity:
    """People referred and seen by ethnic category, beside the teams' local baseline."""
    referred = _people_by(referred_people(teams, period), F("person__ethnic_category"))
    seen = _people_by(seen_people(teams, period), F("person__ethnic_category"))
    baseline = dict(
        EthnicityBaseline.objects.filter(team__in=_ids(teams))
        .order_by()
        .values("ethnic_category")
        .annotate(n=Sum("count"))
        .values_list("ethnic_category", "n")
    )
    sources = [
        f"{source} ({year})" if year else source
        for source, year in EthnicityBaseline.objects.filter(team__in=_ids(teams))
        .order_by("source", "year")
        .values_list("source", "year")
        .distinct()
    ]
    facts = _team_facts(teams) if facts is None else facts

    def known_total(counts: dict[Any, int]) -> int:
        return sum(n for code, n in counts.items() if code in KNOWN_CATEGORIES)

    referred_known, seen_known, base_known = map(known_total, (referred, seen, baseline))
    rows = []
    labels = dict(EthnicCategory.choices)
    for code in (*KNOWN_CATEGORIES, EthnicCategory.NOT_STATED, EthnicCategory.NOT_KNOWN):
        known = code in KNOWN_CATEGORIES
        r, s, b = referred.get(code, 0), seen.get(code, 0), baseline.get(code, 0)
        rows.append(
            EthnicityRow(
                code=code,
                label=str(labels[code]),
                known=known,
                referred=r,
                seen=s,
                baseline=b,
                referred_share=share(r, referred_known) if known else None,
                seen_share=share(s, seen_known) if known else None,
                baseline_share=share(b, base_known) if known else None,
                under_represented=known and _under_represented(s, seen_known, b, base_known),
            )
        )
    rows.append(
        EthnicityRow(
            code=NOT_RECORDED,
            label=NOT_RECORDED_LABEL,
            known=False,
            referred=referred.get(NOT_RECORDED, 0),
            seen=seen.get(NOT_RECORDED, 0),
            baseline=baseline.get(NOT_RECORDED, 0),
            referred_share=None,
            seen_share=None,
            baseline_share=None,
            under_represented=False,
        )
    )
    return Ethnicity(
        rows=tuple(rows),
        referred_total=sum(referred.values()),
        seen_total=sum(seen.values()),
        baseline_total=sum(baseline.values()),
        referred_known=referred_known,
        seen_known=seen_known,
        baseline_known=base_known,
        baseline_sources=tuple(sources),
        teams_without_baseline=tuple(name for name, has, _ in facts if not has),
    )


# Carers ----------------------------------------------------------------------------------


def carer_gender(teams: Sequence[Team], period: Period) -> Breakdown:
    """Carers seen, by stated gender (the NHS code list, then "Not recorded")."""
    counts = _people_by(seen_people(teams, period, _CARERS), F("person__stated_gender"))
    lines = [Line(str(label), counts.get(code, 0)) for code, label in StatedGender.choices]
    lines.append(Line("Not recorded", counts.get("", 0)))
    return Breakdown(tuple(lines))


def father_involvement(teams: Sequence[Team], period: Period) -> FatherInvolvement:
    """Episodes active in the period, and those where a father or partner took part."""
    kinds = sorted(FATHER_OR_PARTNER_KINDS)
    took_part = Present.objects.filter(
        contact__episode=OuterRef("pk"),
        contact__attendance=Attendance.ATTENDED,
        contact__starts_at__gte=period.start_at(),
        contact__starts_at__lt=period.end_before(),
        # One filter() call, so the relationship is the carer's own and in this family.
        person__cares_for__family=OuterRef("family"),
        person__cares_for__kind__in=kinds,
    )
    named = CareRelationship.objects.filter(family=OuterRef("family"), kind__in=kinds)
    totals = (
        Episode.objects.filter(team__in=_ids(teams), opened_on__lte=period.end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=period.start))
        .aggregate(
            episodes=Count("id"),
            took_part=Count("id", filter=Exists(took_part)),
            named=Count("id", filter=Exists(named)),
        )
    )
    return FatherInvolvement(
        episodes=totals["episodes"] or 0,
        with_father_or_partner=totals["took_part"] or 0,
        father_or_partner_named=totals["named"] or 0,
    )


def languages(teams: Sequence[Team], period: Period) -> Languages:
    """Carers seen by first language, spelling differences of case and spaces ignored."""
    counts = _people_by(seen_people(teams, period, _CARERS), Lower(Trim("person__first_language")))
    named = sorted(
        ((language, n) for language, n in counts.items() if language),
        key=lambda item: (-item[1], item[0]),
    )
    return Languages(
        counts=tuple(Line(language.title(), n) for language, n in named),
        not_recorded=counts.get("", 0) + counts.get(None, 0),
    )


def interpreters(teams: Sequence[Team], period: Period) -> Interpreters:
    """Carers seen who need an interpreter; attended contacts with an interpreter there."""
    carers = seen_people(teams, period, _CARERS).aggregate(
        seen=Count("person_id", distinct=True),
        needing=Count("person_id", distinct=True, filter=Q(person__interpreter_needed=True)),
    )
    contacts = attended_contacts(teams, period).aggregate(
        contacts=Count("id"), interpreted=Count("id", filter=Q(interpreter_present=True))
    )
    return Interpreters(
        carers_seen=carers["seen"] or 0,
        carers_needing_interpreter=carers["needing"] or 0,
        contacts=contacts["contacts"] or 0,
        contacts_with_interpreter=contacts["interpreted"] or 0,
    )


# Deprivation -----------------------------------------------------------------------------


def _normalised_postcode(field: str) -> dict[str, Any]:
    """Annotations giving ``field`` as stored in DeprivationDecile: capitals, one space.

    The same rule as ``families.validators.normalise_postcode``, in SQL, so the lookup
    can use the (team, postcode) index.
    """
    compact = Replace(Upper(F(field)), Value(" "), Value(""))
    return {
        "_compact": compact,
        "_length": Length("_compact"),
        "_postcode": Case(
            When(
                _length__gte=5,
                then=Concat(
                    Left("_compact", F("_length") - 3),
                    Value(" "),
                    Right("_compact", 3),
                    output_field=CharField(),
                ),
            ),
            default=F("_compact"),
            output_field=CharField(),
        ),
    }


def deprivation(
    teams: Sequence[Team], period: Period, facts: list[tuple[str, bool, bool]] | None = None
) -> Deprivation:
    """Carers seen by the deprivation decile of their postcode, from their team's table."""
    decile = DeprivationDecile.objects.filter(
        team_id=OuterRef("person__team_id"), postcode=OuterRef("_postcode")
    ).values("decile")[:1]
    rows = (
        seen_people(teams, period, _CARERS)
        .annotate(**_normalised_postcode("person__postcode"))
        .annotate(decile=Subquery(decile))
    )
    counts = _people_by(rows, F("decile"))
    lines = [Line(_decile_label(n), counts.get(n, 0)) for n in DECILES]
    lines.append(Line(NOT_KNOWN, sum(n for key, n in counts.items() if key not in DECILES)))
    facts = _team_facts(teams) if facts is None else facts
    return Deprivation(
        breakdown=Breakdown(tuple(lines)),
        teams_without_table=tuple(name for name, _, has in facts if not has),
        has_table=any(has for _, _, has in facts),
    )


def _decile_label(decile: int) -> str:
    if decile == 1:
        return "1 (most deprived)"
    if decile == 10:
        return "10 (least deprived)"
    return str(decile)


# Everything ------------------------------------------------------------------------------


def reach(teams: Sequence[Team], period: Period) -> Reach:
    """Every reach and equity figure for the teams in the period, in a fixed number of queries."""
    facts = _team_facts(teams)
    return Reach(
        ethnicity=ethnicity(teams, period, facts),
        carer_gender=carer_gender(teams, period),
        fathers=father_involvement(teams, period),
        languages=languages(teams, period),
        interpreters=interpreters(teams, period),
        deprivation=deprivation(teams, period, facts),
    )


# For the management pages ---------------------------------------------------------------


def team_baseline(team: Team) -> list[EthnicityBaseline]:
    """The team's baseline rows, in category order."""
    return list(EthnicityBaseline.objects.filter(team=team).order_by("ethnic_category"))


@dataclass(frozen=True)
class DecileTable:
    postcodes: int
    by_decile: tuple[Line, ...]


def team_deprivation_table(team: Team) -> DecileTable:
    """How many postcodes the team's lookup holds, and how many in each decile."""
    counts = dict(
        DeprivationDecile.objects.filter(team=team)
        .order_by()
        .values("decile")
        .annotate(n=Count("id"))
        .values_list("decile", "n")
    )
    return DecileTable(
        postcodes=sum(counts.values()),
        by_decile=tuple(Line(_decile_label(n), counts.get(n, 0)) for n in DECILES),
    )
