"""Sessions with a family (book, move, cancel, record, end a series), rooms, the diary,
and the private calendar feed."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.accounts.access import current_role, current_team, deny_as_not_found, requires
from attune.accounts.roles import Capability, role_can
from attune.care import calendar_feed, session_access, sessions
from attune.care.access import can_read_clinical_text, get_episode_for
from attune.care.codes import LocationType
from attune.care.models import Contact
from attune.care.session_forms import (
    BookSessionsForm,
    CancelSessionForm,
    EndSeriesForm,
    MoveSessionForm,
    RecordContactForm,
    RoomForm,
)
from attune.core.locking import StaleEdit

GET_AND_POST = require_http_methods(["GET", "POST"])


def _refuse_into(form: forms.Form, refused: sessions.SessionRefused) -> None:
    """Show a service's refusal beside its field, or at the top when no field matches."""
    field = refused.field if refused.field in form.fields else None
    form.add_error(field, refused.message)


def _resubmitted(request: HttpRequest, current: Contact) -> QueryDict:
    """The form as submitted, now carrying the saved version (saving again keeps it)."""
    data = request.POST.copy()
    data["version"] = str(current.version)
    return data


def _status(form: forms.Form) -> int:
    return 400 if form.errors else 200


# ---------------------------------------------------------------- booking


