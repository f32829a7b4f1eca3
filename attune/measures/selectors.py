"""Reads for the measures pages: series over time with change, what is due, open risk tasks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.fields.json import KT
from django.utils import timezone

from attune.accounts.models import Team
from attune.care.codes import Stage
from attune.care.models import CarePackageItem, Episode, InterventionOption, StageChange
from attune.families.models import Family
from attune.measures import change, codes
from attune.measures.instruments import Definition
from attune.measures.models import (
    Administration,
    ExperienceResponse,
    Instrument,
    MeasureSchedule,
    QuestionnaireLink,
    ReferrerFeedback,
    RiskFlag,
)
from attune.referrals.models import Referral


def instruments_for(team: Team) -> list[Instrument]:
    """Every active instrument version the team may use, shipped and its own."""
    return list(Instrument.objects.available_to(team).order_by("code", "version"))


def latest_instruments_for(team: Team) -> list[Instrument]:
    """One row per instrument code: its newest version (the one offered for new entries)."""
    newest: dict[str, Instrument] = {}
    for instrument in instruments_for(team):
        current = newest.get(instrument.code)
        if current is None or _version_key(instrument.version) > _version_key(current.version):
            newest[instrument.code] = instrument
    return sorted(newest.values(), key=lambda i: i.parsed().short_name.lower())


def _version_key(version: str) -> tuple[int | str, ...]:
    return tuple(int(part) if part.isdigit() else part for part in version.split("."))


def episode_administrations(episode: Episode) -> QuerySet[Administration]:
    return (
        Administration.objects.filter(episode=episode)
        .select_related(
            "instrument",
            "respondent_person",
            "respondent_user",
            "subject_person",
            "subject_relationship__carer",
            "subject_relationship__baby",
        )
        .order_by("completed_on", "id")
    )


# Series and change ---------------------------------------------------------------------


@dataclass
class Series:
    """Scores of one instrument version, one respondent and one subject, in date order."""

    definition: Definition
    respondent: str
    subject: str
    points: list[Administration] = field(default_factory=list)

    @property
    def scored(self) -> list[Administration]:
        return [a for a in self.points if a.primary_score is not None]

    @property
    def baseline(self) -> Administration | None:
        scored = self.scored
        firsts = [a for a in scored if a.timepoint == codes.Timepoint.BASELINE]
        return firsts[0] if firsts else (scored[0] if scored else None)

    @property
    def latest(self) -> Administration | None:
        scored = self.scored
        return scored[-1] if len(scored) > 1 else None

    def change(self) -> change.ChangeResult | None:
        """Change from the baseline to the latest score, classified by the definition's rules."""
        first, last = self.baseline, self.latest
        if first is None or last is None or first.pk == last.pk:
            return None
        assert first.primary_score is not None and last.primary_score is not None
        return change.classify_change(self.definition, first.primary_score, last.primary_score)


def _respondent_label(administration: Administration) -> str:
    if administration.respondent_person is not None:
        return administration.respondent_person.display_name
    user = administration.respondent_user
    return f"{user.display_name} (practitioner)" if user else "Practitioner"


def _subject_label(administration: Administration) -> str:
    relationship = administration.subject_relationship
    if relationship is not None:
        return f"{relationship.carer.display_name} and {relationship.baby.display_name}"
    person = administration.subject_person
    return person.display_name if person else ""


def series_for(administrations: Sequence[Administration]) -> list[Series]:
    """Group into series: change is only ever computed within one of them."""
    grouped: dict[tuple[object, ...], Series] = {}
    for administration in administrations:
        key = administration.same_series_key()
        if key not in grouped:
            grouped[key] = Series(
                definition=administration.instrument.parsed(),
                respondent=_respondent_label(administration),
                subject=_subject_label(administration),
            )
        grouped[key].points.append(administration)
    return sorted(grouped.values(), key=lambda s: (s.definition.short_name, s.respondent))


# What is due ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DueMeasure:
    instrument_code: str
    label: str
    due_when: str
    timepoint: str
    due_on: date | None
    status: str  # "not_yet", "due", "overdue", "done", "waived"

    @property
    def status_label(self) -> str:
        return {
            "not_yet": "Not due yet",
            "due": "Due",
            "overdue": "Overdue",
            "done": "Done",
            "waived": "Not being collected",
        }[self.status]

    @property
    def timepoint_label(self) -> str:
        return str(codes.Timepoint(self.timepoint).label)


