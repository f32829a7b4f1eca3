"""Group programmes: set-up, capacity and the waiting list, the register as contacts, notes in
the right place, outcomes, query counts and scoping."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attune.care.codes import Attendance as ContactAttendance
from attune.care.models import Contact, Note
from attune.care.tests.factories import make_episode, world_episode
from attune.catalogue import services as catalogue_services
from attune.catalogue.tests.factories import entry
from attune.groups import selectors, services
from attune.groups.models import Attendance, Enrolment, GroupNote
from attune.groups.tests.factories import make_course
from attune.measures.tests.factories import phq9_answers, record_phq9

pytestmark = pytest.mark.django_db


def _carer(episode):  # type: ignore[no-untyped-def]
    return episode.family.members.filter(role="carer").first().person


def _baby(episode):  # type: ignore[no-untyped-def]
    return episode.family.members.filter(role="baby").first().person


def _enrol(world, group, episode, *, waiting=False, creche=False):  # type: ignore[no-untyped-def]
    return services.add_family(
        actor=world.users["manager"],
        group=group,
        family=episode.family,
        people=[_carer(episode), _baby(episode)],
        needs_creche=creche,
        waiting=waiting,
    )


def _episodes(world, n: int) -> list:  # type: ignore[type-arg]
    return [
        make_episode(
            team=world.team,
            manager=world.users["manager"],
            practitioner=world.users["practitioner"],
        )
        for _ in range(n)
    ]


def test_a_course_has_its_weekly_sessions(world) -> None:
    group = make_course(world, sessions=8)
    starts = [s.starts_at for s in group.sessions.order_by("number")]
    assert len(starts) == 8
    assert all(b - a == timedelta(weeks=1) for a, b in itertools.pairwise(starts))


def test_a_full_course_refuses_another_family_with_a_clear_message(world) -> None:
    group = make_course(world, capacity=2)
    first, second, third = _episodes(world, 3)
    _enrol(world, group, first)
    _enrol(world, group, second)
    with pytest.raises(services.GroupRefused, match="This group is full: all 2 places are taken"):
        _enrol(world, group, third)
    waiting = _enrol(world, group, third, waiting=True)
    assert waiting.status == "waiting"
    with pytest.raises(services.GroupRefused, match="full"):
        services.offer_place(actor=world.users["manager"], enrolment=waiting)
    services.leave(
        actor=world.users["manager"], enrolment=Enrolment.objects.get(family=first.family)
    )
    offered = services.offer_place(actor=world.users["manager"], enrolment=waiting)
    assert offered.status == "enrolled" and offered.episode == third


def test_the_creche_has_its_own_limit(world) -> None:
    group = make_course(world, capacity=4, creche_places=1)
    first, second = _episodes(world, 2)
    _enrol(world, group, first, creche=True)
    with pytest.raises(services.GroupRefused, match="crèche places are taken"):
        _enrol(world, group, second, creche=True)
    assert _enrol(world, group, second).needs_creche is False


def test_over_capacity_through_the_page_shows_the_message(world, client_for) -> None:
    group = make_course(world, capacity=1)
    first, second = _episodes(world, 2)
    _enrol(world, group, first)
    response = client_for("practitioner").post(
        reverse("groups:add_family", args=[group.pk]),
        {"family": second.family.pk, "people": [_carer(second).pk]},
        follow=True,
    )
    assert "This group is full" in response.content.decode()
    assert not Enrolment.objects.filter(family=second.family).exists()


def test_the_register_marks_each_person_and_becomes_each_familys_contact(world) -> None:
    group = make_course(world)
    came, stayed_home = _episodes(world, 2)
    _enrol(world, group, came)
    _enrol(world, group, stayed_home)
    session = group.sessions.order_by("number").first()
    marked = services.take_register(
        actor=world.users["practitioner"],
        session=session,
        present=[_carer(came).pk, _baby(came).pk],
    )
    assert marked == 4
    assert Attendance.objects.filter(session=session, present=True).count() == 2
    attended = Contact.objects.get(episode=came)
    assert attended.attendance == ContactAttendance.ATTENDED and attended.modality == "group"
    assert set(attended.people_present.all()) == {_carer(came), _baby(came)}
    assert Contact.objects.get(episode=stayed_home).attendance == ContactAttendance.DID_NOT_ATTEND
    # Taking it again corrects the marks without a second contact.
    services.take_register(actor=world.users["practitioner"], session=session, present=[])
    assert Contact.objects.filter(episode=came).count() == 1
    assert Contact.objects.get(episode=came).attendance == ContactAttendance.DID_NOT_ATTEND


def test_group_attendance_appears_in_the_familys_chronology(world, client_for) -> None:
    group = make_course(world)
    episode = world_episode(world)
    _enrol(world, group, episode)
    session = group.sessions.order_by("number").first()
    services.take_register(
        actor=world.users["practitioner"], session=session, present=[_carer(episode).pk]
    )
    page = client_for("practitioner").get(reverse("care:chronology", args=[episode.pk]))
    assert "Group programme" in page.content.decode()


def test_a_register_cannot_be_taken_before_the_session(world) -> None:
    group = make_course(world, first_session_at=timezone.now() + timedelta(days=2))
    with pytest.raises(services.GroupRefused, match="once the session has started"):
        services.take_register(
            actor=world.users["practitioner"], session=group.sessions.first(), present=[]
        )


def test_one_familys_note_is_not_visible_from_another_familys_record(world, client_for) -> None:
    group = make_course(world)
    ours, theirs = _episodes(world, 2)
    ours_enrolment = _enrol(world, group, ours)
    _enrol(world, group, theirs)
    session = group.sessions.order_by("number").first()
    services.take_register(actor=world.users["practitioner"], session=session, present=[])
    canary = "Lantern-Canary-5521 shared how the night feeds are going"
    response = client_for("practitioner").post(
        reverse("groups:family_note", args=[session.pk, ours_enrolment.pk]), {"body": canary}
    )
    assert response.status_code == 302
    note = Note.objects.get()
    assert note.episode == ours and note.contact is not None
    assert (
        canary
        in client_for("practitioner").get(reverse("care:notes", args=[ours.pk])).content.decode()
    )
    for url in (
        reverse("care:notes", args=[theirs.pk]),
        reverse("care:chronology", args=[theirs.pk]),
        reverse("groups:detail", args=[group.pk]),
        reverse("groups:register", args=[session.pk]),
    ):
        assert "Lantern-Canary-5521" not in client_for("practitioner").get(url).content.decode()


def test_the_groups_own_note_may_not_name_a_family(world) -> None:
    group = make_course(world)
    episode = world_episode(world)
    _enrol(world, group, episode)
    name = _carer(episode).given_name
    with pytest.raises(services.GroupRefused, match="seems to name someone"):
        services.write_group_note(
            actor=world.users["practitioner"],
            group=group,
            session=None,
            body=f"{name} seemed tired today",
        )
    note = services.write_group_note(
        actor=world.users["practitioner"],
        group=group,
        session=None,
        body="A warm session; the babies enjoyed the songs.",
    )
    assert GroupNote.objects.get() == note


def test_untrained_facilitators_are_named(world, client_for) -> None:
    pip = entry("parent-infant-psychotherapy")
    group = make_course(world, programme=pip)
    assert set(selectors.untrained_facilitators(group)) == {
        world.users["practitioner"],
        world.users["colleague"],
    }
    catalogue_services.record_training(
        actor=world.users["manager"],
        team=world.team,
        user=world.users["practitioner"],
        intervention=pip,
        level="Trained",
        trained_on=None,
        expires_on=None,
    )
    assert selectors.untrained_facilitators(group) == [world.users["colleague"]]


def test_the_group_summary_of_change(world, client_for) -> None:
    group = make_course(world)
    recovered, unchanged = _episodes(world, 2)
    for episode, end in ((recovered, 8), (unchanged, 17)):
        _enrol(world, group, episode)
        record_phq9(
            episode,
            actor=world.users["practitioner"],
            answers=phq9_answers(18),
            completed_on=timezone.localdate() - timedelta(days=60),
        )
        record_phq9(
            episode, actor=world.users["practitioner"], answers=phq9_answers(end), timepoint="end"
        )
    (summary,) = selectors.group_outcomes(group)
    assert summary.label == "PHQ-9" and summary.pairs == 2 and summary.families_measured == 2
    assert summary.classifications == {"Recovered": 1, "No reliable change": 1}
    assert summary.mean_change == pytest.approx(5.5)
    page = client_for("practitioner").get(reverse("groups:outcomes", args=[group.pk]))
    assert "Recovered: 1" in page.content.decode()


def test_the_register_page_query_count_does_not_grow(
    world, client_for, django_assert_max_num_queries
) -> None:
    group = make_course(world, capacity=20)
    session = group.sessions.order_by("number").first()
    client = client_for("practitioner")
    for episode in _episodes(world, 1):
        _enrol(world, group, episode)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("groups:register", args=[session.pk]))
    for episode in _episodes(world, 4):
        _enrol(world, group, episode)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse("groups:register", args=[session.pk]))
    assert page.content.decode().count("nhsuk-fieldset attune-register-family") == 5


def test_another_teams_group_is_not_found(world, client_for) -> None:
    group = make_course(world)
    assert (
        client_for("other_practitioner").get(reverse("groups:detail", args=[group.pk])).status_code
        == 404
    )
