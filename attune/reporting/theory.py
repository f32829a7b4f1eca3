"""A team's theory of change: the starting template, the activity counts, and what the data
says about each outcome.

Every figure is worked out here from the other apps' records, by a fixed number of
queries however many families there are (docs/reporting-theory-of-change.md gives the
exact definitions). Nothing computed is stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone

from attune.accounts.access import current_team, deny_as_not_found, parse_pk
from attune.accounts.models import Team
from attune.care.codes import Attendance
from attune.care.ending import INTERVENTION_STAGES
from attune.care.models import Contact, Episode, StageChange
from attune.groups.models import GroupSession
from attune.measures import selectors as measure_selectors
from attune.measures.codes import Timepoint
from attune.measures.models import Administration, Instrument
from attune.outreach.models import Consultation, OutreachActivity, TrainingAttendee
from attune.referrals.models import Referral
from attune.reporting.models import ChangeOutcome, Horizon, TheoryOfChange
from attune.reporting.periods import Period

# The order a reader meets the horizons: what changes first, then later, then for everyone.
HORIZON_ORDER = (Horizon.SHORT, Horizon.MEDIUM, Horizon.LONG)

# Change classifications that count as better or worse. Score measures give
# recovered / reliably improved / reliably deteriorated; measures judged by category
# (ASQ:SE-2, DC:0-5 Axis II) give improved / worsened.
IMPROVED = frozenset({"recovered", "reliably_improved", "improved"})
DETERIORATED = frozenset({"reliably_deteriorated", "worsened"})


# The starting template -------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateOutcome:
    horizon: str
    wording: str
    measure_codes: tuple[str, ...] = ()
    activity_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    problem: str
    how_it_develops: str
    how_change_happens: str
    activities: str
    outcomes: tuple[TemplateOutcome, ...]


TEMPLATE = Template(
    problem=(
        "Some parents and babies find it hard to get to know and enjoy one another. "
        "Worry, low mood, tiredness, past experiences or difficult circumstances can get in "
        "the way, so that a loving parent finds it hard to notice what their baby is "
        "telling them and to respond in the way they would wish. Early relationships "
        "shape how a baby comes to feel about themselves and other people, so these "
        "difficulties matter, and they can be helped."
    ),
    how_it_develops=(
        "Every parent brings their own story to parenthood. When a parent is stressed, "
        "unwell, isolated, or living with conflict, trauma or money worries, there is less "
        "room to stay calm and curious about the baby. A baby whose signals are missed may "
        "become unsettled or withdrawn, which makes caring for them harder still, and a "
        "painful cycle can take hold. Noticed early, it is much easier to turn around."
    ),
    how_change_happens=(
        "Change grows from a trusting relationship with the team. Working with parent and "
        "baby together, we build on what is already going well: we help parents slow down, "
        "notice their baby's cues, wonder about what their baby might be feeling, and trust "
        "their own responses. Feeling understood themselves, parents have more space to "
        "understand their baby. Small moments of connection, noticed and shared, add up to "
        "a relationship that carries the family forward."
    ),
    activities=(
        "Parent-infant psychotherapy and video feedback with parents and babies together; "
        "assessment that starts from the family's strengths; groups where parents and "
        "babies can enjoy time together; consultation and joint work with health visitors, "
        "midwives and others who know the family; training for the wider workforce; and "
        "outreach, so that families who might not otherwise find us hear that we are here."
    ),
    outcomes=(
        TemplateOutcome(
            Horizon.SHORT,
            "Parents feel less stressed in caring for their baby",
            ("psi4sf",),
            ("families_seen",),
        ),
        TemplateOutcome(
            Horizon.SHORT,
            "Parents' mood lifts and they feel more able to cope",
            ("phq9", "epds"),
        ),
        TemplateOutcome(
            Horizon.SHORT,
            "Parents feel a close and growing bond with their baby",
            ("pbq",),
        ),
        TemplateOutcome(
            Horizon.SHORT,
            "Parents are more curious about what their baby thinks and feels",
            ("prfq",),
        ),
        TemplateOutcome(
            Horizon.SHORT,
            "Time together is warmer, more playful and more in tune",
            ("kips",),
            ("contacts_attended", "group_sessions"),
        ),
        TemplateOutcome(
            Horizon.SHORT,
            "Parents feel more confident in looking after their baby",
            ("kpcs",),
        ),
        TemplateOutcome(
            Horizon.SHORT,
            "Babies reach out to their parents more and enjoy being together",
        ),
        TemplateOutcome(
            Horizon.MEDIUM,
            "Parents can stay steadier and calmer when things feel hard",
        ),
        TemplateOutcome(
            Horizon.MEDIUM,
            "Children's social and emotional development is on track",
            ("asqse2",),
        ),
        TemplateOutcome(
            Horizon.MEDIUM,
            "Children enjoy close, kind relationships across the family, brothers and "
            "sisters included",
        ),
        TemplateOutcome(
            Horizon.MEDIUM,
            "Parents feel able to trust and turn to the professionals around them",
            (),
            ("consultations",),
        ),
        TemplateOutcome(
            Horizon.LONG,
            "More children start school ready to talk, play and learn, so fewer later need "
            "speech and language therapy or special educational needs support",
            (),
            ("families_referred", "families_seen", "professionals_trained"),
        ),
        TemplateOutcome(
            Horizon.LONG,
            "Fewer children and families later need help from CAMHS or children's social care",
            (),
            ("families_seen", "outreach_families"),
        ),
    ),
)


# Activity counts ------------------------------------------------------------------------


class ActivityCount(NamedTuple):
    """A label and a function (teams, period) -> count, each one aggregate query."""

    label: str
    counter: Callable[[Sequence[Team], Period], int]


def _families_referred(teams: Sequence[Team], period: Period) -> int:
    # A family referred twice in the period is one family.
    found = Referral.objects.filter(
        team__in=teams, received_on__gte=period.start, received_on__lte=period.end
    ).aggregate(n=Count("family", distinct=True))
    return int(found["n"] or 0)


def _attended_contacts(teams: Sequence[Team], period: Period) -> Q:
    return Q(
        episode__team__in=teams,
        attendance=Attendance.ATTENDED,
        starts_at__gte=period.start_at(),
        starts_at__lt=period.end_before(),
    )


def _families_seen(teams: Sequence[Team], period: Period) -> int:
    found = Contact.objects.filter(_attended_contacts(teams, period)).aggregate(
        n=Count("episode", distinct=True)
    )
    return int(found["n"] or 0)


def _contacts_attended(teams: Sequence[Team], period: Period) -> int:
    return Contact.objects.filter(_attended_contacts(teams, period)).count()


def _group_sessions(teams: Sequence[Team], period: Period) -> int:
    # Held: not cancelled and already begun (a period can end today, before this evening's).
    return GroupSession.objects.filter(
        group__team__in=teams,
        cancelled=False,
        starts_at__gte=period.start_at(),
        starts_at__lt=min(period.end_before(), timezone.now()),
    ).count()


def _consultations(teams: Sequence[Team], period: Period) -> int:
    return Consultation.objects.filter(
        team__in=teams, held_on__gte=period.start, held_on__lte=period.end
    ).count()


def _professionals_trained(teams: Sequence[Team], period: Period) -> int:
    return TrainingAttendee.objects.filter(
        course__team__in=teams,
        attended=True,
        course__held_on__gte=period.start,
        course__held_on__lte=period.end,
    ).count()


def _outreach_families(teams: Sequence[Team], period: Period) -> int:
    found = OutreachActivity.objects.filter(
        team__in=teams, held_on__gte=period.start, held_on__lte=period.end
    ).aggregate(n=Coalesce(Sum("families_reached"), 0))
    return int(found["n"])


ACTIVITY_COUNTS: dict[str, ActivityCount] = {
    "families_referred": ActivityCount("Families referred", _families_referred),
    "families_seen": ActivityCount("Families seen (at least one session attended)", _families_seen),
    "contacts_attended": ActivityCount("Sessions attended by families", _contacts_attended),
    "group_sessions": ActivityCount("Group sessions held", _group_sessions),
    "consultations": ActivityCount("Consultations with other professionals", _consultations),
    "professionals_trained": ActivityCount(
        "Professionals who attended the team's training", _professionals_trained
    ),
    "outreach_families": ActivityCount(
        "Families reached through outreach and joint work", _outreach_families
    ),
}


# Reads ----------------------------------------------------------------------------------


def theory_for(team: Team) -> TheoryOfChange | None:
    """The team's theory of change, if it has written one."""
    return TheoryOfChange.objects.filter(team=team).select_related("updated_by").first()


