"""Sessions with a family: booked once or weekly, moved, cancelled, ended, and recorded.

Every session is a ``Contact``; a weekly booking also makes a ``SessionSeries``
that ties its sessions together, while each session can still be moved or
cancelled on its own.

- A room is never double-booked. Every write that books a room locks the room's
  row first and only then looks for an overlapping booked session in it, inside
  the same transaction: on PostgreSQL a second request for the same room waits
  for the first to commit, then sees its booking.
- A practitioner booked twice at once is only a warning (``PractitionerClash``):
  the page shows the clash and the person may confirm.
- Whether the family came can only be recorded once the session has started.
- Each session carries the stage the episode was at on the day (``stage_on``).
- The same form sent twice (a double click, Back and submit again) changes
  nothing the second time: each service returns ``(obj, False)``.

Notes about a session belong to the notes area: the seam is ``Note.contact``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from attune.accounts.models import Membership, Team, User
from attune.accounts.roles import CLINICAL_STAFF
from attune.audit.services import record
from attune.care.codes import Attendance, LocationType, Modality, Stage
from attune.care.models import Contact, Episode, Room, SessionSeries, StageChange
from attune.core.locking import StaleEdit
from attune.families.models import FamilyMember, Person

# A weekly series is planned up to a year ahead; beyond that, book another series.
MAX_WEEKLY_SESSIONS = 52
# No session with a family runs longer than a working day.
MAX_SESSION_MINUTES = 8 * 60
# Attendance that says the family came or did not: only known once the session has started.
RECORDED = frozenset({Attendance.ATTENDED, Attendance.DID_NOT_ATTEND})
CANCELLED = frozenset({Attendance.CANCELLED_BY_FAMILY, Attendance.CANCELLED_BY_SERVICE})


class SessionRefused(Exception):
    """A booking or record that cannot be made; the message is written for the person."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Clash:
    """A practitioner already booked with another family at an overlapping time."""

    practitioner: User
    starts_at: datetime
    ends_at: datetime


class PractitionerClash(Exception):
    """Overlapping sessions for a practitioner: shown as a warning, booked once confirmed."""

    def __init__(self, clashes: list[Clash]) -> None:
        super().__init__("A practitioner already has a session at this time.")
        self.clashes = clashes


@dataclass(frozen=True)
class SessionPlan:
    """What a booking form asks for: when, how long, where, how, and with whom."""

    starts_at: datetime
    duration_minutes: int
    location_type: str
    practitioners: Sequence[User]
    room: Room | None = None
    modality: str = Modality.PARENT_INFANT_PSYCHOTHERAPY
    weekly: bool = False
    sessions: int | None = None
    until: date | None = None


# ---------------------------------------------------------------- pure rules


def weekly_starts(
    first: datetime, *, weekly: bool, sessions: int | None, until: date | None
) -> list[datetime]:
    """The start of each session: the same local time each week, across clock changes."""
    if not weekly:
        return [first]
    if not sessions and not until:
        raise SessionRefused(
            "Enter how many sessions, or the date of the last one", field="sessions"
        )
    if sessions is not None and not 1 <= sessions <= MAX_WEEKLY_SESSIONS:
        raise SessionRefused(
            f"Enter a number of sessions from 1 to {MAX_WEEKLY_SESSIONS}", field="sessions"
        )
    local = timezone.localtime(first)
    if until is not None and until < local.date():
        raise SessionRefused("The last session cannot be before the first one", field="until")
    starts: list[datetime] = []
    for week in range(MAX_WEEKLY_SESSIONS + 1):
        day = local.date() + timedelta(weeks=week)
        if (sessions and week >= sessions) or (until and day > until):
            return starts
        starts.append(timezone.make_aware(datetime.combine(day, local.time())))
    raise SessionRefused(
        f"A series can have at most {MAX_WEEKLY_SESSIONS} sessions: "
        "choose an earlier date for the last one",
        field="until",
    )


