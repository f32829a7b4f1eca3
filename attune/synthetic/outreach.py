"""Synthetic consultation, workforce training and outreach for each team, over the last year.

Bulk inserts only (see generator.py on why services are bypassed), a handful of
queries whatever the size. Each team gets a few consultations a month (some
about a family on its list, most not), a monthly reflective practice group for
health visitors with attendance, three to six training courses with attendees
and their feedback, and a log of outreach and joint work. The proportions are
rounded guesses chosen to look believable, not statistics: never quote one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from attune.accounts.models import User
from attune.accounts.roles import Role
from attune.families.models import Family
from attune.outreach import codes
from attune.outreach.models import (
    Consultation,
    ConsultationGroup,
    ConsultationGroupMember,
    Consultee,
    GroupAttendance,
    OutreachActivity,
    TrainingAttendee,
    TrainingCourse,
)
from attune.synthetic.dice import chance, day_between, one_of, pick, whole_number
from attune.synthetic.episodes import at

if TYPE_CHECKING:
    from attune.synthetic.generator import SyntheticRun

MONTHS = 12
CONSULTATIONS_PER_MONTH = (2, 5)
GROUP_MEMBERS = (6, 8)
GROUP_ATTENDANCE_SHARE = 0.75
COURSES_PER_YEAR = (3, 6)
ATTENDEES_PER_COURSE = (8, 20)
COURSE_ATTENDANCE_SHARE = 0.9
FEEDBACK_SHARE = 0.7
FEEDBACK_COMMENT_SHARE = 0.4
ACTIVITIES_PER_MONTH = (2, 5)
INTERPRETER_SHARE = 0.2
REFERRAL_STARTED_SHARE = 0.6

KIND_WEIGHTS: Sequence[tuple[str, float]] = (
    (codes.ConsultationKind.ONE_TO_ONE, 75),
    (codes.ConsultationKind.GROUP, 25),
)
FAMILY_LINK_WEIGHTS: Sequence[tuple[str, float]] = (
    (codes.FamilyLink.NONE, 35),
    (codes.FamilyLink.ANONYMOUS, 45),
    (codes.FamilyLink.KNOWN, 20),
)
OUTCOME_WEIGHTS: Sequence[tuple[str, float]] = (
    (codes.Outcome.ADVICE, 65),
    (codes.Outcome.REFERRAL_SUGGESTED, 20),
    (codes.Outcome.JOINT_VISIT, 15),
)
MINUTES: Sequence[tuple[int, float]] = ((30, 30), (45, 35), (60, 30), (90, 5))
TOPICS: Sequence[str] = (
    "Synthetic: a mother who finds it hard to hold her baby close",
    "Synthetic: a father's worry about bonding after a traumatic birth",
    "Synthetic: a baby who cries a great deal and a very tired family",
    "Synthetic: a young parent leaving care, expecting her first baby",
    "Synthetic: low mood in pregnancy and fears about the birth",
    "Synthetic: a baby home from the neonatal unit and anxious parents",
    "Synthetic: how to talk with parents about their own childhood",
    "Synthetic: feeding difficulties and a mother who feels judged",
)
NOTES: Sequence[str] = (
    "Synthetic: thought together about what the baby might be communicating.",
    "Synthetic: shared ideas for noticing and naming the baby's cues with the parent.",
    "Synthetic: talked through the strengths already visible in the relationship.",
)
CONSULTEE_ROLES: Sequence[tuple[str, str]] = (
    ("Health visitor", "health visiting team"),
    ("Community midwife", "maternity service"),
    ("Social worker", "children's social care"),
    ("Family support worker", "family hub"),
    ("Nursery manager", "day nursery"),
    ("GP", "medical practice"),
)
COURSES: Sequence[str] = (
    "Synthetic: understanding babies' cues",
    "Synthetic: the parent-infant relationship in the first 1001 days",
    "Synthetic: talking with parents about feelings in pregnancy",
    "Synthetic: noticing and responding to a baby's distress",
)
ORGANISATION_WEIGHTS: Sequence[tuple[str, float]] = (
    (codes.OrganisationType.HEALTH_VISITING, 35),
    (codes.OrganisationType.MIDWIFERY, 15),
    (codes.OrganisationType.EARLY_YEARS, 20),
    (codes.OrganisationType.SOCIAL_CARE, 12),
    (codes.OrganisationType.VOLUNTARY_SECTOR, 8),
    (codes.OrganisationType.MENTAL_HEALTH, 5),
    (codes.OrganisationType.PRIMARY_CARE, 3),
    (codes.OrganisationType.OTHER, 2),
)
CONFIDENCE_BEFORE: Sequence[tuple[int, float]] = ((1, 10), (2, 35), (3, 40), (4, 15))
CONFIDENCE_GAIN: Sequence[tuple[int, float]] = ((0, 15), (1, 50), (2, 30), (3, 5))
COMMENTS: Sequence[str] = (
    "Synthetic: I will look at babies differently now.",
    "Synthetic: the video examples were really helpful.",
    "Synthetic: would love a follow-up session.",
)
ACTIVITY_WEIGHTS: Sequence[tuple[str, float]] = (
    (codes.ActivityType.BABY_WEIGHING, 35),
    (codes.ActivityType.HOSTEL_OR_PRISON_GROUP, 15),
    (codes.ActivityType.NEONATAL_LIAISON, 20),
    (codes.ActivityType.JOINT_VISIT, 20),
    (codes.ActivityType.OTHER, 10),
)
# For each kind of work: its partners and how many families it tends to reach.
ACTIVITY_SHAPES: dict[str, tuple[Sequence[str], tuple[int, int]]] = {
    codes.ActivityType.BABY_WEIGHING: (
        ("Synthetic family hub", "Synthetic health centre"),
        (5, 25),
    ),
    codes.ActivityType.HOSTEL_OR_PRISON_GROUP: (
        ("Synthetic family hostel", "Synthetic mother and baby unit (prison)"),
        (2, 8),
    ),
    codes.ActivityType.NEONATAL_LIAISON: (("Synthetic neonatal unit",), (3, 12)),
    codes.ActivityType.JOINT_VISIT: (("Synthetic children's social care",), (1, 1)),
    codes.ActivityType.OTHER: (("Synthetic community group",), (0, 15)),
}


@dataclass
class OutreachRows:
    groups: list[ConsultationGroup] = field(default_factory=list)
    facilitators: list[tuple[int, User]] = field(default_factory=list)  # (group index, user)
    members: list[tuple[int, ConsultationGroupMember]] = field(default_factory=list)
    consultations: list[Consultation] = field(default_factory=list)
    consultees: list[tuple[int, Consultee]] = field(default_factory=list)  # (consultation index)
    # (consultation index, member index, attended)
    attendance: list[tuple[int, int, bool]] = field(default_factory=list)
    meeting_of: dict[int, int] = field(default_factory=dict)  # consultation index -> group index
    courses: list[TrainingCourse] = field(default_factory=list)
    trainers: list[tuple[int, User]] = field(default_factory=list)
    attendees: list[tuple[int, TrainingAttendee]] = field(default_factory=list)
    activities: list[OutreachActivity] = field(default_factory=list)


def month_starts(today: date) -> list[date]:
    """The first day of this month and the eleven before it, oldest first."""
    starts = []
    year, month = today.year, today.month
    for _ in range(MONTHS):
        starts.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


def month_end(start: date, today: date) -> date:
    following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return min(following - timedelta(days=1), today)


def consultee(run: SyntheticRun, index: int, position: int, rows: OutreachRows) -> None:
    role, organisation = one_of(run.rng, CONSULTEE_ROLES)
    rows.consultees.append(
        (
            index,
            Consultee(
                name=run.faker.name(),
                role=role,
                organisation=f"Synthetic {organisation}",
                position=position,
            ),
        )
    )


def build_consultations(
    run: SyntheticRun,
    team_id: int,
    clinicians: list[User],
    families: list[int],
    rows: OutreachRows,
) -> None:
    rng = run.rng
    for start in month_starts(run.today):
        for _ in range(whole_number(rng, *CONSULTATIONS_PER_MONTH)):
            kind = pick(rng, KIND_WEIGHTS)
            link = pick(rng, FAMILY_LINK_WEIGHTS)
            if link == codes.FamilyLink.KNOWN and not families:
                link = codes.FamilyLink.ANONYMOUS
            outcome = pick(rng, OUTCOME_WEIGHTS)
            consultant = one_of(rng, clinicians)
            held_on = day_between(rng, start, month_end(start, run.today))
            started = outcome == codes.Outcome.REFERRAL_SUGGESTED and chance(
                rng, REFERRAL_STARTED_SHARE
            )
            rows.consultations.append(
                Consultation(
                    team_id=team_id,
                    consultant=consultant,
                    kind=kind,
                    held_on=held_on,
                    duration_minutes=pick(rng, MINUTES),
                    topic=one_of(rng, TOPICS),
                    family_link=link,
                    family_id=one_of(rng, families) if link == codes.FamilyLink.KNOWN else None,
                    outcome=outcome,
                    responsibility=codes.responsibility_for(outcome),
                    notes=one_of(rng, NOTES),
                    referral_started_at=at(held_on, 16) if started else None,
                    referral_started_by=consultant if started else None,
                    recorded_by=consultant,
                )
            )
            index = len(rows.consultations) - 1
            count = 1 if kind == codes.ConsultationKind.ONE_TO_ONE else whole_number(rng, 2, 4)
            for position in range(count):
                consultee(run, index, position, rows)


def build_group(
    run: SyntheticRun, team_id: int, clinicians: list[User], rows: OutreachRows
) -> None:
    """The team's monthly reflective practice group for health visitors, with attendance."""
    rng = run.rng
    rows.groups.append(
        ConsultationGroup(
            team_id=team_id,
            name="Monthly reflective practice group for health visitors",
            audience="Synthetic: health visitors across the team's area",
        )
    )
    group_index = len(rows.groups) - 1
    facilitator = one_of(rng, clinicians)
    rows.facilitators.append((group_index, facilitator))
    first_member = len(rows.members)
    for _ in range(whole_number(rng, *GROUP_MEMBERS)):
        rows.members.append(
            (
                group_index,
                ConsultationGroupMember(
                    name=run.faker.name(),
                    role="Health visitor",
                    organisation="Synthetic health visiting team",
                ),
            )
        )
    members = range(first_member, len(rows.members))
    for start in month_starts(run.today):
        held_on = min(start + timedelta(days=whole_number(rng, 7, 20)), run.today)
        rows.consultations.append(
            Consultation(
                team_id=team_id,
                consultant=facilitator,
                kind=codes.ConsultationKind.GROUP,
                held_on=held_on,
                duration_minutes=90,
                topic="Synthetic: reflective practice, babies and parents on members' caseloads",
                family_link=codes.FamilyLink.NONE,
                outcome=codes.Outcome.ADVICE,
                responsibility=codes.Responsibility.CONSULTEE,
                notes="",
                recorded_by=facilitator,
            )
        )
        index = len(rows.consultations) - 1
        rows.meeting_of[index] = group_index
        for member in members:
            rows.attendance.append((index, member, chance(rng, GROUP_ATTENDANCE_SHARE)))


