"""Workforce training: courses, attendees, attendance, feedback means and certificates."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from attune.audit.models import AuditEvent
from attune.outreach import selectors, services
from attune.outreach.models import TrainingAttendee, TrainingCourse
from attune.outreach.tests.factories import add_attendee, make_course

pytestmark = pytest.mark.django_db


def test_a_course_through_the_forms(world, client_for) -> None:
    client = client_for("manager")
    data = {
        "title": "Babies' cues",
        "audience": "Health visitors",
        "held_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "format": "online",
        "trainers": [str(world.users["manager"].pk), str(world.users["practitioner"].pk)],
    }
    response = client.post(reverse("outreach:course_new"), data)
    course = TrainingCourse.objects.get()
    assert response["Location"] == reverse("outreach:course", args=[course.pk])
    assert set(course.trainers.all()) == {world.users["manager"], world.users["practitioner"]}
    add = reverse("outreach:attendee_add", args=[course.pk])
    person = {"name": "Ada", "role": "Nursery nurse", "organisation": "Acorns"}
    assert client.post(add, {**person, "organisation_type": "early_years"}).status_code == 302
    refused = client.post(add, {**person, "organisation_type": ""})
    assert refused.status_code == 400
    assert "Choose the kind of organisation" in refused.content.decode()
    edit = reverse("outreach:course_edit", args=[course.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {**data, "title": "Cues", "version": "1"}).status_code == 302
    assert client.post(edit, {**data, "version": "1"}).status_code == 409
    course.refresh_from_db()
    assert course.title == "Cues"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "training.course_created",
        "training.attendee_added",
        "training.course_changed",
    } <= actions


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Enter the course title"),
        ({"held_on": "31/02/2026"}, "Enter a real date"),
        ({"format": "carrier pigeon"}, "Choose in person or online"),
        ({"trainers": []}, "Choose at least one trainer from the team"),
    ],
)
def test_bad_course_input(world, client_for, overrides, message) -> None:
    data = {
        "title": "Cues",
        "held_on": timezone.localdate().isoformat(),
        "format": "in_person",
        "trainers": [str(world.users["manager"].pk)],
        **overrides,
    }
    response = client_for("manager").post(reverse("outreach:course_new"), data)
    assert response.status_code == 400 and message in html.unescape(response.content.decode())


def test_trainers_come_from_the_team(world) -> None:
    with pytest.raises(services.OutreachRefused):
        services.create_course(
            actor=world.users["manager"],
            team=world.team,
            details=services.CourseDetails(
                title="X",
                audience="",
                held_on=timezone.localdate(),
                format="online",
                trainers=[world.users["other_practitioner"]],
            ),
        )


def test_attendance_marks_everyone_and_only_after_the_course(world, client_for) -> None:
    manager = world.users["manager"]
    course = make_course(world.team, manager)
    ada, ben = add_attendee(course, manager, "Ada"), add_attendee(course, manager, "Ben")
    url = reverse("outreach:attendance", args=[course.pk])
    assert client_for("practitioner").post(url, {"attended": [str(ada.pk)]}).status_code == 302
    ada.refresh_from_db()
    ben.refresh_from_db()
    assert (ada.attended, ben.attended) == (True, False)
    event = AuditEvent.objects.get(action="training.attendance_recorded")
    assert event.details["attended"] == 1 and event.details["booked"] == 2
    other = make_course(world.team, manager)
    stranger = add_attendee(other, manager, "Cy")
    assert client_for("practitioner").post(url, {"attended": [str(stranger.pk)]}).status_code == 400
    future = make_course(world.team, manager, held_on=timezone.localdate() + timedelta(days=7))
    add_attendee(future, manager)
    with pytest.raises(services.OutreachRefused):
        services.record_attendance(actor=manager, course=future, attended_ids=[])


def test_feedback_means_and_change(world, client_for) -> None:
    manager = world.users["manager"]
    course = make_course(world.team, manager)
    people = [add_attendee(course, manager, name) for name in ("Ada", "Ben", "Cy")]
    client = client_for("practitioner")
    for attendee, before, after in ((people[0], "2", "4"), (people[1], "3", "5")):
        url = reverse("outreach:feedback", args=[attendee.pk])
        data = {"confidence_before": before, "confidence_after": after, "comment": "Useful"}
        assert client.post(url, data).status_code == 302
    # Only an "after" answer: counted in the mean after, not in the change.
    only_after = reverse("outreach:feedback", args=[people[2].pk])
    assert client.post(only_after, {"confidence_after": "3"}).status_code == 302
    summary = selectors.feedback_summary(selectors.course_attendees(course))
    assert (summary.responses, summary.mean_before, summary.mean_after) == (3, 2.5, 4.0)
    assert (summary.paired, summary.mean_change) == (2, 2.0)
    page = client.get(reverse("outreach:course", args=[course.pk])).content.decode()
    assert 'data-testid="mean-before">2.5<' in page and "+2.0" in page
    event = AuditEvent.objects.filter(action="training.feedback_recorded").first()
    assert event is not None and "Useful" not in str(event.details)


def test_bad_feedback_is_refused(world, client_for) -> None:
    manager = world.users["manager"]
    attendee = add_attendee(make_course(world.team, manager), manager)
    url = reverse("outreach:feedback", args=[attendee.pk])
    client = client_for("manager")
    empty = client.post(url, {})
    assert empty.status_code == 400 and "at least one answer" in empty.content.decode()
    wrong = client.post(url, {"confidence_before": "9"})
    assert wrong.status_code == 400 and "from 1 to 5" in wrong.content.decode()
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingAttendee.objects.filter(pk=attendee.pk).update(confidence_after=6)


def test_certificates_only_for_attendees_who_came(world, client_for) -> None:
    manager = world.users["manager"]
    course = make_course(world.team, manager, title="Noticing babies' cues")
    came, missed, unmarked = (add_attendee(course, manager, n) for n in ("Ada", "Ben", "Cy"))
    services.record_attendance(actor=manager, course=course, attended_ids=[came.pk])
    add_attendee(course, manager, "Cy later")
    client = client_for("administrator")
    page = client.get(reverse("outreach:certificate", args=[came.pk]))
    text = html.unescape(page.content.decode())
    assert page.status_code == 200 and "Certificate of attendance" in text
    assert "Ada" in text and "Noticing babies' cues" in text and world.team.name in text
    assert client.get(reverse("outreach:certificate", args=[missed.pk])).status_code == 404
    assert client.get(reverse("outreach:certificate", args=[unmarked.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="training.certificate_viewed").count() == 1
    course_page = client.get(reverse("outreach:course", args=[course.pk])).content.decode()
    assert course_page.count("Certificate<span") == 1


def test_another_teams_course_and_attendee_are_404(world, client_for) -> None:
    other = world.users["other_practitioner"]
    course = make_course(world.other_team, other)
    attendee = add_attendee(course, other)
    services.record_attendance(actor=other, course=course, attended_ids=[attendee.pk])
    client = client_for("practitioner")
    for url in (
        reverse("outreach:course", args=[course.pk]),
        reverse("outreach:course_edit", args=[course.pk]),
        reverse("outreach:feedback", args=[attendee.pk]),
        reverse("outreach:certificate", args=[attendee.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("outreach:attendance", args=[course.pk])).status_code == 404
    assert client_for("commissioner").get(reverse("outreach:courses")).status_code == 403
    assert client.get(reverse("outreach:courses")).status_code == 200
