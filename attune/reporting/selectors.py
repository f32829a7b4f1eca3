"""The team dashboard's figures, each computed by aggregate queries in the database.

No figure loads families into Python to count them: each is a ``values().annotate()``
or ``aggregate()`` query, and medians and 90th percentiles fetch the one row at that
position of an ordered query. The one exception is waiting times, where one query
returns three dates per episode (no names) and the bands and percentiles are counted
from them, instead of ten scans of every contact (``episode_waits``). The number of
queries depends on the sections only, never on the number of families or teams (pinned
by query-count tests).

Each section returns ``Figure`` tables: a title, columns and rows of plain values,
which the page shows as a table beside a chart and the downloads reuse as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Avg,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    StdDev,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncDate, TruncMonth
from django.utils import timezone

from attune.accounts.models import Team
from attune.care.codes import Attendance, LocationType, Modality, Stage
from attune.care.models import Contact, Episode, StageChange
from attune.families.ages import add_months
from attune.families.codes import FATHER_OR_PARTNER_KINDS, CarerKind
from attune.families.models import AgeRules, CareRelationship
from attune.groups.models import Attendance as GroupAttendance
from attune.groups.models import GroupSession
from attune.measures.codes import FFT_POSITIVE, FriendsAndFamily, Timepoint
from attune.measures.models import (
    Administration,
    ExperienceQuestion,
    ExperienceResponse,
    Instrument,
    ReferrerFeedback,
)
from attune.measures.services import rating_key
from attune.outreach.models import (
    Consultation,
    OutreachActivity,
    TrainingAttendee,
    TrainingCourse,
)
from attune.referrals.codes import Reason, ReferrerRole, Status, StressorDomain, StressorStatus
from attune.referrals.models import Referral, StressorAnswer
from attune.reporting.periods import Period

# The latest free-text comments shown to the team (never to commissioners).
FREE_TEXT_SHOWN = 20
# Waits are shown in these bands (weeks), for the distribution chart.
WAIT_BANDS_WEEKS = (2, 6, 12, 18, 26)


@dataclass(frozen=True)
class Figure:
    """One table of the report. ``counts`` names the columns holding counts (suppressed
    for commissioners); ``chart`` is the column the chart draws, by its index."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    counts: tuple[int, ...] = ()
    chart: int | None = None
    chart_kind: str = "bar"
    note: str = ""
    # Rows that name a member of staff: never shown to commissioners.
    names_staff: bool = False
    # A count column that is the sum of the row's other count columns (suppressed together).
    row_total: int | None = None


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)
    summary: list[tuple[str, Any]] = field(default_factory=list)
    # What families and referrers wrote: for the team only, never for commissioners.
    free_text: list[str] = field(default_factory=list)


def _in_period(period: Period, field_name: str) -> Q:
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lte": period.end})


def _at_in_period(period: Period, field_name: str) -> Q:
    return Q(**{f"{field_name}__gte": period.start_at(), f"{field_name}__lt": period.end_before()})


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def _days(value: timedelta | None) -> int | None:
    return value.days if value is not None else None


def percentile(queryset: QuerySet[Any], expression: str, fraction: float) -> timedelta | None:
    """The value at ``fraction`` (0.5 median, 0.9 90th percentile) of an annotated duration,
    by the nearest-rank method: one ordered query returning one row."""
    ordered = queryset.exclude(**{f"{expression}__isnull": True}).order_by(expression)
    count = ordered.count()
    if not count:
        return None
    return ordered.values_list(expression, flat=True)[_rank(fraction, count) - 1]


