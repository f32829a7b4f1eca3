"""Synthetic episodes of care for allocated referrals: stages, engagement, contacts, notes, endings.

Bulk inserts only (see generator.py on why services are bypassed). Each
allocated referral gets an episode that has travelled as far along the path as
the time since allocation allows; older ones have ended, mostly as planned.
Weekly contacts for each family that has reached assessment (how many: the run's
``Volumes``), with realistic
attendance, and a session note for about half the attended sessions.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from attune.care import codes
from attune.care.models import Contact, EngagementAttempt, Episode, Note, StageChange
from attune.referrals.codes import Status
from attune.referrals.models import Referral
from attune.synthetic.copy_rows import new_row
from attune.synthetic.dice import chance

if TYPE_CHECKING:
    from attune.synthetic.generator import SyntheticRun

# Typical days spent in each stage before moving on (engagement to ending phase).
STAGE_DAYS = {
    codes.Stage.ENGAGEMENT: 14,
    codes.Stage.ASSESSMENT: 28,
    codes.Stage.EARLY: 70,
    codes.Stage.MIDDLE: 90,
    codes.Stage.ENDING: 42,
}
ATTENDANCE_WEIGHTS: list[tuple[str, int]] = [
    (codes.Attendance.ATTENDED, 80),
    (codes.Attendance.DID_NOT_ATTEND, 8),
    (codes.Attendance.CANCELLED_BY_FAMILY, 8),
    (codes.Attendance.CANCELLED_BY_SERVICE, 4),
]
LOCATION_WEIGHTS: list[tuple[str, int]] = [
    (codes.LocationType.HOME, 45),
    (codes.LocationType.CLINIC, 30),
    (codes.LocationType.COMMUNITY, 12),
    (codes.LocationType.VIDEO, 8),
    (codes.LocationType.PHONE, 5),
]
CHECK_IN_MINUTES = 20
SYNTHETIC_NOTE = (
    "<p>Synthetic session note: the practitioner noticed moments of shared attention.</p>"
)


@dataclass
class EpisodeRows:
    episodes: list[Episode] = field(default_factory=list)
    changes: list[StageChange] = field(default_factory=list)
    attempts: list[EngagementAttempt] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def weighted(run: SyntheticRun, options: Sequence[tuple[str, int]]) -> str:
    values, weights = zip(*options, strict=True)
    return run.rng.choices(values, weights=weights)[0]


@functools.lru_cache(maxsize=4096)
def at(day: date, hour: int) -> datetime:
    """The hour on that day in the local time zone (cached: a national run asks millions)."""
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def stage_starts(run: SyntheticRun, opened: date) -> list[tuple[str, date]]:
    """The stages this episode has started, with their dates, up to today (maybe closed)."""
    starts: list[tuple[str, date]] = [(codes.Stage.ENGAGEMENT, opened)]
    day = opened
    for stage, next_stage in zip(codes.STAGE_ORDER, codes.STAGE_ORDER[1:], strict=False):
        if stage == codes.Stage.CLOSED:
            break
        day = day + timedelta(
            days=max(3, int(run.rng.gauss(STAGE_DAYS[stage], STAGE_DAYS[stage] / 4)))
        )
        if day > run.today:
            break
        starts.append((next_stage, day))
    return starts


def stage_on(starts: list[tuple[str, date]], day: date) -> str:
    current = starts[0][0]
    for stage, started in starts:
        if started <= day:
            current = stage
    return current


def build_episode(run: SyntheticRun, referral: Referral, rows: EpisodeRows) -> None:
    opened = referral.allocated_on or referral.received_on
    practitioner_id = referral.allocated_to_id
    assert practitioner_id is not None  # only allocated referrals reach here
    starts = stage_starts(run, opened)
    closed_on = starts[-1][1] if starts[-1][0] == codes.Stage.CLOSED else None
    unplanned = closed_on is not None and run.rng.random() < 0.25
    episode = new_row(
        Episode,
        team_id=referral.team_id,
        family_id=referral.family_id,
        referral=referral,
        lead_practitioner_id=practitioner_id,
        stage=starts[-1][0],
        stage_since=starts[-1][1],
        opened_on=opened,
        closed_on=closed_on,
        ending_kind=(codes.EndingKind.UNPLANNED if unplanned else codes.EndingKind.PLANNED)
        if closed_on
        else "",
        ending_reason=("Family moved away" if unplanned else "Goals reached") if closed_on else "",
        follow_up_on=closed_on + timedelta(days=182) if closed_on else None,
    )
    rows.episodes.append(episode)
    for stage, day in starts:
        rows.changes.append(
            new_row(
                StageChange,
                episode=episode,
                stage=stage,
                changed_on=day,
                changed_by_id=practitioner_id,
            )
        )
    add_engagement(run, episode, opened, rows)
    add_contacts(run, episode, starts, closed_on, rows)


def add_engagement(run: SyntheticRun, episode: Episode, opened: date, rows: EpisodeRows) -> None:
    tries = run.rng.choices([1, 2, 3, 4, 5], weights=[40, 25, 15, 12, 8])[0]
    for index in range(tries):
        day = min(opened + timedelta(days=2 * index), run.today)
        last = index == tries - 1
        rows.attempts.append(
            new_row(
                EngagementAttempt,
                episode=episode,
                method=run.rng.choice(codes.EngagementMethod.values),
                outcome=codes.EngagementOutcome.BOOKED
                if last
                else codes.EngagementOutcome.NO_ANSWER,
                attempted_at=at(day, 10),
                recorded_by_id=episode.lead_practitioner_id,
            )
        )


def add_contacts(
    run: SyntheticRun,
    episode: Episode,
    starts: list[tuple[str, date]],
    closed_on: date | None,
    rows: EpisodeRows,
) -> None:
    """Weekly sessions from the assessment on; open episodes also have their next one planned."""
    begun = dict(starts)
    if codes.Stage.ASSESSMENT not in begun:
        return
    day, last_day = begun[codes.Stage.ASSESSMENT], closed_on or run.today
    volumes = run.size.volumes
    count = 0
    while day <= last_day and count < volumes.max_sessions:
        add_contact(
            run, episode, day, stage_on(starts, day), weighted(run, ATTENDANCE_WEIGHTS), rows
        )
        check_in = day + timedelta(days=3)
        if (
            volumes.check_in_share
            and check_in <= last_day
            and chance(run.rng, volumes.check_in_share)
        ):
            add_check_in(run, episode, check_in, stage_on(starts, check_in), rows)
        day, count = day + timedelta(days=7), count + 1
    if closed_on is None:
        add_contact(
            run,
            episode,
            run.today + timedelta(days=run.rng.randint(1, 7)),
            episode.stage,
            codes.Attendance.PLANNED,
            rows,
        )


def add_contact(
    run: SyntheticRun, episode: Episode, day: date, stage: str, attendance: str, rows: EpisodeRows
) -> None:
    starts_at = at(day, run.rng.choice([9, 10, 11, 13, 14, 15]))
    contact = new_row(
        Contact,
        episode=episode,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=run.rng.choice([50, 60, 60, 75, 90])),
        location_type=weighted(run, LOCATION_WEIGHTS),
        attendance=attendance,
        stage=stage,
        interpreter_present=False,
    )
    rows.contacts.append(contact)
    if attendance == codes.Attendance.ATTENDED and run.rng.random() < 0.5:
        rows.notes.append(
            new_row(
                Note,
                episode=episode,
                contact=contact,
                kind=codes.NoteKind.SESSION,
                author_id=episode.lead_practitioner_id,
                written_on=day,
                body=SYNTHETIC_NOTE,
            )
        )


def add_check_in(
    run: SyntheticRun, episode: Episode, day: date, stage: str, rows: EpisodeRows
) -> None:
    """A short phone call between sessions (how are things since we met?), with no note."""
    starts_at = at(day, run.rng.choice([9, 12, 16]))
    rows.contacts.append(
        new_row(
            Contact,
            episode=episode,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=CHECK_IN_MINUTES),
            location_type=codes.LocationType.PHONE,
            attendance=codes.Attendance.ATTENDED,
            stage=stage,
            interpreter_present=False,
        )
    )


def make_episodes(run: SyntheticRun) -> None:
    """An episode for every allocated referral of the run's teams (none exists yet)."""
    from attune.synthetic.generator import bulk_insert

    referrals = Referral.objects.filter(
        team__in=run.teams, status=Status.ALLOCATED, episode__isnull=True
    ).order_by("id")
    rows = EpisodeRows()
    for referral in referrals.iterator(chunk_size=2000):
        build_episode(run, referral, rows)
    bulk_insert(run, Episode, rows.episodes, "episodes")
    bulk_insert(run, StageChange, rows.changes, "stage changes")
    bulk_insert(run, EngagementAttempt, rows.attempts, "engagement attempts")
    bulk_insert(run, Contact, rows.contacts, "contacts")
    bulk_insert(run, Note, rows.notes, "notes")