_STAGE_FOR_DUE = {
    codes.DueWhen.ASSESSMENT: Stage.ASSESSMENT,
    codes.DueWhen.MIDDLE: Stage.MIDDLE,
    codes.DueWhen.ENDING: Stage.ENDING,
}


def _due_on(schedule: MeasureSchedule, episode: Episode, started: dict[str, date]) -> date | None:
    if schedule.due_when == codes.DueWhen.FOLLOW_UP:
        return episode.follow_up_on if episode.stage == Stage.CLOSED else None
    return started.get(_STAGE_FOR_DUE[codes.DueWhen(schedule.due_when)])


def _status(
    schedule: MeasureSchedule, episode: Episode, due_on: date | None, done: bool, today: date
) -> str:
    if done:
        return "done"
    if schedule.due_when == codes.DueWhen.ENDING and episode.end_measures_waived:
        return "waived"
    if due_on is None or due_on > today:
        return "not_yet"
    overdue = today > due_on + timedelta(days=schedule.overdue_after_days)
    return "overdue" if overdue else "due"


@dataclass
class _EpisodeFacts:
    """What the due rules need of each episode, loaded for many episodes at once."""

    started: dict[int, dict[str, date]]
    interventions: dict[int, set[int]]
    recorded: dict[int, set[tuple[str, str]]]
    schedules: dict[int, list[MeasureSchedule]]
    labels: dict[str, str]


def _facts(episodes: Sequence[Episode]) -> _EpisodeFacts:
    ids = [e.pk for e in episodes]
    team_ids = {e.team_id for e in episodes}
    started: dict[int, dict[str, date]] = defaultdict(dict)
    for change_row in StageChange.objects.filter(episode_id__in=ids).order_by("changed_on"):
        started[change_row.episode_id].setdefault(change_row.stage, change_row.changed_on)
    interventions: dict[int, set[int]] = defaultdict(set)
    for episode_id, option_id in CarePackageItem.objects.filter(episode_id__in=ids).values_list(
        "episode_id", "intervention_id"
    ):
        interventions[episode_id].add(option_id)
    recorded: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for episode_id, code, timepoint in (
        Administration.objects.filter(episode_id__in=ids)
        .values_list("episode_id", "instrument__code", "timepoint")
        .distinct()
    ):
        recorded[episode_id].add((code, timepoint))
    schedules: dict[int, list[MeasureSchedule]] = defaultdict(list)
    for schedule in MeasureSchedule.objects.filter(team_id__in=team_ids):
        schedules[schedule.team_id].append(schedule)
    # Only the short names: parsing every instrument's whole definition for its label was
    # a third of the caseload page's time (docs/performance.md).
    labels = {
        code: short_name or ""
        for code, short_name in Instrument.objects.filter(
            Q(team__isnull=True) | Q(team_id__in=team_ids)
        ).values_list("code", KT("definition__short_name"))
    }
    return _EpisodeFacts(started, interventions, recorded, schedules, labels)


def _due_for(episode: Episode, facts: _EpisodeFacts, today: date) -> list[DueMeasure]:
    due = []
    for schedule in facts.schedules.get(episode.team_id, []):
        if schedule.applies_to_id and schedule.applies_to_id not in facts.interventions.get(
            episode.pk, set()
        ):
            continue
        timepoint = codes.TIMEPOINT_FOR_DUE[codes.DueWhen(schedule.due_when)]
        due_on = _due_on(schedule, episode, facts.started.get(episode.pk, {}))
        done = (schedule.instrument_code, timepoint) in facts.recorded.get(episode.pk, set())
        due.append(
            DueMeasure(
                instrument_code=schedule.instrument_code,
                label=facts.labels.get(schedule.instrument_code, schedule.instrument_code),
                due_when=schedule.due_when,
                timepoint=timepoint,
                due_on=due_on,
                status=_status(schedule, episode, due_on, done, today),
            )
        )
    return due


def due_measures(episode: Episode, today: date) -> list[DueMeasure]:
    """The team's schedule applied to one episode: what is due, overdue or done."""
    return _due_for(episode, _facts([episode]), today)