def ordered_outcomes(theory: TheoryOfChange) -> list[ChangeOutcome]:
    """Short-term first, then medium, then long; in the team's order within each."""
    outcomes = list(theory.outcomes.all())
    return sorted(outcomes, key=lambda o: (HORIZON_ORDER.index(Horizon(o.horizon)), o.position))


def get_outcome_for(request: HttpRequest, outcome_id: object) -> ChangeOutcome:
    """An outcome of the current team's theory; any other is a 404 (audited)."""
    pk = parse_pk(outcome_id)
    outcome = (
        ChangeOutcome.objects.filter(pk=pk, theory__team=current_team(request))
        .select_related("theory")
        .first()
        if pk is not None
        else None
    )
    if outcome is None:
        raise deny_as_not_found(request.user, "reporting.changeoutcome", outcome_id)
    return outcome


def instrument_choices(team: Team) -> list[tuple[str, str]]:
    """The measures an outcome may be linked to: the team's instruments, newest versions."""
    return [
        (i.code, f"{i.parsed().short_name} ({i.parsed().name})")
        for i in measure_selectors.latest_instruments_for(team)
    ]


def instrument_labels(team: Team) -> dict[str, str]:
    """Each of the team's instrument codes with its short name, such as "PHQ-9"."""
    return {i.code: i.parsed().short_name for i in measure_selectors.latest_instruments_for(team)}


