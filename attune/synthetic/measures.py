"""Synthetic outcome measures: baseline, review and end questionnaires, risk flags, feedback.

Bulk inserts only (see generator.py on why services are bypassed). Every episode
that has reached assessment has a baseline PHQ-9 and GAD-7 from the baby's main
carer (and sometimes a KPCS, and a PHQ-9 from a father or partner); episodes in
the middle phase have a review PHQ-9, and most that have reached the ending
phase have end measures, with realistic change (most families improve, some do
not, a few get worse) and some missing data. Each team also gets a measure
schedule and its experience questions, and families who have finished answer
the Friends and Family Test.

Item answers are spread to give the drawn total, then scored by the same pure
``scoring.score`` the service uses, so every stored score is what Attune would
compute from the stored answers. The proportions below are rounded
approximations chosen to look believable, not statistics: never quote one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from attune.care import codes as care_codes
from attune.care.models import Episode, StageChange
from attune.families.codes import FATHER_OR_PARTNER_KINDS, CarerKind, MemberRole
from attune.families.models import CareRelationship, FamilyMember
from attune.measures import codes, scoring
from attune.measures.change import classify_change
from attune.measures.instruments import Definition
from attune.measures.models import (
    Administration,
    ExperienceQuestion,
    ExperienceResponse,
    Instrument,
    MeasureSchedule,
    RiskFlag,
)
from attune.measures.services import DEFAULT_EXPERIENCE_QUESTIONS, rating_key
from attune.synthetic.copy_rows import new_row
from attune.synthetic.dice import chance, one_of, pick, whole_number
from attune.synthetic.episodes import at

if TYPE_CHECKING:
    from attune.synthetic.generator import SyntheticRun

PHQ9, GAD7, KPCS = "phq9", "gad7", "kpcs"
INSTRUMENT_VERSION = "1"

# Each team's schedule: PHQ-9 and GAD-7 at assessment and ending, PHQ-9 at follow-up.
SCHEDULE: Sequence[tuple[str, str]] = (
    (PHQ9, codes.DueWhen.ASSESSMENT),
    (GAD7, codes.DueWhen.ASSESSMENT),
    (PHQ9, codes.DueWhen.ENDING),
    (GAD7, codes.DueWhen.ENDING),
    (PHQ9, codes.DueWhen.FOLLOW_UP),
)

MODE_WEIGHTS: Sequence[tuple[str, float]] = (
    (codes.Mode.IN_SESSION, 70),
    (codes.Mode.PAPER, 30),
)
# Share of main carers whose baseline PHQ-9 is at or above the cut-off (10). GAD-7 follows
# it closely (0.8 when the PHQ-9 is, 0.3 when not: about 60% overall at 8 or more).
PHQ9_CASENESS_SHARE = 0.60
GAD7_CASENESS_IF_DEPRESSED = 0.80
GAD7_CASENESS_IF_NOT = 0.30
# Fathers and partners are visible: a baseline PHQ-9 for some of them.
FATHER_PHQ9_SHARE = 0.35
KPCS_SHARE = 0.50
KPCS_LOW_CONFIDENCE_SHARE = 0.55  # of those, 39 or less at baseline
# How the main carer's scores move between baseline and end.
IMPROVED, NO_CHANGE, SMALL_IMPROVEMENT, DETERIORATED = (
    "improved",
    "no_change",
    "small_improvement",
    "deteriorated",
)
OUTCOME_WEIGHTS: Sequence[tuple[str, float]] = (
    (IMPROVED, 45),
    (NO_CHANGE, 40),
    (SMALL_IMPROVEMENT, 10),
    (DETERIORATED, 5),
)
# Ending episodes with no end measures (the family stopped coming, the forms never returned).
MISSING_END_SHARE = 0.15
# PHQ-9 administrations with item 9 above 0 (each raises a risk flag); at least one per team.
RISK_ITEM_SHARE = 0.03
RISK_FOLLOWED_UP_AFTER_DAYS = 7
FOLLOW_UP_NOTE = "Synthetic: followed up with the parent the same day."
# A change used for KPCS draws only: it has no published reliable change threshold.
KPCS_SYNTHETIC_STEP = 5

EXPERIENCE_SHARE = 0.60
EXPERIENCE_SHARED_SHARE = 0.30
FFT_WEIGHTS: Sequence[tuple[str, float]] = (
    (codes.FriendsAndFamily.VERY_GOOD, 62),
    (codes.FriendsAndFamily.GOOD, 27),
    (codes.FriendsAndFamily.NEITHER, 7),
    (codes.FriendsAndFamily.POOR, 4),
)
# Agreement ratings (1-5) for the team's questions, by the family's overall answer.
RATING_WEIGHTS: dict[str, Sequence[tuple[int, float]]] = {
    codes.FriendsAndFamily.VERY_GOOD: ((5, 70), (4, 25), (3, 5)),
    codes.FriendsAndFamily.GOOD: ((5, 30), (4, 50), (3, 15), (2, 5)),
    codes.FriendsAndFamily.NEITHER: ((4, 25), (3, 50), (2, 20), (1, 5)),
    codes.FriendsAndFamily.POOR: ((3, 30), (2, 45), (1, 25)),
}
FFT_REASON_SHARE = 0.5
FFT_REASONS: dict[str, Sequence[str]] = {
    codes.FriendsAndFamily.VERY_GOOD: (
        "Synthetic: my practitioner really listened to us.",
        "Synthetic: I understand my baby much better now.",
        "Synthetic: the home visits made it possible for us to keep going.",
    ),
    codes.FriendsAndFamily.GOOD: (
        "Synthetic: helpful sessions, though the wait was long.",
        "Synthetic: we feel closer as a family.",
    ),
    codes.FriendsAndFamily.NEITHER: ("Synthetic: some sessions helped more than others.",),
    codes.FriendsAndFamily.POOR: ("Synthetic: appointments were hard to fit around work.",),
}


@dataclass(frozen=True)
class Form:
    """One instrument's items, ready for drawing answers with a given total."""

    instrument: Instrument
    definition: Definition
    ranges: tuple[tuple[int, int], ...]
    reverse: tuple[bool, ...]
    # Items with a risk rule (0-based), and the lowest score that fires it.
    risk_items: tuple[tuple[int, int], ...]
    # The reliable change threshold, for drawing change of a believable size.
    step: int

    @classmethod
    def of(cls, instrument: Instrument) -> Form:
        definition = instrument.parsed()
        for item in definition.items:
            values = sorted(option.value for option in item.options)
            if values != list(range(item.min, item.max + 1)):
                raise ValueError(f"{definition.key} item {item.number}: options are not a run")
        risk = tuple(
            (rule.item - 1, max(1, int(rule.at_least or 1)))
            for rule in definition.risk_rules
            if rule.item is not None
        )
        change = definition.reliable_change
        threshold = change.threshold if change is not None else None
        return cls(
            instrument=instrument,
            definition=definition,
            ranges=tuple((item.min, item.max) for item in definition.items),
            reverse=tuple(item.reverse for item in definition.items),
            risk_items=risk,
            step=int(threshold) if threshold else KPCS_SYNTHETIC_STEP,
        )

    @property
    def low(self) -> int:
        return sum(low for low, _ in self.ranges)

    @property
    def high(self) -> int:
        return sum(high for _, high in self.ranges)

    @property
    def higher_better(self) -> bool:
        return self.definition.direction == "higher_better"

    def answers(self, run: SyntheticRun, total: int, risk: bool) -> dict[str, int]:
        """Responses as marked whose item scores add up to ``total`` (as near as they can).

        Risk items stay at their lowest unless ``risk``; reverse items are marked
        ``min + max - score`` because scoring reverses them back.
        """
        scores = [low for low, _ in self.ranges]
        held = {index for index, _ in self.risk_items}
        if risk:
            for index, fires_at in self.risk_items:
                scores[index] = min(self.ranges[index][1], fires_at + whole_number(run.rng, 0, 1))
        room = [i for i in range(len(scores)) if i not in held and scores[i] < self.ranges[i][1]]
        remaining = total - sum(scores)
        while remaining > 0 and room:
            at = int(run.rng.random() * len(room))
            index = room[at]
            scores[index] += 1
            remaining -= 1
            if scores[index] >= self.ranges[index][1]:  # full: no more points for this item
                room[at] = room[-1]
                room.pop()
        return {
            f"item{number}": (low + high - score) if reverse else score
            for number, ((low, high), reverse, score) in enumerate(
                zip(self.ranges, self.reverse, scores, strict=True), start=1
            )
        }