def check_time_and_place(duration_minutes: int, location_type: str, room: Room | None) -> None:
    """A session lasts a sensible time, and only a clinic session books a room."""
    if duration_minutes <= 0:
        raise SessionRefused(
            "The session must end after it starts: enter a length of at least 1 minute",
            field="duration_minutes",
        )
    if duration_minutes > MAX_SESSION_MINUTES:
        raise SessionRefused(
            f"Enter a length of at most {MAX_SESSION_MINUTES} minutes", field="duration_minutes"
        )
    if location_type not in LocationType.values:
        raise SessionRefused("Choose where the session takes place", field="location_type")
    if room is not None and location_type != LocationType.CLINIC:
        raise SessionRefused(
            "Only a clinic session can book a room: choose Clinic, or no room", field="room"
        )


def check_recordable(attendance: str, starts_at: datetime, now: datetime) -> None:
    """Whether the family came is known only once the session has started."""
    if attendance not in Attendance.values:
        raise SessionRefused("Choose what happened", field="attendance")
    if attendance in RECORDED and starts_at > now:
        raise SessionRefused(
            "This session has not happened yet: you can record whether the family came "
            "once it has started, or cancel it",
            field="attendance",
        )


def stage_on(episode: Episode, changes: Iterable[StageChange], day: date) -> str:
    """The episode's stage on ``day`` (for a day still to come: its stage now)."""
    stage = ""
    for change in sorted(changes, key=lambda c: (c.changed_on, c.pk)):
        if change.changed_on > day:
            break
        stage = change.stage
    return stage or (Stage.ENGAGEMENT if day < episode.opened_on else episode.stage)


def family_initials(family_name: str) -> str:
    """'Shah–Evans family' -> 'S.E.': enough for a calendar, never a name."""
    words = family_name.replace("–", " ").replace("-", " ").split()
    if words and words[-1].lower() == "family":
        words = words[:-1]
    return "".join(f"{word[0].upper()}." for word in words if word[0].isalpha())


# ---------------------------------------------------------------- checks against the database


def _check_practitioners(team_id: int, practitioners: Sequence[User]) -> None:
    """Every practitioner named works in the episode's team, in a clinical role."""
    if not practitioners:
        raise SessionRefused("Choose at least one practitioner", field="practitioners")
    ids = {user.pk for user in practitioners}
    in_team = set(
        Membership.objects.active()
        .filter(team_id=team_id, user_id__in=ids, role__in=CLINICAL_STAFF)
        .values_list("user_id", flat=True)
    )
    if in_team != ids:
        raise SessionRefused("Choose practitioners from the team's list", field="practitioners")


def _check_people(episode: Episode, people: Sequence[Person]) -> None:
    """Everyone recorded as present is a member of this family."""
    ids = {person.pk for person in people}
    members = set(
        FamilyMember.objects.filter(family_id=episode.family_id, person_id__in=ids).values_list(
            "person_id", flat=True
        )
    )
    if members != ids:
        raise SessionRefused(
            "Choose people from this family: someone chosen is not a member of it",
            field="people_present",
        )


def _lock_room(episode: Episode, room: Room | None) -> Room | None:
    """Lock the room's row (a second booking waits here), checking it is the team's own."""
    if room is None:
        return None
    locked = Room.objects.select_for_update().filter(pk=room.pk, team_id=episode.team_id).first()
    if locked is None or not locked.is_active:
        raise SessionRefused("Choose one of the team's rooms", field="room")
    return locked


def _refuse_room_clashes(
    room: Room | None, spans: Sequence[tuple[datetime, datetime]], exclude: int | None = None
) -> None:
    """Call with the room locked: any booked session overlapping a span refuses the booking."""
    if room is None:
        return
    taken = []
    for starts_at, ends_at in spans:
        overlapping = Contact.objects.booked().filter(room=room).overlapping(starts_at, ends_at)
        if exclude is not None:
            overlapping = overlapping.exclude(pk=exclude)
        if overlapping.exists():
            taken.append(starts_at)
    if taken:
        when = ", ".join(f"{timezone.localtime(t):%a %-d %b %Y %H:%M}" for t in taken[:5])
        more = f" and {len(taken) - 5} more" if len(taken) > 5 else ""
        raise SessionRefused(
            f"{room.name} is already booked at this time ({when}{more}): "
            "choose another room or time",
            field="room",
        )