# Evidence -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureEvidence:
    """What one measure shows for the episodes that closed in the period."""

    code: str
    label: str
    # Closed in the period having started the intervention (the completeness denominator).
    closed_started: int
    # Closed in the period with a scored baseline of this measure.
    with_baseline: int
    # Of closed_started: a scored baseline and end from the same respondent and version.
    pairs: int
    improved: int
    deteriorated: int
    # Pairs whose change could not be judged reliable or not (no published threshold).
    not_judged: int

    @property
    def completeness(self) -> float | None:
        return self.pairs / self.closed_started if self.closed_started else None

    @property
    def improved_share(self) -> float | None:
        return self.improved / self.pairs if self.pairs else None

    @property
    def deteriorated_share(self) -> float | None:
        return self.deteriorated / self.pairs if self.pairs else None


@dataclass(frozen=True)
class ActivityEvidence:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class OutcomeEvidence:
    outcome_id: int
    horizon: str
    wording: str
    measures: tuple[MeasureEvidence, ...]
    activities: tuple[ActivityEvidence, ...]

    @property
    def horizon_label(self) -> str:
        return str(Horizon(self.horizon).label)

    @property
    def beyond_attune(self) -> bool:
        """Long-term outcomes happen for the population, years on: not in Attune's records."""
        return self.horizon == Horizon.LONG


@dataclass
class _Tally:
    with_baseline: int = 0
    pairs: int = 0
    improved: int = 0
    deteriorated: int = 0
    not_judged: int = 0


def _closed_episodes(teams: Sequence[Team], period: Period) -> Q:
    return Q(team__in=teams, closed_on__gte=period.start, closed_on__lte=period.end)