@dataclass
class Carers:
    """The people who answer: the baby's main carer and a father or partner, if any."""

    main: int
    father: int | None


@dataclass
class MeasureRows:
    administrations: list[Administration] = field(default_factory=list)
    flags: list[RiskFlag] = field(default_factory=list)
    responses: list[ExperienceResponse] = field(default_factory=list)


@dataclass(frozen=True)
class Planned:
    """A questionnaire to write: answers are drawn once the risk items are chosen."""

    episode: Episode
    form: Form
    person_id: int
    timepoint: str
    completed_on: date
    total: int


@dataclass
class Context:
    run: SyntheticRun
    forms: dict[str, Form]
    questions: dict[int, list[ExperienceQuestion]]
    planned: list[Planned] = field(default_factory=list)
    rows: MeasureRows = field(default_factory=MeasureRows)


def load_forms(extra: Sequence[str] = ()) -> dict[str, Form]:
    wanted = {PHQ9, GAD7, KPCS, *extra}
    instruments = Instrument.objects.filter(
        team__isnull=True, code__in=sorted(wanted), version=INSTRUMENT_VERSION
    )
    forms = {instrument.code: Form.of(instrument) for instrument in instruments}
    missing = wanted - forms.keys()
    if missing:
        raise LookupError(f"Shipped instruments missing (run migrate): {sorted(missing)}")
    return forms