def practitioner_clashes(
    practitioners: Sequence[User],
    spans: Sequence[tuple[datetime, datetime]],
    exclude: int | None = None,
) -> list[Clash]:
    """Each booked session a practitioner already has overlapping one of ``spans``."""
    if not spans or not practitioners:
        return []
    overlap = Q()
    for starts_at, ends_at in spans:
        overlap |= Q(starts_at__lt=ends_at, ends_at__gt=starts_at)
    existing = Contact.objects.booked().filter(overlap, practitioners__in=practitioners)
    if exclude is not None:
        existing = existing.exclude(pk=exclude)
    existing = existing.prefetch_related("practitioners").distinct()
    wanted = {user.pk: user for user in practitioners}
    return [
        Clash(wanted[user.pk], contact.starts_at, contact.ends_at)
        for contact in existing
        for user in contact.practitioners.all()
        if user.pk in wanted
    ]


def _spans(starts: Sequence[datetime], minutes: int) -> list[tuple[datetime, datetime]]:
    return [(start, start + timedelta(minutes=minutes)) for start in starts]


def _refuse_closed(episode: Episode) -> None:
    if episode.stage == Stage.CLOSED:
        raise SessionRefused("This episode is closed: sessions can no longer be booked")


# ---------------------------------------------------------------- writes


def book_sessions(
    *, actor: User, episode: Episode, plan: SessionPlan, allow_clashes: bool = False
) -> tuple[list[Contact], bool]:
    """Book one session, or a weekly series; the same booking sent twice is made once."""
    check_time_and_place(plan.duration_minutes, plan.location_type, plan.room)
    starts = weekly_starts(
        plan.starts_at, weekly=plan.weekly, sessions=plan.sessions, until=plan.until
    )
    spans = _spans(starts, plan.duration_minutes)
    _check_practitioners(episode.team_id, plan.practitioners)
    with transaction.atomic():
        # The episode lock makes the repeat check below safe against two identical posts.
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        _refuse_closed(locked)
        repeat = _same_booking(locked, plan, spans[0])
        if repeat is not None:
            return repeat, False
        room = _lock_room(locked, plan.room)
        _refuse_room_clashes(room, spans)
        clashes = practitioner_clashes(plan.practitioners, spans)
        if clashes and not allow_clashes:
            raise PractitionerClash(clashes)
        series = _new_series(locked, plan) if plan.weekly else None
        contacts = _create_contacts(locked, plan, room, series, spans)
        record(
            "session.booked",
            actor=actor,
            obj=series or contacts[0],
            team_id=locked.team_id,
            details={"episode": locked.pk, "sessions": len(contacts), "room": bool(room)},
        )
        return contacts, True


def _same_booking(
    episode: Episode, plan: SessionPlan, span: tuple[datetime, datetime]
) -> list[Contact] | None:
    """The booking already made, when this one is the same form sent twice."""
    first = (
        Contact.objects.booked()
        .select_related("series")
        .filter(episode=episode, starts_at=span[0], ends_at=span[1])
        .first()
    )
    if first is None or (first.series is None) == plan.weekly:
        # Nothing there, or a single session where a series is asked for (or the reverse):
        # a new request, which the clash checks will judge.
        return None
    if first.series is None:
        return [first]
    if first.series.first_starts_at != plan.starts_at:
        return None
    return list(Contact.objects.filter(series_id=first.series_id))


def _new_series(episode: Episode, plan: SessionPlan) -> SessionSeries:
    return SessionSeries.objects.create(
        episode=episode,
        practitioner=plan.practitioners[0],
        first_starts_at=plan.starts_at,
        duration_minutes=plan.duration_minutes,
    )


def _create_contacts(
    episode: Episode,
    plan: SessionPlan,
    room: Room | None,
    series: SessionSeries | None,
    spans: Sequence[tuple[datetime, datetime]],
) -> list[Contact]:
    changes = list(episode.stage_changes.all())
    contacts = Contact.objects.bulk_create(
        [
            Contact(
                episode=episode,
                series=series,
                starts_at=starts_at,
                ends_at=ends_at,
                location_type=plan.location_type,
                room=room,
                modality=plan.modality,
                stage=stage_on(episode, changes, timezone.localdate(starts_at)),
            )
            for starts_at, ends_at in spans
        ]
    )
    through = Contact.practitioners.through
    through.objects.bulk_create(
        [
            through(contact_id=contact.pk, user_id=user.pk)
            for contact in contacts
            for user in plan.practitioners
        ]
    )
    return contacts