@GET_AND_POST
def book_sessions(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for(request, episode_id, write=request.method == "POST")
    team = current_team(request)
    make_form = partial(
        BookSessionsForm,
        rooms=session_access.team_rooms(team),
        clinicians=session_access.team_clinicians(team),
    )
    if request.method == "GET":
        initial = {
            "practitioners": [str(request.user.pk)],
            "location_type": LocationType.HOME,
            "on": timezone.localdate(),
        }
        return _render_booking(request, episode, make_form(initial=initial))
    form = make_form(request.POST)
    clashes: list[sessions.Clash] = []
    if form.is_valid():
        try:
            contacts, created = sessions.book_sessions(
                actor=request.user,  # type: ignore[arg-type]
                episode=episode,
                plan=form.to_plan(),
                allow_clashes=form.cleaned_data["confirm_clash"],
            )
        except sessions.PractitionerClash as warning:
            clashes = warning.clashes
        except sessions.SessionRefused as refused:
            _refuse_into(form, refused)
        else:
            messages.success(request, _booked_message(len(contacts), created))
            return redirect("care:contacts", episode.pk)
    return _render_booking(request, episode, form, clashes, status=200 if clashes else 400)


def _booked_message(count: int, created: bool) -> str:
    if not created:
        return "These sessions were already booked: nothing new was added."
    return "1 session booked." if count == 1 else f"{count} weekly sessions booked."


def _render_booking(
    request: HttpRequest,
    episode: Any,
    form: BookSessionsForm,
    clashes: list[sessions.Clash] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "episode": episode,
        "form": form,
        "clashes": clashes or [],
        "can_manage_rooms": role_can(current_role(request), Capability.MANAGE_TEAM),
    }
    return render(request, "care/sessions/book.jinja", context, status=status)


# ---------------------------------------------------------------- an episode's contacts


@require_GET
def episode_contacts(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_episode_for(request, episode_id)
    rows = [
        {
            "contact": contact,
            "can_change": contact.attendance not in sessions.CANCELLED,
            "can_cancel": contact.attendance not in sessions.CANCELLED | sessions.RECORDED,
        }
        for contact in session_access.episode_contacts(episode)
    ]
    series = [
        {"series": s, "can_end": s.ended_on is None} for s in session_access.episode_series(episode)
    ]
    context = {"episode": episode, "rows": rows, "series": series}
    return render(request, "care/sessions/contacts.jinja", context)


# ---------------------------------------------------------------- one contact


@GET_AND_POST
def contact_record(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = session_access.get_contact_for(request, contact_id, write=request.method == "POST")
    make_form = partial(
        RecordContactForm,
        members=session_access.family_members(contact.episode),
        clinicians=session_access.team_clinicians(current_team(request)),
    )
    if request.method == "GET":
        people, practitioners = session_access.contact_people(contact)
        initial = {
            "version": contact.version,
            "attendance": contact.attendance,
            "modality": contact.modality,
            "people_present": [str(pk) for pk in people],
            "practitioners": [str(pk) for pk in practitioners],
            "interpreter_present": contact.interpreter_present,
        }
        return _render_contact(request, contact, make_form(initial=initial))
    form = make_form(request.POST)
    if form.is_valid():
        try:
            sessions.record_contact(
                actor=request.user,  # type: ignore[arg-type]
                contact=contact,
                expected_version=form.cleaned_data["version"],
                attendance=form.cleaned_data["attendance"],
                modality=form.cleaned_data["modality"],
                people_present=form.chosen_people(),
                practitioners=form.chosen_practitioners(),
                interpreter_present=form.cleaned_data["interpreter_present"],
            )
        except StaleEdit as stale:
            current = cast(Contact, stale.current)
            form = make_form(_resubmitted(request, current))
            form.is_valid()
            return _render_contact(request, current, form, conflict=True, status=409)
        except sessions.SessionRefused as refused:
            _refuse_into(form, refused)
        else:
            messages.success(request, "The session is recorded.")
            return redirect("care:contacts", contact.episode_id)
    return _render_contact(request, contact, form, status=_status(form))


def _render_contact(
    request: HttpRequest,
    contact: Contact,
    form: forms.Form,
    *,
    conflict: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = {
        "contact": contact,
        "episode": contact.episode,
        "form": form,
        "conflict": conflict,
        "can_change": contact.attendance not in sessions.CANCELLED,
        "can_cancel": contact.attendance not in sessions.CANCELLED | sessions.RECORDED,
        # The notes area owns session notes; this page only links to writing one.
        "note_url": reverse("care:note_add", args=[contact.episode_id])
        if can_read_clinical_text(request)
        else None,
    }
    return render(request, "care/sessions/contact.jinja", context, status=status)


@GET_AND_POST
def contact_move(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = session_access.get_contact_for(request, contact_id, write=request.method == "POST")
    rooms = session_access.team_rooms(current_team(request))
    if request.method == "GET":
        local = timezone.localtime(contact.starts_at)
        initial = {
            "version": contact.version,
            "on": local.date(),
            "start_time": local.strftime("%H:%M"),
            "duration_minutes": int(contact.duration.total_seconds() // 60),
            "location_type": contact.location_type,
            "room": str(contact.room_id or ""),
        }
        return _render_move(request, contact, MoveSessionForm(initial=initial, rooms=rooms))
    form = MoveSessionForm(request.POST, rooms=rooms)
    clashes: list[sessions.Clash] = []
    if form.is_valid():
        try:
            sessions.move_session(
                actor=request.user,  # type: ignore[arg-type]
                contact=contact,
                expected_version=form.cleaned_data["version"],
                starts_at=form.starts_at(),
                duration_minutes=form.cleaned_data["duration_minutes"],
                location_type=form.cleaned_data["location_type"],
                room=form.chosen_room(),
                allow_clashes=form.cleaned_data["confirm_clash"],
            )
        except StaleEdit as stale:
            current = cast(Contact, stale.current)
            form = MoveSessionForm(_resubmitted(request, current), rooms=rooms)
            form.is_valid()
            return _render_move(request, current, form, conflict=True, status=409)
        except sessions.PractitionerClash as warning:
            clashes = warning.clashes
        except sessions.SessionRefused as refused:
            _refuse_into(form, refused)
        else:
            messages.success(request, "The session has moved. Other sessions stay as they were.")
            return redirect("care:contacts", contact.episode_id)
    status = 200 if clashes and not form.errors else _status(form)
    return _render_move(request, contact, form, clashes=clashes, status=status)


def _render_move(
    request: HttpRequest,
    contact: Contact,
    form: MoveSessionForm,
    *,
    clashes: list[sessions.Clash] | None = None,
    conflict: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = {
        "contact": contact,
        "episode": contact.episode,
        "form": form,
        "clashes": clashes or [],
        "conflict": conflict,
    }
    return render(request, "care/sessions/move.jinja", context, status=status)


@GET_AND_POST
def contact_cancel(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = session_access.get_contact_for(request, contact_id, write=request.method == "POST")
    if request.method == "GET":
        form = CancelSessionForm(initial={"version": contact.version})
        return _render_cancel(request, contact, form)
    form = CancelSessionForm(request.POST)
    if form.is_valid():
        try:
            sessions.cancel_session(
                actor=request.user,  # type: ignore[arg-type]
                contact=contact,
                expected_version=form.cleaned_data["version"],
                attendance=form.cleaned_data["attendance"],
            )
        except StaleEdit as stale:
            current = cast(Contact, stale.current)
            form = CancelSessionForm(_resubmitted(request, current))
            form.is_valid()
            return _render_cancel(request, current, form, conflict=True, status=409)
        except sessions.SessionRefused as refused:
            _refuse_into(form, refused)
        else:
            messages.success(request, "The session is cancelled. Other sessions stay as they were.")
            return redirect("care:contacts", contact.episode_id)
    return _render_cancel(request, contact, form, status=_status(form))


def _render_cancel(
    request: HttpRequest,
    contact: Contact,
    form: CancelSessionForm,
    *,
    conflict: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = {"contact": contact, "episode": contact.episode, "form": form, "conflict": conflict}
    return render(request, "care/sessions/cancel.jinja", context, status=status)


# ---------------------------------------------------------------- a weekly series


@GET_AND_POST
def series_end(request: HttpRequest, series_id: int) -> HttpResponse:
    series = session_access.get_series_for(request, series_id, write=request.method == "POST")
    if request.method == "GET":
        form = EndSeriesForm(initial={"last_day": timezone.localdate()})
    else:
        form = EndSeriesForm(request.POST)
        if form.is_valid():
            try:
                _, removed = sessions.end_series(
                    actor=request.user,  # type: ignore[arg-type]
                    series=series,
                    last_day=form.cleaned_data["last_day"],
                )
            except sessions.SessionRefused as refused:
                _refuse_into(form, refused)
            else:
                messages.success(request, _ended_message(removed))
                return redirect("care:contacts", series.episode_id)
    context = {"series": series, "episode": series.episode, "form": form}
    return render(request, "care/sessions/series_end.jinja", context, status=_status(form))


def _ended_message(removed: int) -> str:
    if removed == 1:
        return "The series has ended. 1 planned session was removed."
    return f"The series has ended. {removed} planned sessions were removed."


# ---------------------------------------------------------------- rooms


@GET_AND_POST
@requires(Capability.MANAGE_TEAM)
def rooms(request: HttpRequest) -> HttpResponse:
    team = current_team(request)
    form = RoomForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            room, created = sessions.add_room(
                actor=request.user,  # type: ignore[arg-type]
                team=team,
                name=form.cleaned_data["name"],
                baby_friendly=form.cleaned_data["baby_friendly"],
                video_equipped=form.cleaned_data["video_equipped"],
            )
        except sessions.SessionRefused as refused:
            _refuse_into(form, refused)
        else:
            messages.success(
                request, f"{room.name} added." if created else f"{room.name} is already listed."
            )
            return redirect("care:rooms")
    context = {"form": form, "rooms": session_access.team_rooms(team, active_only=False)}
    return render(request, "care/sessions/rooms.jinja", context, status=_status(form))


# ---------------------------------------------------------------- the diary


def _week_from(value: str | None) -> date:
    """The Monday of the week asked for (?week=YYYY-MM-DD); this week when absent or unreadable."""
    try:
        day = date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return session_access.monday_of(day)


@require_GET
@requires(Capability.USE_CLINICAL_RECORDS)
def diary(request: HttpRequest) -> HttpResponse:
    monday = _week_from(request.GET.get("week"))
    days = session_access.diary_week(current_team(request), request.user, monday)  # type: ignore[arg-type]
    context = {
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "days": days,
        "today": timezone.localdate(),
        "previous_monday": monday - timedelta(weeks=1),
        "next_monday": monday + timedelta(weeks=1),
        "count": sum(len(day.contacts) for day in days),
    }
    return render(request, "care/sessions/diary.jinja", context)


# ---------------------------------------------------------------- the calendar feed


@require_GET
@requires(Capability.USE_CLINICAL_RECORDS)
def calendar(request: HttpRequest) -> HttpResponse:
    return _render_calendar_page(request)


@require_POST
@requires(Capability.USE_CLINICAL_RECORDS)
def calendar_create(request: HttpRequest) -> HttpResponse:
    _, token = calendar_feed.create_feed(actor=request.user)  # type: ignore[arg-type]
    # The link is shown this once: only its hash is kept.
    link = request.build_absolute_uri(reverse("care:calendar_feed", args=[token]))
    return _render_calendar_page(request, new_link=link)


@require_POST
@requires(Capability.USE_CLINICAL_RECORDS)
def calendar_revoke(request: HttpRequest, feed_id: int) -> HttpResponse:
    feed = session_access.get_own_feed(request, feed_id)
    calendar_feed.revoke_feed(actor=request.user, feed=feed)  # type: ignore[arg-type]
    messages.success(request, "The calendar link no longer works.")
    return redirect("care:calendar")


def _render_calendar_page(request: HttpRequest, new_link: str = "") -> HttpResponse:
    context = {"feeds": session_access.user_feeds(request.user), "new_link": new_link}  # type: ignore[arg-type]
    return render(request, "care/sessions/calendar.jinja", context)


@login_not_required
@require_GET
def calendar_feed_ics(request: HttpRequest, feed_token: str) -> HttpResponse:
    """The feed itself: no sign-in (calendar apps cannot), the token is the key."""
    feed = calendar_feed.active_feed_for_token(feed_token)
    if feed is None:
        # Never name the token on the trail: a near miss of a real one would help a guesser.
        raise deny_as_not_found(request.user, "care.calendarfeed", "")
    response = HttpResponse(
        calendar_feed.read_feed(feed=feed), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
