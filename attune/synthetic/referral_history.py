"""A synthetic family's referrals in memory: who referred, why, stressors, triage, allocation.

Dates are drawn back from the run's "today". Older referrals have mostly been
triaged (accepted and then allocated, or declined, or a consultation offered);
recent ones are waiting for triage or on the waiting list.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from attune.accounts.models import Team, User
from attune.accounts.roles import Role
from attune.families.codes import CarerKind
from attune.families.models import Person
from attune.referrals.codes import (
    DECISION_STATUS,
    Channel,
    Decision,
    Priority,
    ReferrerRole,
    SocialCare,
    Status,
    StressorDomain,
    StressorStatus,
    Urgency,
)
from attune.referrals.models import Referral, StressorAnswer, TriageDecision
from attune.synthetic import proportions as p
from attune.synthetic.copy_rows import new_row
from attune.synthetic.dice import chance, day_between, one_of, pick, whole_number
from attune.synthetic.households import DRAMA_PHONE_PREFIX, Household, email_for

if TYPE_CHECKING:
    from attune.synthetic.generator import SyntheticRun

InScope = Referral.people_in_scope.through
# A paused referral older than this has had its answer and was accepted.
MORE_INFORMATION_PAUSE_DAYS = 42


@dataclass(frozen=True)
class TeamStaff:
    """Who in a team enters, triages and takes on referrals."""

    team: Team
    referrers: list[User]  # referral portal accounts: their referrals arrive online
    office: list[User]  # staff who type in referrals that came by phone, email or letter
    triagers: list[User]
    practitioners: list[User]

    @classmethod
    def from_roles(cls, team: Team, roles: dict[str, list[User]]) -> TeamStaff:
        def first_found(*wanted: str) -> list[User]:
            return next((roles[role] for role in wanted if roles.get(role)), [])

        clinical = (Role.PRACTITIONER, Role.SUPERVISOR, Role.MANAGER)
        staff = cls(
            team=team,
            referrers=roles.get(Role.REFERRER, []),
            office=first_found(Role.ADMINISTRATOR, *clinical),
            triagers=first_found(Role.MANAGER, Role.SUPERVISOR, Role.PRACTITIONER),
            practitioners=roles.get(Role.PRACTITIONER, []),
        )
        if not (staff.office and staff.triagers):
            raise ValueError(f"Team {team.pk} needs staff before it can have referrals.")
        return staff


@dataclass(frozen=True)
class Outcome:
    status: str
    decision: str | None = None
    decided_on: date | None = None
    priority: int | None = None
    allocated_to: User | None = None
    allocated_on: date | None = None


@dataclass
class ReferralRows:
    referrals: list[Referral] = field(default_factory=list)
    in_scope: list[Any] = field(default_factory=list)
    stressors: list[StressorAnswer] = field(default_factory=list)
    decisions: list[TriageDecision] = field(default_factory=list)


def earliest_referral_day(run: SyntheticRun, household: Household) -> date:
    """A year back at most, and not before about 12 weeks of pregnancy."""
    pregnancy_began = household.baby_dates.birth_or_due - timedelta(weeks=40)
    in_pregnancy = pregnancy_began + timedelta(weeks=p.EARLIEST_REFERRAL_WEEKS_PREGNANT)
    return max(run.today - timedelta(days=p.REFERRAL_WINDOW_DAYS), in_pregnancy)


def current_referral_day(run: SyntheticRun, household: Household) -> date:
    """Unborn babies are referred in pregnancy; born babies mostly after birth."""
    earliest = earliest_referral_day(run, household)
    born = household.baby_dates.date_of_birth
    if born is None:
        return day_between(run.rng, earliest, run.today)
    if chance(run.rng, p.BORN_BABY_REFERRED_IN_PREGNANCY_SHARE) and born > earliest:
        return day_between(run.rng, earliest, born - timedelta(days=1))
    return day_between(run.rng, max(earliest, born), run.today)


def current_outcome(run: SyntheticRun, staff: TeamStaff, received: date, urgency: str) -> Outcome:
    triaged_on = received + timedelta(days=whole_number(run.rng, *p.TRIAGE_AFTER_DAYS))
    if triaged_on > run.today:
        return Outcome(Status.RECEIVED)
    decision = pick(run.rng, run.size.volumes.triage_outcome_weights)
    paused_days = (run.today - triaged_on).days
    if decision == Decision.MORE_INFORMATION and paused_days > MORE_INFORMATION_PAUSE_DAYS:
        decision = Decision.ACCEPT
    if decision != Decision.ACCEPT:
        return Outcome(DECISION_STATUS[Decision(decision)], decision, triaged_on)
    priority = pick(run.rng, p.PRIORITY_WEIGHTS)
    if urgency == Urgency.URGENT:
        priority = Priority.HIGH
    return waiting_or_allocated(run, staff, triaged_on, priority)


def waiting_or_allocated(
    run: SyntheticRun, staff: TeamStaff, accepted_on: date, priority: int
) -> Outcome:
    """Accepted families wait (less for higher priority), then go to a practitioner."""
    low, high, likeliest = run.size.volumes.wait_days
    wait = run.rng.triangular(low, high, likeliest) * p.WAIT_FACTOR_BY_PRIORITY[priority]
    allocated_on = accepted_on + timedelta(days=int(wait))
    practitioner = one_of(run.rng, staff.practitioners) if staff.practitioners else None
    if allocated_on > run.today or practitioner is None:
        return Outcome(Status.WAITING, Decision.ACCEPT, accepted_on, priority)
    return Outcome(
        Status.ALLOCATED, Decision.ACCEPT, accepted_on, priority, practitioner, allocated_on
    )


def earlier_outcome(run: SyntheticRun, received: date) -> Outcome:
    decision = pick(run.rng, p.EARLIER_REFERRAL_OUTCOMES)
    triaged_on = received + timedelta(days=whole_number(run.rng, *p.TRIAGE_AFTER_DAYS))
    return Outcome(DECISION_STATUS[Decision(decision)], decision, triaged_on)


def referrer_fields(
    run: SyntheticRun, staff: TeamStaff, household: Household, role: str
) -> dict[str, Any]:
    """Who referred, and how the referral reached the team."""
    rng, faker = run.rng, run.faker
    if role == ReferrerRole.SELF:
        # The family phoned the team themselves: no organisation, no referrer email.
        carer = household.carers[0][0]
        return {
            "submitted_by": one_of(rng, staff.office),
            "channel": Channel.PHONE,
            "referrer_name": carer.display_name,
            "referrer_phone": carer.phone,
        }
    organisation = p.REFERRER_ORGANISATIONS[role].format(place=faker.city())
    if staff.referrers and chance(rng, p.ONLINE_SHARE):
        user = one_of(rng, staff.referrers)
        return {
            "submitted_by": user,
            "channel": Channel.ONLINE,
            "referrer_name": user.get_full_name(),
            "referrer_organisation": organisation,
            "referrer_email": user.email,
        }
    given, family = faker.first_name(), faker.last_name()
    return {
        "submitted_by": one_of(rng, staff.office),
        "channel": pick(rng, p.STAFF_CHANNEL_WEIGHTS),
        "referrer_name": f"{given} {family}",
        "referrer_organisation": organisation,
        "referrer_email": email_for(given, family, run),
        "referrer_phone": f"{DRAMA_PHONE_PREFIX}{whole_number(rng, 0, 999):03d}",
    }


def reasons_for(run: SyntheticRun) -> list[str]:
    wanted = pick(run.rng, p.REASON_COUNT_WEIGHTS)
    reasons: list[str] = []
    while len(reasons) < wanted:
        reason = str(pick(run.rng, p.REASON_WEIGHTS))
        if reason not in reasons:
            reasons.append(reason)
    return reasons


def stressor_chance(domain: str, household: Household) -> float:
    """Per-domain chance, raised or lowered by what the household already tells us."""
    if domain == StressorDomain.BABY_HEALTH and household.baby.is_premature:
        return 0.8
    if domain == StressorDomain.IMMIGRATION and household.needs_interpreter:
        return 0.3
    if domain == StressorDomain.RELATIONSHIP_CONFLICT and not household.has_second_carer:
        return 0.05
    return p.STRESSOR_PRESENT[domain]


def stressor_answers(
    run: SyntheticRun, referral: Referral, household: Household, reasons: list[str]
) -> list[StressorAnswer]:
    """One answer for every domain: present, absent or not known."""
    given = {p.REASON_STRESSOR[r] for r in reasons if r in p.REASON_STRESSOR}
    answers = []
    for domain in StressorDomain:
        if domain in given or chance(run.rng, stressor_chance(domain, household)):
            status = StressorStatus.PRESENT
        elif chance(run.rng, p.UNKNOWN_SHARE):
            status = StressorStatus.UNKNOWN
        else:
            status = StressorStatus.ABSENT
        answers.append(new_row(StressorAnswer, referral=referral, domain=domain, status=status))
    return answers


def triage_decision(
    run: SyntheticRun, staff: TeamStaff, referral: Referral, outcome: Outcome
) -> TriageDecision | None:
    if outcome.decision is None or outcome.decided_on is None:
        return None
    minutes = whole_number(run.rng, 9 * 60, 16 * 60)
    decided_at = timezone.make_aware(
        datetime.combine(outcome.decided_on, time(minutes // 60, minutes % 60))
    )
    return new_row(
        TriageDecision,
        referral=referral,
        decision=outcome.decision,
        decided_by=one_of(run.rng, staff.triagers),
        decided_at=decided_at,
        priority=outcome.priority,
        **p.DECISION_TEXT[outcome.decision],
    )


def new_referral(
    run: SyntheticRun, staff: TeamStaff, household: Household, received: date, *, current: bool
) -> tuple[Referral, list[str], Outcome]:
    in_pregnancy = received < household.baby_dates.birth_or_due
    role_weights = p.PREGNANCY_REFERRER_ROLE_WEIGHTS if in_pregnancy else p.REFERRER_ROLE_WEIGHTS
    role = pick(run.rng, role_weights)
    reasons = reasons_for(run)
    urgency = pick(run.rng, p.URGENCY_WEIGHTS)
    outcome = (
        current_outcome(run, staff, received, urgency)
        if current
        else earlier_outcome(run, received)
    )
    narrative = p.NARRATIVES[reasons[0]] + (" Referred in pregnancy." if in_pregnancy else "")
    referral = new_row(
        Referral,
        team=staff.team,
        family=household.family,
        status=outcome.status,
        received_on=received,
        submission_key=uuid.UUID(int=run.rng.getrandbits(128)),
        referrer_role=role,
        reasons=reasons,
        narrative=narrative,
        urgency=urgency,
        priority=outcome.priority,
        accepted_on=outcome.decided_on if outcome.decision == Decision.ACCEPT else None,
        allocated_to=outcome.allocated_to,
        allocated_on=outcome.allocated_on,
        **consent_and_social_care(run, household),
        **referrer_fields(run, staff, household, role),
    )
    return referral, reasons, outcome


def consent_and_social_care(run: SyntheticRun, household: Household) -> dict[str, Any]:
    if chance(run.rng, p.FAMILY_DISAGREES_SHARE):
        return {
            "family_agrees": False,
            "safeguarding_reason": p.SAFEGUARDING_REASON,
            "social_care": SocialCare.CHILD_PROTECTION,
        }
    fostered = any(kind == CarerKind.FOSTER_CARER for _, kind in household.carers)
    social_care = SocialCare.LOOKED_AFTER if fostered else pick(run.rng, p.SOCIAL_CARE_WEIGHTS)
    return {"family_agrees": True, "social_care": social_care}


def add_referral(
    run: SyntheticRun,
    staff: TeamStaff,
    household: Household,
    rows: ReferralRows,
    received: date,
    *,
    current: bool,
) -> None:
    referral, reasons, outcome = new_referral(run, staff, household, received, current=current)
    rows.referrals.append(referral)
    in_scope: list[Person] = [household.baby, *(carer for carer, _ in household.carers)]
    rows.in_scope.extend(new_row(InScope, referral=referral, person=person) for person in in_scope)
    rows.stressors.extend(stressor_answers(run, referral, household, reasons))
    decision = triage_decision(run, staff, referral, outcome)
    if decision is not None:
        rows.decisions.append(decision)


def build_referrals(run: SyntheticRun, staff: TeamStaff, household: Household) -> ReferralRows:
    """The family's current referral and, for some, an earlier one that was not taken on."""
    rows = ReferralRows()
    earliest = earliest_referral_day(run, household)
    received = current_referral_day(run, household)
    latest_earlier = received - timedelta(days=p.EARLIER_REFERRAL_GAP_DAYS)
    if chance(run.rng, p.SECOND_REFERRAL_SHARE) and latest_earlier >= earliest:
        earlier = day_between(run.rng, earliest, latest_earlier)
        add_referral(run, staff, household, rows, earlier, current=False)
    add_referral(run, staff, household, rows, received, current=True)
    return rows