def move_session(
    *,
    actor: User,
    contact: Contact,
    expected_version: int,
    starts_at: datetime,
    duration_minutes: int,
    location_type: str,
    room: Room | None,
    allow_clashes: bool = False,
) -> tuple[Contact, bool]:
    """Move one session (time, length, place); the rest of its series stays as it was."""
    check_time_and_place(duration_minutes, location_type, room)
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    with transaction.atomic():
        locked = Contact.objects.select_for_update().select_related("episode").get(pk=contact.pk)
        wanted = (starts_at, ends_at, location_type, room.pk if room else None)
        if (locked.starts_at, locked.ends_at, locked.location_type, locked.room_id) == wanted:
            return locked, False
        if locked.version != expected_version:
            raise StaleEdit(locked)
        if locked.attendance in CANCELLED:
            raise SessionRefused("This session was cancelled: book a new one instead")
        if locked.attendance in RECORDED and starts_at > timezone.now():
            raise SessionRefused(
                "This session is already recorded as having happened, so it cannot move "
                "to a time still to come",
                field="on",
            )
        locked_room = _lock_room(locked.episode, room)
        _refuse_room_clashes(locked_room, [(starts_at, ends_at)], exclude=locked.pk)
        clashes = practitioner_clashes(
            list(locked.practitioners.all()), [(starts_at, ends_at)], exclude=locked.pk
        )
        if clashes and not allow_clashes:
            raise PractitionerClash(clashes)
        changes = list(locked.episode.stage_changes.all())
        locked.starts_at, locked.ends_at = starts_at, ends_at
        locked.location_type, locked.room = location_type, locked_room
        locked.stage = stage_on(locked.episode, changes, timezone.localdate(starts_at))
        locked.version += 1
        locked.save(
            update_fields=[
                "starts_at",
                "ends_at",
                "location_type",
                "room",
                "stage",
                "version",
                "updated_at",
            ]
        )
        record(
            "session.moved",
            actor=actor,
            obj=locked,
            team_id=locked.episode.team_id,
            details={"episode": locked.episode_id},
        )
        return locked, True


def cancel_session(
    *, actor: User, contact: Contact, expected_version: int, attendance: str
) -> tuple[Contact, bool]:
    """Cancel one session, by the family or by the service; its room is free again."""
    if attendance not in CANCELLED:
        raise SessionRefused("Choose who cancelled the session", field="attendance")
    with transaction.atomic():
        locked = Contact.objects.select_for_update().select_related("episode").get(pk=contact.pk)
        if locked.attendance in CANCELLED:
            return locked, False
        if locked.version != expected_version:
            raise StaleEdit(locked)
        if locked.attendance in RECORDED:
            raise SessionRefused(
                "This session is already recorded as having happened: "
                "change the record of what happened instead"
            )
        locked.attendance = attendance
        locked.version += 1
        locked.save(update_fields=["attendance", "version", "updated_at"])
        record(
            "session.cancelled",
            actor=actor,
            obj=locked,
            team_id=locked.episode.team_id,
            details={"episode": locked.episode_id, "attendance": attendance},
        )
        return locked, True