def carers_by_family(run: SyntheticRun) -> dict[int, Carers]:
    """Each family's main carer (a birth mother when there is one) and father or partner."""
    members = FamilyMember.objects.filter(
        family__team__in=run.teams, role=MemberRole.CARER
    ).order_by("id")
    first_carer: dict[int, int] = {}
    for family_id, person_id in members.values_list("family_id", "person_id"):
        first_carer.setdefault(family_id, person_id)
    mothers: dict[int, int] = {}
    fathers: dict[int, list[int]] = {}
    links = CareRelationship.objects.filter(family__team__in=run.teams).order_by("id")
    for family_id, carer_id, kind in links.values_list("family_id", "carer_id", "kind"):
        if kind == CarerKind.BIRTH_MOTHER:
            mothers.setdefault(family_id, carer_id)
        elif kind in FATHER_OR_PARTNER_KINDS:
            fathers.setdefault(family_id, []).append(carer_id)
    carers: dict[int, Carers] = {}
    for family_id, first in first_carer.items():
        main = mothers.get(family_id, first)
        father = next((pk for pk in fathers.get(family_id, []) if pk != main), None)
        carers[family_id] = Carers(main=main, father=father)
    return carers


def stage_dates(run: SyntheticRun) -> dict[int, dict[str, date]]:
    changes = StageChange.objects.filter(episode__team__in=run.teams).order_by("changed_on", "id")
    dates: dict[int, dict[str, date]] = {}
    for episode_id, stage, day in changes.values_list("episode_id", "stage", "changed_on"):
        dates.setdefault(episode_id, {}).setdefault(stage, day)
    return dates


def clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def baseline_total(run: SyntheticRun, form: Form, in_range: bool) -> int:
    """A baseline total inside (or outside) the clinical range, most often near the cut-off."""
    cutoff = form.definition.clinical_cutoff
    assert cutoff is not None
    value = int(cutoff.value)
    rng = run.rng
    if cutoff.rule == ">=":
        if in_range:
            drawn = rng.triangular(value, form.high - 2, value + 3)
        else:
            drawn = rng.triangular(form.low + 1, value, value - 3)
    elif in_range:  # "<=": lower is worse, as for KPCS
        drawn = rng.triangular(value - 12, value + 1, value - 3)
    else:
        drawn = rng.triangular(value + 1, form.high + 1, value + 3)
    return clamp(int(drawn), form.low, form.high)