def build_courses(
    run: SyntheticRun, team_id: int, clinicians: list[User], rows: OutreachRows
) -> None:
    rng = run.rng
    earliest = month_starts(run.today)[0]
    for _ in range(whole_number(rng, *COURSES_PER_YEAR)):
        held_on = day_between(rng, earliest, run.today)
        rows.courses.append(
            TrainingCourse(
                team_id=team_id,
                title=one_of(rng, COURSES),
                audience="Synthetic: health visitors, midwives and early years staff",
                held_on=held_on,
                format=codes.CourseFormat.ONLINE
                if chance(rng, 0.3)
                else codes.CourseFormat.IN_PERSON,
                recorded_by=clinicians[0],
            )
        )
        course_index = len(rows.courses) - 1
        trainers = {one_of(rng, clinicians).pk: None for _ in range(whole_number(rng, 1, 2))}
        for user in clinicians:
            if user.pk in trainers:
                rows.trainers.append((course_index, user))
        for _ in range(whole_number(rng, *ATTENDEES_PER_COURSE)):
            rows.attendees.append((course_index, attendee(run, held_on)))


def attendee(run: SyntheticRun, held_on: date) -> TrainingAttendee:
    rng = run.rng
    came = chance(rng, COURSE_ATTENDANCE_SHARE)
    gave_feedback = came and chance(rng, FEEDBACK_SHARE)
    before = pick(rng, CONFIDENCE_BEFORE)
    after = min(5, before + pick(rng, CONFIDENCE_GAIN))
    comment = one_of(rng, COMMENTS) if chance(rng, FEEDBACK_COMMENT_SHARE) else ""
    return TrainingAttendee(
        name=run.faker.name(),
        role="Synthetic: practitioner",
        organisation="Synthetic local service",
        organisation_type=pick(rng, ORGANISATION_WEIGHTS),
        attended=came,
        confidence_before=before if gave_feedback else None,
        confidence_after=after if gave_feedback else None,
        feedback=comment if gave_feedback else "",
        feedback_recorded_at=at(held_on, 17) if gave_feedback else None,
    )