def record_contact(
    *,
    actor: User,
    contact: Contact,
    expected_version: int,
    attendance: str,
    modality: str,
    people_present: Sequence[Person],
    practitioners: Sequence[User],
    interpreter_present: bool,
) -> tuple[Contact, bool]:
    """Record what happened: attendance, how, who came from the family, who from the team."""
    check_recordable(attendance, contact.starts_at, timezone.now())
    if modality not in Modality.values:
        raise SessionRefused("Choose the kind of work", field="modality")
    episode = contact.episode
    _check_people(episode, people_present)
    _check_practitioners(episode.team_id, practitioners)
    with transaction.atomic():
        locked = Contact.objects.select_for_update().select_related("episode").get(pk=contact.pk)
        if _already_recorded(
            locked, attendance, modality, people_present, practitioners, interpreter_present
        ):
            return locked, False
        if locked.version != expected_version:
            raise StaleEdit(locked)
        if locked.attendance in CANCELLED and attendance not in CANCELLED:
            # Un-cancelling takes the room back: someone else may have booked it since.
            room = _lock_room(locked.episode, locked.room)
            _refuse_room_clashes(room, [(locked.starts_at, locked.ends_at)], exclude=locked.pk)
        changes = list(locked.episode.stage_changes.all())
        locked.attendance, locked.modality = attendance, modality
        locked.interpreter_present = interpreter_present
        locked.stage = stage_on(locked.episode, changes, timezone.localdate(locked.starts_at))
        locked.version += 1
        locked.save(
            update_fields=[
                "attendance",
                "modality",
                "interpreter_present",
                "stage",
                "version",
                "updated_at",
            ]
        )
        locked.people_present.set(people_present)
        locked.practitioners.set(practitioners)
        record(
            "contact.recorded",
            actor=actor,
            obj=locked,
            team_id=locked.episode.team_id,
            details={"episode": locked.episode_id, "attendance": attendance},
        )
        return locked, True


def _already_recorded(
    contact: Contact,
    attendance: str,
    modality: str,
    people: Sequence[Person],
    practitioners: Sequence[User],
    interpreter_present: bool,
) -> bool:
    """The stored record already says exactly this (the same form sent twice)."""
    return (
        contact.attendance == attendance
        and contact.modality == modality
        and contact.interpreter_present == interpreter_present
        and set(contact.people_present.values_list("pk", flat=True)) == {p.pk for p in people}
        and set(contact.practitioners.values_list("pk", flat=True)) == {u.pk for u in practitioners}
    )


def end_series(*, actor: User, series: SessionSeries, last_day: date) -> tuple[SessionSeries, int]:
    """End a weekly series after ``last_day``: its planned sessions still to come are removed.

    Sessions on or before ``last_day``, and any already recorded, are kept.
    Returns the series and how many sessions were removed.
    """
    with transaction.atomic():
        locked = (
            SessionSeries.objects.select_for_update().select_related("episode").get(pk=series.pk)
        )
        if locked.ended_on == last_day:
            return locked, 0
        if locked.ended_on is not None:
            raise SessionRefused(
                f"This series already ended on {locked.ended_on:%-d %B %Y}", field="last_day"
            )
        if last_day < timezone.localdate(locked.first_starts_at):
            raise SessionRefused("The series cannot end before its first session", field="last_day")
        after = timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))
        _, deleted = Contact.objects.filter(
            series=locked,
            attendance=Attendance.PLANNED,
            starts_at__gte=max(after, timezone.now()),
        ).delete()
        # delete() also counts the practitioner and people links; only sessions matter here.
        removed = deleted.get(Contact._meta.label, 0)
        locked.ended_on = last_day
        locked.save(update_fields=["ended_on", "updated_at"])
        record(
            "session.series_ended",
            actor=actor,
            obj=locked,
            team_id=locked.episode.team_id,
            details={"episode": locked.episode_id, "removed": removed},
        )
        return locked, removed


def add_room(
    *, actor: User, team: Team, name: str, baby_friendly: bool, video_equipped: bool
) -> tuple[Room, bool]:
    """Add a room to the team's list; the same room sent twice is added once."""
    name = " ".join(name.split())
    if not name:
        raise SessionRefused("Enter the room's name", field="name")
    existing = Room.objects.filter(team=team, name__iexact=name).first()
    if existing is not None:
        if (existing.baby_friendly, existing.video_equipped) == (baby_friendly, video_equipped):
            return existing, False
        raise SessionRefused(f"The team already has a room called {existing.name}", field="name")
    try:
        with transaction.atomic():
            room = Room.objects.create(
                team=team, name=name, baby_friendly=baby_friendly, video_equipped=video_equipped
            )
            record("room.added", actor=actor, obj=room, team_id=team.pk)
            return room, True
    except IntegrityError:
        # Two identical posts at once: the other one added it.
        return Room.objects.get(team=team, name__iexact=name), False
