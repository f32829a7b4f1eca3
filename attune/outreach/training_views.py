"""Workforce training pages: courses, attendees, attendance, feedback and certificates."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attune.accounts.access import current_team, requires
from attune.accounts.roles import Capability
from attune.core.locking import StaleEdit
from attune.outreach import access, selectors, services
from attune.outreach.forms import AttendanceForm, AttendeeForm, CourseForm, FeedbackForm
from attune.outreach.models import TrainingCourse
from attune.outreach.views import refuse_into

LIST_LIMIT = 200


@require_GET
@requires(Capability.USE_CLINICAL_RECORDS)
def courses(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.team_courses(current_team(request))[:LIST_LIMIT])
    context = {
        "courses": rows,
        "booked": sum(c.booked for c in rows),  # type: ignore[attr-defined]
        "came": sum(c.came for c in rows),  # type: ignore[attr-defined]
    }
    return render(request, "outreach/courses.jinja", context)


def _course_form_page(
    request: HttpRequest, form: CourseForm, course: TrainingCourse | None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "course": course}
    return render(request, "outreach/course_form.jinja", context, status=status)


@require_http_methods(["GET", "POST"])
@requires(Capability.USE_CLINICAL_RECORDS)
def course_new(request: HttpRequest) -> HttpResponse:
    team = current_team(request)
    clinicians = selectors.team_clinicians(team)
    if request.method == "GET":
        initial = {"trainers": [str(request.user.pk)], "held_on": timezone.localdate()}
        return _course_form_page(request, CourseForm(clinicians=clinicians, initial=initial), None)
    form = CourseForm(request.POST, clinicians=clinicians)
    if form.is_valid():
        try:
            course = services.create_course(
                actor=request.user,  # type: ignore[arg-type]
                team=team,
                details=form.to_details(),
            )
        except services.OutreachRefused as refused:
            refuse_into(form, refused)
        else:
            messages.success(request, "The course was added. Add its attendees below.")
            return redirect("outreach:course", course.pk)
    return _course_form_page(request, form, None, status=400)


@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, course_id: int) -> HttpResponse:
    course = access.get_course_for(request, course_id)
    clinicians = selectors.team_clinicians(course.team)
    if request.method == "GET":
        initial = {
            "version": course.version,
            "title": course.title,
            "audience": course.audience,
            "held_on": course.held_on,
            "format": course.format,
            "trainers": [str(u.pk) for u in course.trainers.all()],
        }
        return _course_form_page(
            request, CourseForm(clinicians=clinicians, initial=initial), course
        )
    form = CourseForm(request.POST, clinicians=clinicians)
    status = 400
    if form.is_valid():
        try:
            services.update_course(
                actor=request.user,  # type: ignore[arg-type]
                course=course,
                expected_version=form.cleaned_data["version"] or 0,
                details=form.to_details(),
            )
        except StaleEdit as stale:
            course = cast(TrainingCourse, stale.current)
            data = request.POST.copy()
            data["version"] = str(course.version)
            form = CourseForm(data, clinicians=clinicians)
            form.is_valid()
            form.add_error(
                None,
                "Someone else changed this course while you were editing. Check your changes, "
                "then save again.",
            )
            status = 409
        except services.OutreachRefused as refused:
            refuse_into(form, refused)
        else:
            messages.success(request, "The course was updated.")
            return redirect("outreach:course", course.pk)
    return _course_form_page(request, form, course, status=status)


def _course_page(
    request: HttpRequest,
    course: TrainingCourse,
    *,
    attendee_form: AttendeeForm | None = None,
    attendance_form: AttendanceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    attendees = selectors.course_attendees(course)
    context: dict[str, Any] = {
        "course": course,
        "trainers": list(course.trainers.all()),
        "attendees": attendees,
        "summary": selectors.feedback_summary(attendees),
        "has_happened": course.held_on <= timezone.localdate(),
        "attendee_form": attendee_form or AttendeeForm(),
        "attendance_form": attendance_form or AttendanceForm(attendees=attendees),
    }
    return render(request, "outreach/course.jinja", context, status=status)


@require_GET
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    """The course, its attendees with attendance and feedback, and mean confidence."""
    return _course_page(request, access.get_course_for(request, course_id))


@require_POST
def attendee_add(request: HttpRequest, course_id: int) -> HttpResponse:
    course = access.get_course_for(request, course_id)
    form = AttendeeForm(request.POST)
    if form.is_valid():
        try:
            services.add_attendee(
                actor=request.user,  # type: ignore[arg-type]
                course=course,
                person=form.person(),
                organisation_type=form.cleaned_data["organisation_type"],
            )
        except services.OutreachRefused as refused:
            refuse_into(form, refused)
        else:
            messages.success(request, f"{form.cleaned_data['name']} was added to the course.")
            return redirect("outreach:course", course.pk)
    return _course_page(request, course, attendee_form=form, status=400)


@require_POST
def attendance(request: HttpRequest, course_id: int) -> HttpResponse:
    course = access.get_course_for(request, course_id)
    attendees = selectors.course_attendees(course)
    form = AttendanceForm(request.POST, attendees=attendees)
    if form.is_valid():
        try:
            services.record_attendance(
                actor=request.user,  # type: ignore[arg-type]
                course=course,
                attended_ids=form.attended_ids(),
            )
        except services.OutreachRefused as refused:
            refuse_into(form, refused)
        else:
            messages.success(request, "Attendance was saved.")
            return redirect("outreach:course", course.pk)
    return _course_page(request, course, attendance_form=form, status=400)


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, attendee_id: int) -> HttpResponse:
    """One attendee's feedback, often typed in from the paper form."""
    attendee = access.get_attendee_for(request, attendee_id)
    if request.method == "GET":
        form = FeedbackForm(
            initial={
                "confidence_before": attendee.confidence_before,
                "confidence_after": attendee.confidence_after,
                "comment": attendee.feedback,
            }
        )
    else:
        form = FeedbackForm(request.POST)
        if form.is_valid():
            try:
                services.record_feedback(
                    actor=request.user,  # type: ignore[arg-type]
                    attendee=attendee,
                    confidence_before=form.cleaned_data["confidence_before"],
                    confidence_after=form.cleaned_data["confidence_after"],
                    comment=form.cleaned_data["comment"],
                )
            except services.OutreachRefused as refused:
                refuse_into(form, refused)
            else:
                messages.success(request, f"Feedback from {attendee.name} was saved.")
                return redirect("outreach:course", attendee.course_id)
    status = 400 if form.is_bound and form.errors else 200
    context = {"attendee": attendee, "course": attendee.course, "form": form}
    return render(request, "outreach/feedback.jinja", context, status=status)


@require_GET
def certificate(request: HttpRequest, attendee_id: int) -> HttpResponse:
    """A printable certificate of attendance: only for someone who came."""
    attendee = access.get_certificate_attendee_for(request, attendee_id)
    course = attendee.course
    context = {
        "attendee": attendee,
        "course": course,
        "team": course.team,
        "trainers": list(course.trainers.all()),
    }
    return render(request, "outreach/certificate.jinja", context)