def build_activities(
    run: SyntheticRun, team_id: int, clinicians: list[User], rows: OutreachRows
) -> None:
    rng = run.rng
    for start in month_starts(run.today):
        for _ in range(whole_number(rng, *ACTIVITIES_PER_MONTH)):
            kind = pick(rng, ACTIVITY_WEIGHTS)
            partners, (low, high) = ACTIVITY_SHAPES[kind]
            rows.activities.append(
                OutreachActivity(
                    team_id=team_id,
                    activity_type=kind,
                    partner_organisation=one_of(rng, partners),
                    held_on=day_between(rng, start, month_end(start, run.today)),
                    families_reached=whole_number(rng, low, high),
                    interpreter_used=chance(rng, INTERPRETER_SHARE),
                    notes="",
                    recorded_by=one_of(rng, clinicians),
                )
            )


def families_by_team(run: SyntheticRun) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    rows = Family.objects.filter(team__in=run.teams).order_by("id").values_list("team_id", "id")
    for team_id, family_id in rows:
        found.setdefault(team_id, []).append(family_id)
    return found


def make_outreach(run: SyntheticRun) -> None:
    """Consultation, a health visitors' group, training and outreach for every team."""
    from attune.synthetic.generator import bulk_insert

    if run.size.families_per_team == 0:
        return  # a staff-only run stays staff-only (and its rows can be deleted)
    rows = OutreachRows()
    families = families_by_team(run)
    for team in run.teams:
        staff = run.staff.get(team.pk, {})
        clinicians = [
            user
            for role in (Role.PRACTITIONER, Role.SUPERVISOR, Role.MANAGER)
            for user in staff.get(role, [])
        ]
        if not clinicians:
            continue
        build_consultations(run, team.pk, clinicians, families.get(team.pk, []), rows)
        build_group(run, team.pk, clinicians, rows)
        build_courses(run, team.pk, clinicians, rows)
        build_activities(run, team.pk, clinicians, rows)

    groups = bulk_insert(run, ConsultationGroup, rows.groups, "consultation groups", bar=False)
    facilitators = ConsultationGroup.facilitators.through
    bulk_insert(
        run,
        facilitators,
        [facilitators(consultationgroup=groups[g], user=user) for g, user in rows.facilitators],
        "group facilitators",
        bar=False,
    )
    members = [member for _, member in rows.members]
    for group_index, member in rows.members:
        member.group = groups[group_index]
    members = bulk_insert(run, ConsultationGroupMember, members, "group members", bar=False)
    for index, group_index in rows.meeting_of.items():
        rows.consultations[index].group = groups[group_index]
    consultations = bulk_insert(run, Consultation, rows.consultations, "consultations")
    for index, person in rows.consultees:
        person.consultation = consultations[index]
    bulk_insert(run, Consultee, [p for _, p in rows.consultees], "consultees", bar=False)
    bulk_insert(
        run,
        GroupAttendance,
        [
            GroupAttendance(consultation=consultations[c], member=members[m], attended=came)
            for c, m, came in rows.attendance
        ],
        "group attendance",
        bar=False,
    )
    courses = bulk_insert(run, TrainingCourse, rows.courses, "training courses", bar=False)
    trainers = TrainingCourse.trainers.through
    bulk_insert(
        run,
        trainers,
        [trainers(trainingcourse=courses[c], user=user) for c, user in rows.trainers],
        "course trainers",
        bar=False,
    )
    for course_index, booked in rows.attendees:
        booked.course = courses[course_index]
    bulk_insert(
        run, TrainingAttendee, [a for _, a in rows.attendees], "course attendees", bar=False
    )
    bulk_insert(run, OutreachActivity, rows.activities, "outreach activities", bar=False)