def improvement_for(run: SyntheticRun, form: Form, outcome: str) -> int:
    """How many points better (negative: worse) the end score is than the baseline."""
    step, rng = form.step, run.rng
    if outcome == IMPROVED:
        return step + whole_number(rng, 0, step + 2)
    if outcome == SMALL_IMPROVEMENT:
        return whole_number(rng, step // 2, step - 1)
    if outcome == DETERIORATED:
        return -(step + whole_number(rng, 0, step // 2))
    return whole_number(rng, -(step // 2), step // 2)


def moved(form: Form, baseline: int, improvement: int) -> int:
    sign = 1 if form.higher_better else -1
    return clamp(baseline + sign * improvement, form.low, form.high)


def administration(
    ctx: Context,
    episode: Episode,
    form: Form,
    person_id: int,
    timepoint: str,
    day: date,
    total: int,
) -> None:
    ctx.planned.append(Planned(episode, form, person_id, timepoint, min(day, ctx.run.today), total))


def choose_risks(ctx: Context) -> set[int]:
    """Which planned questionnaires have a risk item answered above its lowest.

    About ``RISK_ITEM_SHARE`` of each team's questionnaires with a risk item, and at
    least one per team that has any, so every team's risk follow-up list has a task.
    """
    by_team: dict[int, list[int]] = {}
    for index, planned in enumerate(ctx.planned):
        if planned.form.risk_items:
            by_team.setdefault(planned.episode.team_id, []).append(index)
    chosen: set[int] = set()
    for indexes in by_team.values():
        wanted = max(1, round(RISK_ITEM_SHARE * len(indexes)))
        chosen.update(ctx.run.rng.sample(indexes, wanted))
    return chosen


def write_planned(ctx: Context, planned: Planned, risk: bool) -> None:
    """One questionnaire, scored and mapped to fields as ``record_administration`` does."""
    run, episode, form = ctx.run, planned.episode, planned.form
    answers = form.answers(run, planned.total, risk)
    result = scoring.score(form.definition, answers)
    row = new_row(
        Administration,
        team_id=episode.team_id,
        family_id=episode.family_id,
        episode=episode,
        instrument=form.instrument,
        respondent_kind=codes.RespondentKind.CARER,
        respondent_person_id=planned.person_id,
        respondent_user=None,
        subject_kind=codes.SubjectKind.CARER,
        subject_person_id=planned.person_id,
        subject_relationship=None,
        timepoint=planned.timepoint,
        completed_on=planned.completed_on,
        mode=pick(run.rng, MODE_WEIGHTS),
        answers_json=json.dumps(answers, sort_keys=True),
        status=result.status,
        primary_score=result.primary,
        caseness=result.caseness,
        band=result.band or "",
        result=result.to_dict(),
        recorded_by_id=episode.lead_practitioner_id,
    )
    ctx.rows.administrations.append(row)
    old = planned.completed_on < run.today - timedelta(days=RISK_FOLLOWED_UP_AFTER_DAYS)
    for flag in result.flags:  # as the service: every flag on the result is a task
        ctx.rows.flags.append(
            new_row(
                RiskFlag,
                team_id=episode.team_id,
                administration=row,
                episode=episode,
                code=flag.code,
                message=flag.message[:400],
                assigned_to_id=episode.lead_practitioner_id,
                followed_up_at=at(planned.completed_on, 17) if old else None,
                followed_up_by_id=episode.lead_practitioner_id if old else None,
                follow_up_note=FOLLOW_UP_NOTE if old else "",
            )
        )


def baseline_battery(ctx: Context, *, depressed: bool, anxious: bool) -> dict[str, int]:
    """Baseline totals for the run's battery: PHQ-9 and GAD-7, KPCS, then any extras."""
    run, forms, volumes = ctx.run, ctx.forms, ctx.run.size.volumes
    baseline = {
        PHQ9: baseline_total(run, forms[PHQ9], depressed),
        GAD7: baseline_total(run, forms[GAD7], anxious),
    }
    if volumes.always_kpcs or chance(run.rng, KPCS_SHARE):
        in_range = chance(run.rng, KPCS_LOW_CONFIDENCE_SHARE)
        baseline[KPCS] = baseline_total(run, forms[KPCS], in_range)
    for code in volumes.extra_measures:
        baseline[code] = baseline_total(run, forms[code], depressed or anxious)
    return baseline


def review_days(run: SyntheticRun, starts: dict[str, date], ending: date | None) -> list[date]:
    """When reviews happen: every so many days of therapy, or once in the middle phase."""
    every = run.size.volumes.review_every_days
    if every is None:
        middle = starts.get(care_codes.Stage.MIDDLE)
        return [middle] if middle is not None else []
    therapy = starts.get(care_codes.Stage.EARLY)
    if therapy is None:
        return []
    last = ending or run.today
    days, day = [], therapy + timedelta(days=every)
    while day < last:
        days.append(day)
        day += timedelta(days=every)
    return days


def review_total(ctx: Context, form: Form, baseline: int, end: int, share: float) -> int:
    """A review score part of the way from baseline to end, with some noise."""
    value = baseline + round((end - baseline) * share) + whole_number(ctx.run.rng, -2, 2)
    return clamp(value, form.low, form.high)


def measure_series(
    ctx: Context,
    episode: Episode,
    person_id: int,
    baseline: dict[str, int],
    starts: dict[str, date],
) -> None:
    """One person's questionnaires: baseline, reviews as the work goes on, and the end."""
    run, forms = ctx.run, ctx.forms
    assessed = starts[care_codes.Stage.ASSESSMENT]
    for code, total in baseline.items():
        administration(
            ctx, episode, forms[code], person_id, codes.Timepoint.BASELINE, assessed, total
        )
    # One outcome for the person: their measures tend to move together.
    outcome = pick(run.rng, OUTCOME_WEIGHTS)
    end = {
        code: moved(forms[code], total, improvement_for(run, forms[code], outcome))
        for code, total in baseline.items()
    }
    ending = starts.get(care_codes.Stage.ENDING) or episode.closed_on
    reviews = review_days(run, starts, ending)
    # Reviews of the whole battery when they are regular; otherwise one PHQ-9.
    reviewed = list(baseline) if run.size.volumes.review_every_days else [PHQ9]
    for number, day in enumerate(reviews, start=1):
        share = run.rng.uniform(0.3, 0.8) if len(reviews) == 1 else number / (len(reviews) + 1)
        for code in reviewed:
            total = review_total(ctx, forms[code], baseline[code], end[code], share)
            administration(ctx, episode, forms[code], person_id, codes.Timepoint.REVIEW, day, total)
    if ending is not None and not chance(run.rng, MISSING_END_SHARE):
        for code, total in end.items():
            administration(ctx, episode, forms[code], person_id, codes.Timepoint.END, ending, total)


def build_measures(ctx: Context, episode: Episode, starts: dict[str, date], carers: Carers) -> None:
    """The episode's questionnaires, as far along the path as it has travelled."""
    run, volumes = ctx.run, ctx.run.size.volumes
    depressed = chance(run.rng, PHQ9_CASENESS_SHARE)
    anxious = chance(run.rng, GAD7_CASENESS_IF_DEPRESSED if depressed else GAD7_CASENESS_IF_NOT)
    main_baseline = baseline_battery(ctx, depressed=depressed, anxious=anxious)
    measure_series(ctx, episode, carers.main, main_baseline, starts)
    if carers.father is None or not chance(run.rng, FATHER_PHQ9_SHARE):
        return
    father_depressed = chance(run.rng, PHQ9_CASENESS_SHARE / 2)
    if volumes.father_full_battery:
        father_anxious = chance(run.rng, GAD7_CASENESS_IF_NOT)
        baseline = baseline_battery(ctx, depressed=father_depressed, anxious=father_anxious)
        measure_series(ctx, episode, carers.father, baseline, starts)
    else:
        total = baseline_total(run, ctx.forms[PHQ9], father_depressed)
        assessed = starts[care_codes.Stage.ASSESSMENT]
        administration(
            ctx, episode, ctx.forms[PHQ9], carers.father, codes.Timepoint.BASELINE, assessed, total
        )


def experience(ctx: Context, episode: Episode, closed_on: date) -> None:
    """A family's Friends and Family Test answer and ratings when their work ended."""
    run = ctx.run
    fft = pick(run.rng, FFT_WEIGHTS)
    ratings = {
        rating_key(question.pk): {
            "wording": question.wording,
            "rating": pick(run.rng, RATING_WEIGHTS[fft]),
        }
        for question in ctx.questions.get(episode.team_id, [])
    }
    reason = one_of(run.rng, FFT_REASONS[fft]) if chance(run.rng, FFT_REASON_SHARE) else ""
    shared = chance(run.rng, EXPERIENCE_SHARED_SHARE)
    ctx.rows.responses.append(
        ExperienceResponse(
            team_id=episode.team_id,
            timepoint=codes.Timepoint.END,
            received_on=min(closed_on, run.today),
            fft_rating=fft,
            fft_reason=reason,
            ratings=ratings,
            shared_with_practitioner=shared,
            episode=episode if shared else None,
        )
    )


def make_team_settings(run: SyntheticRun) -> dict[int, list[ExperienceQuestion]]:
    """Each team's schedule lines and experience questions (only those it lacks).

    Returns the team's active experience questions, which the families answer.
    """
    from attune.synthetic.generator import bulk_insert

    have = set(
        MeasureSchedule.objects.filter(team__in=run.teams, applies_to__isnull=True).values_list(
            "team_id", "instrument_code", "due_when"
        )
    )
    schedules = [
        MeasureSchedule(team=team, instrument_code=code, due_when=due_when)
        for team in run.teams
        for code, due_when in SCHEDULE
        if (team.pk, code, due_when) not in have
    ]
    bulk_insert(run, MeasureSchedule, schedules, "measure schedules", bar=False)

    questions: dict[int, list[ExperienceQuestion]] = {team.pk: [] for team in run.teams}
    existing = ExperienceQuestion.objects.filter(team__in=run.teams).order_by("position", "id")
    for question in existing:
        questions[question.team_id].append(question)
    new = [
        ExperienceQuestion(team=team, wording=wording, position=position)
        for team in run.teams
        if not questions[team.pk]
        for position, wording in enumerate(DEFAULT_EXPERIENCE_QUESTIONS)
    ]
    for question in bulk_insert(run, ExperienceQuestion, new, "experience questions", bar=False):
        questions[question.team_id].append(question)
    return {
        team_id: [question for question in team_questions if question.is_active]
        for team_id, team_questions in questions.items()
    }


def pair_end_scores(rows: Sequence[Administration]) -> list[Administration]:
    """Give each end score its baseline and classified change, as the service does."""
    baselines: dict[tuple[object, ...], Administration] = {}
    for row in rows:
        if row.timepoint == codes.Timepoint.BASELINE and row.primary_score is not None:
            baselines.setdefault((row.episode_id, *row.same_series_key()), row)
    paired = []
    for row in rows:
        if row.timepoint != codes.Timepoint.END or row.primary_score is None:
            continue
        baseline = baselines.get((row.episode_id, *row.same_series_key()))
        if baseline is None or baseline.primary_score is None:
            continue
        result = classify_change(row.instrument.parsed(), baseline.primary_score, row.primary_score)
        row.change_baseline = baseline
        row.change_classification = result.classification
        row.change_improvement = result.improvement
        paired.append(row)
    return paired


def make_measures(run: SyntheticRun) -> None:
    """Questionnaires for every episode that has reached assessment, and end-of-work feedback."""
    from attune.synthetic.generator import bulk_insert

    forms = load_forms(run.size.volumes.extra_measures)
    ctx = Context(run=run, forms=forms, questions=make_team_settings(run))
    carers = carers_by_family(run)
    starts = stage_dates(run)
    episodes = Episode.objects.filter(team__in=run.teams, administrations__isnull=True).order_by(
        "id"
    )
    for episode in episodes.iterator(chunk_size=2000):
        begun = starts.get(episode.pk, {})
        family_carers = carers.get(episode.family_id)
        if care_codes.Stage.ASSESSMENT not in begun or family_carers is None:
            continue
        build_measures(ctx, episode, begun, family_carers)
        if episode.closed_on is not None and chance(run.rng, EXPERIENCE_SHARE):
            experience(ctx, episode, episode.closed_on)
    risks = choose_risks(ctx)
    for index, planned in enumerate(ctx.planned):
        write_planned(ctx, planned, index in risks)
    # Ends go in after the rest, so each can point at its baseline's key when it is written.
    rows = ctx.rows.administrations
    earlier = [row for row in rows if row.timepoint != codes.Timepoint.END]
    ends = [row for row in rows if row.timepoint == codes.Timepoint.END]
    saved = bulk_insert(run, Administration, earlier, "administrations")
    pair_end_scores([*saved, *ends])
    bulk_insert(run, Administration, ends, "administrations")
    bulk_insert(run, RiskFlag, ctx.rows.flags, "risk flags")
    bulk_insert(run, ExperienceResponse, ctx.rows.responses, "experience responses")