def caseload_attention(episodes: Sequence[Episode], today: date) -> dict[int, list[str]]:
    """For the caseload: overdue measures and open risk answers, in a fixed number of queries."""
    if not episodes:
        return {}
    attention: dict[int, list[str]] = defaultdict(list)
    teams = {e.team_id for e in episodes}
    # Without a schedule nothing can be overdue: skip the queries the due rules need.
    if MeasureSchedule.objects.filter(team_id__in=teams).exists():
        facts = _facts(episodes)
        for episode in episodes:
            for item in _due_for(episode, facts, today):
                if item.status == "overdue":
                    label = f"{item.label} overdue ({item.timepoint_label.lower()})"
                    attention[episode.pk].append(label)
    open_flags = (
        RiskFlag.objects.filter(episode__in=[e.pk for e in episodes], followed_up_at=None)
        .values("episode_id")
        .annotate(n=Count("id"))
    )
    for row in open_flags:
        attention[row["episode_id"]].append("Risk answer to follow up")
    return dict(attention)


def end_measures_recorded(episode: Episode) -> bool:
    return Administration.objects.filter(
        episode=episode, timepoint=codes.Timepoint.END, status="scored"
    ).exists()


def open_risk_flags_for(user: object, team: Team) -> QuerySet[RiskFlag]:
    """Risk answers not yet followed up: one practitioner's tasks, or the team's (user None)."""
    return (
        RiskFlag.objects.filter(team=team, followed_up_at=None)
        .filter(**({} if user is None else {"assigned_to": user}))
        .select_related("episode__family", "administration__instrument", "assigned_to")
        .order_by("created_at")
    )


def family_administrations(family: Family, team: Team) -> list[Administration]:
    """Every administration for a family in the team, across its episodes, oldest first."""
    return list(
        Administration.objects.filter(family=family, team=team)
        .select_related(
            "instrument",
            "respondent_person",
            "respondent_user",
            "subject_person",
            "subject_relationship__carer",
            "subject_relationship__baby",
        )
        .order_by("completed_on", "id")
    )


def waiting_links(episode: Episode) -> list[QuestionnaireLink]:
    """Links sent for an episode that can still be answered."""
    return list(
        QuestionnaireLink.objects.filter(
            episode=episode, used_at=None, withdrawn_at=None, expires_at__gt=timezone.now()
        ).select_related("instrument", "respondent")
    )


def team_interventions(team: Team) -> list[InterventionOption]:
    return list(InterventionOption.objects.filter(team=team, is_active=True))


def schedule_lines(team: Team) -> list[MeasureSchedule]:
    return list(MeasureSchedule.objects.filter(team=team).select_related("applies_to"))


@dataclass(frozen=True)
class ExperienceSummary:
    fft_counts: dict[str, int]
    answered: int
    positive: int
    referrer: dict[str, float | int | None]
    reasons: list[str]
    comments: list[str]


def experience_summary(team: Team, *, free_text_limit: int = 50) -> ExperienceSummary:
    """FFT counts, referrer averages and the latest free text, by aggregate queries."""
    counts = dict(
        ExperienceResponse.objects.filter(team=team)
        .values("fft_rating")
        .annotate(n=Count("id"))
        .values_list("fft_rating", "n")
    )
    answered = sum(n for rating, n in counts.items() if rating != codes.FriendsAndFamily.DONT_KNOW)
    referrer = ReferrerFeedback.objects.filter(team=team).aggregate(
        n=Count("id"), ease=Avg("ease"), clarity=Avg("clarity"), usefulness=Avg("usefulness")
    )
    recent = ExperienceResponse.objects.filter(team=team).exclude(fft_reason="")
    return ExperienceSummary(
        fft_counts=counts,
        answered=answered,
        positive=sum(counts.get(rating, 0) for rating in codes.FFT_POSITIVE),
        referrer=referrer,
        reasons=[r.fft_reason for r in recent[:free_text_limit]],
        comments=[
            f.comment
            for f in ReferrerFeedback.objects.filter(team=team).exclude(comment="")[
                :free_text_limit
            ]
        ],
    )


def feedback_stages_given(referral: Referral) -> set[str]:
    return set(ReferrerFeedback.objects.filter(referral=referral).values_list("stage", flat=True))


def open_risk_flags_for_episode(episode: Episode) -> QuerySet[RiskFlag]:
    return RiskFlag.objects.filter(episode=episode, followed_up_at=None).order_by("created_at")


def family_of_administration(administration_id: int) -> int | None:
    return (
        Administration.objects.filter(pk=administration_id)
        .values_list("family_id", flat=True)
        .first()
    )


def family_of_risk_flag(flag_id: int) -> int | None:
    return (
        RiskFlag.objects.filter(pk=flag_id)
        .values_list("administration__family_id", flat=True)
        .first()
    )