def _tally_measures(
    measure_codes: Sequence[str], teams: Sequence[Team], period: Period
) -> tuple[int, dict[str, _Tally]]:
    """Two queries: the closed episodes (and which started), then their baseline and end scores."""
    started_intervention = Exists(
        StageChange.objects.filter(episode=OuterRef("pk"), stage__in=INTERVENTION_STAGES)
    )
    cohort = Episode.objects.filter(_closed_episodes(teams, period))
    started = set(cohort.filter(started_intervention).values_list("pk", flat=True))  # query 1
    tallies = {code: _Tally() for code in measure_codes}
    if not measure_codes:
        return len(started), tallies
    administrations = (
        Administration.objects.filter(
            episode__in=cohort.values("pk"),
            instrument__code__in=list(measure_codes),
            timepoint__in=[Timepoint.BASELINE, Timepoint.END],
            primary_score__isnull=False,
        )
        # The answers (encrypted) and the full result are not needed for change.
        .defer("answers_json", "result")
        .select_related(
            "instrument",
            "respondent_person",
            "respondent_user",
            "subject_person",
            "subject_relationship__carer",
            "subject_relationship__baby",
        )
        .order_by("completed_on", "id")
    )  # query 2
    grouped: dict[tuple[str, int], list[Administration]] = defaultdict(list)
    for administration in administrations:
        assert administration.episode_id is not None
        grouped[(administration.instrument.code, administration.episode_id)].append(administration)
    for (code, episode_id), points in grouped.items():
        tally = tallies[code]
        if any(a.timepoint == Timepoint.BASELINE for a in points):
            tally.with_baseline += 1
        if episode_id not in started:
            continue
        paired = [
            series
            for series in measure_selectors.series_for(points)
            if series.baseline is not None
            and series.baseline.timepoint == Timepoint.BASELINE
            and series.latest is not None
            and series.latest.timepoint == Timepoint.END
        ]
        if not paired:
            continue
        # One pair per episode: with two carers answering, the earlier baseline's series.
        first = min(paired, key=lambda s: (s.baseline.completed_on, s.baseline.pk))  # type: ignore[union-attr]
        result = first.change()
        tally.pairs += 1
        classification = result.classification if result is not None else "not_computable"
        if classification in IMPROVED:
            tally.improved += 1
        elif classification in DETERIORATED:
            tally.deteriorated += 1
        elif classification == "not_computable":
            tally.not_judged += 1
    return len(started), tallies


def _labels(measure_codes: Sequence[str], teams: Sequence[Team]) -> dict[str, str]:
    labels: dict[str, str] = {}
    instruments = Instrument.objects.filter(code__in=list(measure_codes)).filter(
        Q(team__isnull=True) | Q(team__in=teams)
    )
    for instrument in instruments.order_by("code", "version"):
        labels.setdefault(instrument.code, instrument.parsed().short_name)
    return labels


def outcome_evidence(
    theory: TheoryOfChange, teams: Sequence[Team], period: Period
) -> list[OutcomeEvidence]:
    """Per outcome: each linked measure's figures and each linked activity's count."""
    outcomes = ordered_outcomes(theory)
    measure_codes = sorted({code for o in outcomes for code in o.measure_codes})
    activity_keys = sorted(
        {key for o in outcomes for key in o.activity_codes if key in ACTIVITY_COUNTS}
    )
    closed_started, tallies = _tally_measures(measure_codes, teams, period)
    labels = _labels(measure_codes, teams) if measure_codes else {}
    counts = {key: ACTIVITY_COUNTS[key].counter(teams, period) for key in activity_keys}

    def measure(code: str) -> MeasureEvidence:
        tally = tallies[code]
        return MeasureEvidence(
            code=code,
            label=labels.get(code, code),
            closed_started=closed_started,
            with_baseline=tally.with_baseline,
            pairs=tally.pairs,
            improved=tally.improved,
            deteriorated=tally.deteriorated,
            not_judged=tally.not_judged,
        )

    return [
        OutcomeEvidence(
            outcome_id=outcome.pk,
            horizon=outcome.horizon,
            wording=outcome.wording,
            measures=tuple(measure(code) for code in outcome.measure_codes),
            activities=tuple(
                ActivityEvidence(key, ACTIVITY_COUNTS[key].label, counts[key])
                for key in outcome.activity_codes
                if key in ACTIVITY_COUNTS
            ),
        )
        for outcome in outcomes
    ]