def _rank(fraction: float, count: int) -> int:
    """The nearest rank, 1 to count: ceil(fraction * count), kept to 3 decimal places."""
    return min(max(1, -(-int(fraction * count * 1000) // 1000)), count)


# Referrals ------------------------------------------------------------------------------


def referrals(teams: Sequence[Team], period: Period) -> Section:
    received = Referral.objects.filter(team__in=teams).filter(_in_period(period, "received_on"))
    section = Section("Referrals")
    by_month = (
        received.annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    section.figures.append(
        Figure(
            "referrals_by_month",
            "Referrals received, by month",
            ["Month", "Referrals"],
            [[f"{row['month']:%b %Y}", row["n"]] for row in by_month],
            counts=(1,),
            chart=1,
            chart_kind="column",
        )
    )
    roles = dict(ReferrerRole.choices)
    by_role = received.values("referrer_role").annotate(n=Count("id")).order_by("-n")
    section.figures.append(
        Figure(
            "referrals_by_role",
            "Who referred",
            ["Referrer", "Referrals"],
            [[roles.get(r["referrer_role"], r["referrer_role"]), r["n"]] for r in by_role],
            counts=(1,),
            chart=1,
        )
    )
    by_org = (
        received.values("referrer_organisation")
        .annotate(n=Count("id"))
        .order_by("-n", "referrer_organisation")[:10]
    )
    section.figures.append(
        Figure(
            "referrals_by_organisation",
            "Referring organisations (the ten most frequent)",
            ["Organisation", "Referrals"],
            [[r["referrer_organisation"] or "Not given", r["n"]] for r in by_org],
            counts=(1,),
            chart=1,
        )
    )
    # Reasons are a JSON list: each is counted by matching its quoted code in the text.
    as_text = received.annotate(reasons_text=Cast("reasons", TextField()))
    reason_counts = as_text.aggregate(
        **{
            code: Count("id", filter=Q(reasons_text__contains=f'"{code}"'))
            for code in Reason.values
        }
    )
    section.figures.append(
        Figure(
            "referrals_by_reason",
            "Reasons for referral (a referral can give several)",
            ["Reason", "Referrals"],
            [[label, reason_counts[code]] for code, label in Reason.choices],
            counts=(1,),
            chart=1,
        )
    )
    stressors = dict(
        StressorAnswer.objects.filter(referral__in=received, status=StressorStatus.PRESENT)
        .values("domain")
        .annotate(n=Count("id"))
        .values_list("domain", "n")
    )
    section.figures.append(
        Figure(
            "referrals_by_stressor",
            "Stressors noted at referral",
            ["Stressor", "Referrals"],
            [[label, stressors.get(code, 0)] for code, label in StressorDomain.choices],
            counts=(1,),
            chart=1,
        )
    )
    statuses = dict(received.values("status").annotate(n=Count("id")).values_list("status", "n"))
    accepted = statuses.get(Status.WAITING, 0) + statuses.get(Status.ALLOCATED, 0)
    declined = statuses.get(Status.DECLINED, 0)
    consultation = statuses.get(Status.CONSULTATION, 0)
    decided = accepted + declined + consultation
    triage_wait = received.annotate(first_triage=Min(TruncDate("decisions__decided_at"))).annotate(
        to_triage=ExpressionWrapper(
            F("first_triage") - F("received_on"), output_field=DurationField()
        )
    )
    section.figures.append(
        Figure(
            "referral_outcomes",
            "What triage decided",
            ["Decision", "Referrals", "Share of those decided"],
            [
                ["Accepted", accepted, _share(accepted, decided)],
                ["Declined, with signposting", declined, _share(declined, decided)],
                ["Consultation offered instead", consultation, _share(consultation, decided)],
                ["Not yet decided", sum(statuses.values()) - decided, ""],
            ],
            counts=(1,),
            chart=1,
        )
    )
    section.summary = [
        ("Referrals received", sum(statuses.values())),
        ("Median days from referral to triage", _days(percentile(triage_wait, "to_triage", 0.5))),
        ("90th percentile, days to triage", _days(percentile(triage_wait, "to_triage", 0.9))),
    ]
    return section


# Waiting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EpisodeWaits:
    """How long families waited, for the episodes first seen or started in the period."""

    to_contact: list[timedelta]
    to_start: list[timedelta]


def episode_waits(teams: Sequence[Team], period: Period) -> EpisodeWaits:
    """Each episode's wait from referral to its first attended contact, and to the start of
    the intervention (its first move to the early phase), in one query.

    The first contact and the start are each found by a per-episode subquery that the
    (episode, time) indexes answer with one probe, rather than a join of every contact
    and every stage change (which multiplied the rows and took over a minute on the
    national dataset; see docs/performance.md). Only three dates per episode come back,
    never a name, and the bands and both percentiles are counted from them in one pass.
    """
    first_contact = Subquery(
        Contact.objects.filter(episode=OuterRef("pk"), attendance=Attendance.ATTENDED)
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    intervention_from = Subquery(
        StageChange.objects.filter(episode=OuterRef("pk"), stage=Stage.EARLY)
        .order_by("changed_on")
        .values("changed_on")[:1]
    )
    rows = (
        Episode.objects.filter(team__in=teams)
        .annotate(first_contact=first_contact, intervention_from=intervention_from)
        .filter(
            Q(first_contact__gte=period.start_at(), first_contact__lt=period.end_before())
            | _in_period(period, "intervention_from")
        )
        .values_list("referral__received_on", "first_contact", "intervention_from")
    )
    waits = EpisodeWaits([], [])
    for received_on, contact_at, started_on in rows:
        if received_on is None:
            continue
        seen_on = timezone.localdate(contact_at) if contact_at is not None else None
        if seen_on is not None and period.start <= seen_on <= period.end:
            waits.to_contact.append(seen_on - received_on)
        if started_on is not None and period.start <= started_on <= period.end:
            waits.to_start.append(started_on - received_on)
    return waits


def nearest_rank(values: Sequence[timedelta], fraction: float) -> timedelta | None:
    """The nearest-rank percentile of ``values`` (the same rank as ``percentile``)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[_rank(fraction, len(ordered)) - 1]


def wait_bands(waits: Sequence[timedelta]) -> list[list[Any]]:
    """Families by weeks waited, in the dashboard's bands (the last band is open-ended)."""
    bounds = [timedelta(weeks=w) for w in WAIT_BANDS_WEEKS]
    counts = [0] * (len(bounds) + 1)
    for wait in waits:
        counts[next((i for i, high in enumerate(bounds) if wait < high), len(bounds))] += 1
    labels, previous = [], 0
    for weeks in WAIT_BANDS_WEEKS:
        labels.append(f"{previous} to {weeks} weeks")
        previous = weeks
    labels.append(f"{WAIT_BANDS_WEEKS[-1]} weeks or more")
    return [[label, count] for label, count in zip(labels, counts, strict=True)]


def waiting(teams: Sequence[Team], period: Period) -> Section:
    section = Section("Waiting")
    waiting_now = Referral.objects.filter(team__in=teams, status=Status.WAITING).count()
    waits = episode_waits(teams, period)
    section.figures.append(
        Figure(
            "wait_to_first_contact",
            "Weeks from referral to first contact (families first seen in the period)",
            ["Wait", "Families"],
            wait_bands(waits.to_contact),
            counts=(1,),
            chart=1,
            chart_kind="histogram",
        )
    )
    section.figures.append(
        Figure(
            "wait_to_intervention",
            "Weeks from referral to the start of the intervention",
            ["Wait", "Families"],
            wait_bands(waits.to_start),
            counts=(1,),
            chart=1,
            chart_kind="histogram",
        )
    )
    section.summary = [
        ("Families on the waiting list now", waiting_now),
        ("Median days to first contact", _days(nearest_rank(waits.to_contact, 0.5))),
        ("90th percentile, days to first contact", _days(nearest_rank(waits.to_contact, 0.9))),
        ("Median days to the start of the intervention", _days(nearest_rank(waits.to_start, 0.5))),
        ("90th percentile, days to the start", _days(nearest_rank(waits.to_start, 0.9))),
        ("Babies who reached the age limit while waiting", aged_out_while_waiting(teams, period)),
    ]
    return section


def aged_out_while_waiting(teams: Sequence[Team], period: Period) -> int:
    """Referrals still waiting whose baby is past the team's upper age (AgeRules, default
    24 months) by the end of the period.

    One query per distinct age limit among the teams (almost always one), so the count
    of queries does not grow with the number of teams a commissioner covers.
    """
    limits = dict(
        AgeRules.objects.filter(team__in=teams).values_list("team_id", "upper_age_months")
    )
    teams_by_limit: dict[int, list[int]] = {}
    for team in teams:
        teams_by_limit.setdefault(limits.get(team.pk, 24), []).append(team.pk)
    total = 0
    for limit, team_ids in sorted(teams_by_limit.items()):
        born_before = add_months(period.end, -limit)
        total += (
            Referral.objects.filter(team_id__in=team_ids, status=Status.WAITING)
            .filter(
                people_in_scope__date_of_birth__lt=born_before,
                people_in_scope__memberships__role="baby",
            )
            .distinct()
            .count()
        )
    return total


# Engagement -------------------------------------------------------------------------------


def engagement(teams: Sequence[Team], period: Period) -> Section:
    section = Section("Engagement")
    opened = Episode.objects.filter(team__in=teams).filter(_in_period(period, "opened_on"))
    attempts = opened.annotate(n=Count("engagement_attempts")).aggregate(avg=Avg("n"))["avg"]
    closed = Episode.objects.filter(team__in=teams).filter(_in_period(period, "closed_on"))
    never_reached = closed.exclude(contacts__attendance=Attendance.ATTENDED).count()
    contacts = (
        Contact.objects.filter(episode__team__in=teams)
        .filter(_at_in_period(period, "starts_at"))
        .exclude(attendance=Attendance.PLANNED)
    )
    by_kind = (
        contacts.values("modality")
        .annotate(
            total=Count("id"),
            dna=Count("id", filter=Q(attendance=Attendance.DID_NOT_ATTEND)),
            cancelled=Count(
                "id",
                filter=Q(
                    attendance__in=[Attendance.CANCELLED_BY_FAMILY, Attendance.CANCELLED_BY_SERVICE]
                ),
            ),
        )
        .order_by("modality")
    )
    labels = dict(Modality.choices)
    section.figures.append(
        Figure(
            "attendance_by_kind",
            "Did-not-attend and cancellation rates by kind of contact",
            ["Kind of contact", "Contacts", "Did not attend", "Cancelled", "Did-not-attend rate"],
            [
                [
                    labels.get(r["modality"], r["modality"]),
                    r["total"],
                    r["dna"],
                    r["cancelled"],
                    _share(r["dna"], r["total"]),
                ]
                for r in by_kind
            ],
            counts=(1, 2, 3),
            chart=2,
        )
    )
    section.summary = [
        (
            "Tries to reach a family before the first contact (average)",
            round(attempts, 1) if attempts else 0,
        ),
        ("Families whose episode closed without being reached", never_reached),
    ]
    return section


# Activity ---------------------------------------------------------------------------------


def _present_flag(kinds: Sequence[str]) -> Max:
    """1 when one of the people present was a carer of one of these kinds, else 0."""
    carers = CareRelationship.objects.filter(kind__in=list(kinds)).values("carer_id")
    return Max(Case(When(person_id__in=carers, then=Value(1)), default=Value(0)))


def contacts_by_who(attended: QuerySet[Contact]) -> dict[str, int]:
    """Attended contacts by who came: mother, father or partner, both, or another carer.

    Counted from the people-present rows (one per person at a contact), grouped by
    contact, rather than testing every contact for each kind of carer: on the national
    dataset that was six subqueries for each of 1.5 million contacts.
    """
    mother, father = [CarerKind.BIRTH_MOTHER], list(FATHER_OR_PARTNER_KINDS)
    other = [k for k in CarerKind.values if k not in mother and k not in father]
    per_contact = (
        Contact.people_present.through.objects.filter(contact__in=attended)
        .values("contact_id")
        .annotate(m=_present_flag(mother), f=_present_flag(father), o=_present_flag(other))
    )
    return per_contact.aggregate(
        mother=Count("contact_id", filter=Q(m=1, f=0)),
        father=Count("contact_id", filter=Q(f=1, m=0)),
        both=Count("contact_id", filter=Q(m=1, f=1)),
        other=Count("contact_id", filter=Q(o=1, m=0, f=0)),
    )


def _staff_name(row: Mapping[str, Any]) -> str:
    return f"{row['lead_practitioner__first_name']} {row['lead_practitioner__last_name']}".strip()


def activity(teams: Sequence[Team], period: Period) -> Section:
    section = Section("Activity")
    episodes = Episode.objects.filter(team__in=teams)
    caseload = (
        episodes.exclude(stage=Stage.CLOSED)
        .values("lead_practitioner__first_name", "lead_practitioner__last_name")
        .annotate(n=Count("id"))
        .order_by("-n", "lead_practitioner__last_name")
    )
    section.figures.append(
        Figure(
            "caseload_by_practitioner",
            "Open episodes by lead practitioner (now)",
            ["Practitioner", "Open episodes"],
            [
                [
                    _staff_name(r),
                    r["n"],
                ]
                for r in caseload
            ],
            counts=(1,),
            chart=1,
            names_staff=True,
        )
    )
    closed = episodes.filter(_in_period(period, "closed_on"))
    lengths = closed.annotate(
        length=ExpressionWrapper(F("closed_on") - F("opened_on"), output_field=DurationField())
    )
    per_episode = closed.annotate(
        n=Count("contacts", filter=Q(contacts__attendance=Attendance.ATTENDED))
    ).aggregate(avg=Avg("n"))["avg"]
    attended = Contact.objects.filter(
        episode__team__in=teams, attendance=Attendance.ATTENDED
    ).filter(_at_in_period(period, "starts_at"))
    places = dict(
        attended.values("location_type").annotate(n=Count("id")).values_list("location_type", "n")
    )
    section.figures.append(
        Figure(
            "contacts_by_location",
            "Contacts attended, by where they took place",
            ["Where", "Contacts"],
            [[label, places.get(code, 0)] for code, label in LocationType.choices],
            counts=(1,),
            chart=1,
        )
    )
    who = contacts_by_who(attended)
    section.figures.append(
        Figure(
            "contacts_by_who",
            "Contacts attended, by who came",
            ["Who came", "Contacts"],
            [
                ["Mother", who["mother"]],
                ["Father or partner", who["father"]],
                ["Both parents", who["both"]],
                ["Another carer", who["other"]],
            ],
            counts=(1,),
            chart=1,
        )
    )
    sessions = GroupSession.objects.filter(group__team__in=teams, cancelled=False).filter(
        _at_in_period(period, "starts_at")
    )
    marks = GroupAttendance.objects.filter(session__in=sessions, present=True).count()
    consultations = Consultation.objects.filter(team__in=teams).filter(
        _in_period(period, "held_on")
    )
    trained = TrainingAttendee.objects.filter(course__team__in=teams, attended=True).filter(
        _in_period(period, "course__held_on")
    )
    outreach = OutreachActivity.objects.filter(team__in=teams).filter(_in_period(period, "held_on"))
    outreach_totals = outreach.aggregate(n=Count("id"), families=Sum("families_reached"))
    section.summary = [
        ("Episodes opened", episodes.filter(_in_period(period, "opened_on")).count()),
        ("Episodes closed", closed.count()),
        ("Median length of episodes closed, in days", _days(percentile(lengths, "length", 0.5))),
        (
            "Contacts attended per episode closed (average)",
            round(per_episode, 1) if per_episode else 0,
        ),
        ("Group sessions held", sessions.count()),
        ("Places taken at group sessions (people present)", marks),
        ("Consultations", consultations.count()),
        (
            "Training courses delivered",
            TrainingCourse.objects.filter(team__in=teams)
            .filter(_in_period(period, "held_on"))
            .count(),
        ),
        ("Professionals trained", trained.count()),
        ("Organisations reached by training", trained.values("organisation").distinct().count()),
        ("Outreach and joint work", outreach_totals["n"]),
        ("Families reached by outreach", outreach_totals["families"] or 0),
    ]
    return section


# Experience -------------------------------------------------------------------------------


def experience(teams: Sequence[Team], period: Period) -> Section:
    section = Section("Experience of the service")
    answers = dict(
        ExperienceResponse.objects.filter(team__in=teams)
        .filter(_in_period(period, "received_on"))
        .values("fft_rating")
        .annotate(n=Count("id"))
        .values_list("fft_rating", "n")
    )
    answered = sum(n for code, n in answers.items() if code != FriendsAndFamily.DONT_KNOW)
    positive = sum(answers.get(code, 0) for code in FFT_POSITIVE)
    section.figures.append(
        Figure(
            "friends_and_family",
            "Friends and Family Test: how families rated their experience",
            ["Answer", "Families"],
            [[label, answers.get(code, 0)] for code, label in FriendsAndFamily.choices],
            counts=(1,),
            chart=1,
        )
    )
    referrers = ReferrerFeedback.objects.filter(team__in=teams).filter(
        _in_period(period, "submitted_on")
    )
    marks = referrers.aggregate(
        n=Count("id"), ease=Avg("ease"), clarity=Avg("clarity"), usefulness=Avg("usefulness")
    )
    section.summary = [
        ("Families who answered", answered),
        ("Rated good or very good", _share(positive, answered)),
        ("Referrers who gave feedback", marks["n"]),
        ("Ease of referring, average of 5", _one_place(marks["ease"])),
        ("Clarity of the team's reply, average of 5", _one_place(marks["clarity"])),
        ("Usefulness for the family, average of 5", _one_place(marks["usefulness"])),
    ]
    section.figures.append(_experience_questions(teams, period))
    reasons = (
        ExperienceResponse.objects.filter(team__in=teams)
        .filter(_in_period(period, "received_on"))
        .exclude(fft_reason="")
        .order_by("-received_on")[:FREE_TEXT_SHOWN]
    )
    comments = referrers.exclude(comment="").order_by("-submitted_on")[:FREE_TEXT_SHOWN]
    section.free_text = [r.fft_reason for r in reasons] + [c.comment for c in comments]
    return section


def _experience_questions(teams: Sequence[Team], period: Period) -> Figure:
    """Each of the teams' own experience questions: how many answered, and the mean (1-5)."""
    questions = list(
        ExperienceQuestion.objects.filter(team__in=teams, is_active=True).order_by("position", "id")
    )
    responses = ExperienceResponse.objects.filter(team__in=teams).filter(
        _in_period(period, "received_on")
    )
    figures: dict[str, Any] = {}
    for question in questions:
        key = rating_key(question.pk)
        rating = Cast(KT(f"ratings__{key}__rating"), FloatField())
        figures[f"n{question.pk}"] = Count("id", filter=Q(ratings__has_key=key))
        figures[f"m{question.pk}"] = Avg(rating, filter=Q(ratings__has_key=key))
    values = responses.aggregate(**figures) if figures else {}
    return Figure(
        "experience_questions",
        "The team's own questions: agreement from 1 (strongly disagree) to 5 (strongly agree)",
        ["Question", "Families who answered", "Average"],
        [[q.wording, values[f"n{q.pk}"], _one_place(values[f"m{q.pk}"])] for q in questions],
        counts=(1,),
    )


def _one_place(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "–"


@dataclass(frozen=True)
class WorkedOut:
    """A report's sections and when they were worked out (earlier, if kept)."""

    sections: list[Section]
    at: datetime
    kept: bool


def team_report_kept(teams: Sequence[Team], period: Period) -> WorkedOut:
    """``team_report``, kept for a while when the period has ended.

    A finished period's figures change only when someone back-dates a record, so for
    ATTUNE_REPORT_CACHE_SECONDS they come from the cache (per server process) and the
    page says when they were worked out. The current period is always worked out afresh.
    Suppression is applied afterwards, per viewer, so the same figures serve a team's
    manager and its commissioner.
    """
    seconds = settings.ATTUNE_REPORT_CACHE_SECONDS
    if not seconds or period.end >= timezone.localdate():
        return WorkedOut(team_report(teams, period), timezone.now(), kept=False)
    ids = ",".join(str(pk) for pk in sorted(t.pk for t in teams))
    key = f"attune:report:v1:{ids}:{period.start.isoformat()}:{period.end.isoformat()}"
    found = cache.get(key)
    if found is not None:
        return WorkedOut(found[0], found[1], kept=True)
    worked_out = WorkedOut(team_report(teams, period), timezone.now(), kept=False)
    cache.set(key, (worked_out.sections, worked_out.at), seconds)
    return worked_out


def team_report(teams: Sequence[Team], period: Period) -> list[Section]:
    """Every section of the dashboard, in the order the page shows them."""
    return [
        referrals(teams, period),
        waiting(teams, period),
        engagement(teams, period),
        activity(teams, period),
        outcomes(teams, period),
        experience(teams, period),
    ]


# Outcomes ---------------------------------------------------------------------------------


def _mean_with_interval(mean: float | None, sd: float | None, n: int) -> str:
    """Mean improvement with a 95% interval (normal approximation; none below 2 pairs)."""
    if mean is None or not n:
        return "–"
    if n < 2 or sd is None:
        return f"{mean:.1f}"
    half = 1.96 * sd / n**0.5
    return f"{mean:.1f} ({mean - half:.1f} to {mean + half:.1f})"


def _classified(*names: str) -> Count:
    return Count("id", filter=Q(change_classification__in=list(names)))


def outcomes(teams: Sequence[Team], period: Period) -> Section:
    """End scores of episodes closed in the period, paired with their baselines when they
    were recorded (measures.services.link_change), counted by classification."""
    section = Section("Outcomes")
    closed = Episode.objects.filter(team__in=teams).filter(_in_period(period, "closed_on"))
    intervened = closed.filter(stage_changes__stage=Stage.EARLY).distinct().count()
    per_measure = (
        Administration.objects.filter(episode__in=closed, timepoint=Timepoint.END)
        .exclude(change_classification="")
        .values("instrument__code")
        .annotate(
            pairs=Count("id"),
            recovered=_classified("recovered"),
            improved=_classified("reliably_improved", "improved"),
            unchanged=_classified("no_reliable_change", "not_computable", "unchanged"),
            worse=_classified("reliably_deteriorated", "worsened"),
            outside=_classified("not_applicable"),
            mean=Avg("change_improvement"),
            sd=StdDev("change_improvement", sample=True),
        )
        .order_by("instrument__code")
    )
    names = {
        i.code: i.parsed().short_name
        for i in Instrument.objects.filter(team__isnull=True)
        | Instrument.objects.filter(team__in=teams)
    }
    rows = [
        [
            names.get(r["instrument__code"], r["instrument__code"]),
            r["pairs"],
            r["recovered"],
            r["improved"],
            r["unchanged"],
            r["worse"],
            r["outside"],
            _mean_with_interval(r["mean"], r["sd"], r["pairs"]),
            _share(r["pairs"], intervened),
        ]
        for r in per_measure
    ]
    section.figures.append(
        Figure(
            "outcomes_by_measure",
            "Change from baseline to the end of the work, per questionnaire",
            [
                "Questionnaire",
                "Pairs of scores",
                "Recovered",
                "Reliably improved",
                "No reliable change",
                "Reliably deteriorated",
                "Started outside the clinical range",
                "Mean improvement (95% interval)",
                "Share of closed episodes with both scores",
            ],
            rows,
            counts=(1, 2, 3, 4, 5, 6),
            chart=1,
            row_total=1,
            note="Pairs are scores from the same person, about the same person, on the same "
            "version. Improvement is in each questionnaire's own points, positive = better.",
        )
    )
    section.summary = [("Episodes closed after starting an intervention", intervened)]
    return section
