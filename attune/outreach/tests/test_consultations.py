"""Consultations: recording, notes, the referral hand-over, groups, audit and query counts."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attune.audit.models import AuditEvent
from attune.core.locking import StaleEdit
from attune.outreach import codes, services
from attune.outreach.models import Consultation, GroupAttendance
from attune.outreach.tests.factories import (
    details,
    make_consultation,
    make_group,
    make_known_family_consultation,
)
from attune.referrals.tests.factories import make_referral

pytestmark = pytest.mark.django_db

NOTES = "Talked through how the baby shows she has had enough."


def form_data(world, **overrides: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {
        "consultant": str(world.users["practitioner"].pk),
        "kind": "one_to_one",
        "held_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "duration_minutes": "40",
        "topic": "Sleep and settling for a baby born early",
        "consultee1_name": "Hana Visitor",
        "consultee1_role": "Health visitor",
        "consultee1_organisation": "Riverside HV team",
        "family_link": "anonymous",
        "family": "",
        "outcome": "advice",
        "responsibility": "follow_outcome",
        "notes": NOTES,
    }
    data.update(overrides)
    return data


# Services ---------------------------------------------------------------------------------


def test_recording_a_consultation_keeps_consultees_and_audits_without_text(world) -> None:
    practitioner = world.users["practitioner"]
    consultation = make_consultation(world.team, practitioner, notes=NOTES)
    assert [c.name for c in consultation.consultees.all()] == ["Hana Visitor"]
    event = AuditEvent.objects.get(action="consultation.recorded")
    assert event.object_id == str(consultation.pk) and event.team_id == world.team.pk
    assert event.details["consultees"] == 1 and event.details["family_link"] == "anonymous"
    flat = str(event.details)
    assert "Hana" not in flat and "settles" not in flat and "cues" not in flat


def test_notes_are_encrypted_at_rest(world) -> None:
    consultation = make_consultation(world.team, world.users["practitioner"], notes=NOTES)
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM outreach_consultation WHERE id = %s", [consultation.pk])
        stored = cursor.fetchone()[0]
    assert stored and NOTES not in stored and "baby" not in stored
    consultation.refresh_from_db()
    assert consultation.notes == NOTES


def test_a_known_family_must_be_the_teams_and_only_when_known(world) -> None:
    practitioner = world.users["practitioner"]
    ours = make_referral(team=world.team, submitted_by=world.users["referrer"]).family
    theirs = make_referral(team=world.other_team, submitted_by=world.users["other_practitioner"])
    consultation = make_known_family_consultation(world.team, practitioner, ours)
    assert consultation.family == ours
    with pytest.raises(services.OutreachRefused) as refused:
        make_known_family_consultation(world.team, practitioner, theirs.family)
    assert refused.value.field == "family"
    with pytest.raises(services.OutreachRefused):
        make_consultation(world.team, practitioner, family=ours)  # anonymous, yet a family


def test_database_refuses_bad_duration_and_a_family_on_an_anonymous_consultation(world) -> None:
    consultation = make_consultation(world.team, world.users["practitioner"])
    family = make_referral(team=world.team, submitted_by=world.users["referrer"]).family
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(duration_minutes=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(family=family)


def test_refusals_future_date_one_to_one_with_two_and_outsider_consultant(world) -> None:
    practitioner = world.users["practitioner"]
    with pytest.raises(services.OutreachRefused) as future:
        make_consultation(world.team, practitioner, held_on=timezone.localdate() + timedelta(1))
    assert future.value.field == "held_on"
    two = [services.Person("A"), services.Person("B")]
    with pytest.raises(services.OutreachRefused):
        make_consultation(world.team, practitioner, consultees=two)
    assert make_consultation(world.team, practitioner, consultees=two, kind="group")
    with pytest.raises(services.OutreachRefused) as outsider:
        services.record_consultation(
            actor=practitioner,
            team=world.team,
            details=details(world.users["other_practitioner"]),
        )
    assert outsider.value.field == "consultant"
    with pytest.raises(services.OutreachRefused):
        make_consultation(world.team, practitioner, consultees=[])


def test_responsibility_follows_the_outcome_unless_chosen(world, client_for) -> None:
    client = client_for("practitioner")
    response = client.post(
        reverse("outreach:consultation_new"), form_data(world, outcome="referral_suggested")
    )
    assert response.status_code == 302
    assert Consultation.objects.get().responsibility == codes.Responsibility.TEAM
    client.post(
        reverse("outreach:consultation_new"),
        form_data(world, outcome="referral_suggested", responsibility="consultee"),
    )
    assert Consultation.objects.order_by("-id").first().responsibility == "consultee"
    client.post(reverse("outreach:consultation_new"), form_data(world, outcome="joint_visit"))
    assert Consultation.objects.order_by("-id").first().responsibility == "consultee"


def test_update_refuses_a_stale_version_and_keeps_notes_for_administrators(world) -> None:
    practitioner = world.users["practitioner"]
    consultation = make_consultation(world.team, practitioner, notes=NOTES)
    changed = services.update_consultation(
        actor=world.users["administrator"],
        consultation=consultation,
        expected_version=consultation.version,
        details=details(practitioner, duration_minutes=60),
        notes=None,
    )
    assert changed.duration_minutes == 60 and changed.notes == NOTES and changed.version == 2
    with pytest.raises(StaleEdit):
        services.update_consultation(
            actor=practitioner,
            consultation=consultation,
            expected_version=1,
            details=details(practitioner),
            notes="",
        )
    event = AuditEvent.objects.get(action="consultation.changed")
    assert event.details["notes_changed"] is False


# Pages and permissions --------------------------------------------------------------------


def test_staff_record_a_consultation_through_the_form(world, client_for) -> None:
    response = client_for("administrator").post(
        reverse("outreach:consultation_new"), form_data(world)
    )
    consultation = Consultation.objects.get()
    assert response["Location"] == reverse("outreach:consultation", args=[consultation.pk])
    # An administrator's form has no notes field, so nothing they typed is kept.
    assert consultation.notes == ""
    assert consultation.recorded_by == world.users["administrator"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"duration_minutes": "0"}, "at least 1 minute"),
        ({"duration_minutes": "lots"}, "whole number of minutes"),
        ({"topic": ""}, "Enter a few words about what was talked about"),
        (
            {"consultee1_name": "", "consultee1_role": "", "consultee1_organisation": ""},
            "at least one consultee",
        ),
        ({"consultee1_name": ""}, "Enter the consultee's name"),
        ({"family_link": "known"}, "Choose the family from the team's list"),
        ({"held_on": "2099-01-01"}, "cannot be in the future"),
        ({"consultant": "999999"}, "Choose who from the team gave the consultation"),
        ({"consultee2_name": "Bea"}, "choose group instead"),
        ({"outcome": "shrug"}, "Choose what was agreed"),
    ],
)
def test_bad_input_is_refused_beside_the_field(world, client_for, overrides, message) -> None:
    response = client_for("practitioner").post(
        reverse("outreach:consultation_new"), form_data(world, **overrides)
    )
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not Consultation.objects.exists()


def test_clinicians_see_notes_administrators_do_not_and_reads_are_audited(
    world, client_for
) -> None:
    consultation = make_consultation(world.team, world.users["practitioner"], notes=NOTES)
    url = reverse("outreach:consultation", args=[consultation.pk])
    seen = client_for("supervisor").get(url)
    assert seen.status_code == 200 and NOTES in seen.content.decode()
    hidden = client_for("administrator").get(url)
    assert hidden.status_code == 200 and NOTES not in hidden.content.decode()
    assert "Notes are for clinicians" in hidden.content.decode()
    events = AuditEvent.objects.filter(action="consultation.viewed").order_by("id")
    assert [e.details["notes_shown"] for e in events] == [True, False]
    edit = client_for("administrator").get(
        reverse("outreach:consultation_edit", args=[consultation.pk])
    )
    assert edit.status_code == 200 and NOTES not in edit.content.decode()


def test_another_teams_consultation_is_a_404_and_other_roles_403(world, client_for) -> None:
    consultation = make_consultation(world.team, world.users["practitioner"])
    for name in ("outreach:consultation", "outreach:consultation_edit"):
        url = reverse(name, args=[consultation.pk])
        assert client_for("other_practitioner").get(url).status_code == 404
        assert client_for("commissioner").get(url).status_code == 403
        assert client_for("referrer").get(url).status_code == 403
    refer = reverse("outreach:consultation_refer", args=[consultation.pk])
    assert client_for("other_practitioner").post(refer).status_code == 404
    assert client_for("referrer").post(refer).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied").count() == 3
    assert client_for("commissioner").get(reverse("outreach:consultations")).status_code == 403


def test_editing_through_the_form_and_a_conflict(world, client_for) -> None:
    consultation = make_consultation(world.team, world.users["practitioner"], notes=NOTES)
    url = reverse("outreach:consultation_edit", args=[consultation.pk])
    client = client_for("practitioner")
    page = client.get(url)
    assert NOTES in page.content.decode()
    data = form_data(world, version="1", duration_minutes="75", notes="Shorter notes.")
    assert client.post(url, data).status_code == 302
    consultation.refresh_from_db()
    assert (consultation.duration_minutes, consultation.notes) == (75, "Shorter notes.")
    stale = client.post(url, form_data(world, version="1"))
    assert stale.status_code == 409
    assert "Someone else changed this consultation" in stale.content.decode()


# The referral hand-over -------------------------------------------------------------------


def test_starting_a_referral_fills_the_referral_form(world, client_for) -> None:
    consultation = make_consultation(world.team, world.users["practitioner"])
    client = client_for("practitioner")
    response = client.post(reverse("outreach:consultation_refer", args=[consultation.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("referrals:new")
    assert client.session["referral_prefill"] == {
        "narrative": consultation.topic,
        "referrer_name": "Hana Visitor",
        "referrer_organisation": "Riverside HV team",
        "referrer_role": "health_visitor",
    }
    page = client.get(reverse("referrals:new")).content.decode()
    assert 'value="Hana Visitor"' in page and consultation.topic in page
    assert 'value="health_visitor" selected' in page
    assert "referral_prefill" not in client.session  # used once
    consultation.refresh_from_db()
    assert consultation.referral_started_at is not None
    assert consultation.referral_started_by == world.users["practitioner"]
    event = AuditEvent.objects.get(action="consultation.referral_started")
    assert event.object_id == str(consultation.pk) and "Hana" not in str(event.details)


def test_an_unknown_role_is_left_out_of_the_prefill(world) -> None:
    practitioner = world.users["practitioner"]
    consultation = make_consultation(
        world.team,
        practitioner,
        consultees=[services.Person("Sol", "Housing officer", "City housing")],
    )
    prefill = services.referral_prefill(consultation)
    assert "referrer_role" not in prefill and prefill["referrer_name"] == "Sol"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Health visitor", "health_visitor"),
        ("Specialist health visitors", "health_visitor"),
        ("Community midwife", "midwife"),
        ("Family Nurse Partnership nurse", "family_nurse"),
        ("Social worker", "social_worker"),
        ("GP", "gp"),
        ("Perinatal mental health nurse", "perinatal_mh"),
        ("Housing officer", None),
        ("", None),
    ],
)
def test_consultee_roles_map_to_referrer_roles(typed, expected) -> None:
    assert codes.referrer_role_for(typed) == expected


# Consultation groups ----------------------------------------------------------------------


def test_a_group_meeting_records_attendance_for_every_member(world, client_for) -> None:
    manager = world.users["manager"]
    group, members = make_group(world.team, manager, members=3)
    client = client_for("manager")
    url = reverse("outreach:group_meeting_new", args=[group.pk])
    page = client.get(url).content.decode()
    assert "Member 1" in page and "Who came" in page
    data = form_data(
        world,
        consultant=str(manager.pk),
        consultee1_name="",
        consultee1_role="",
        consultee1_organisation="",
        duration_minutes="90",
    )
    data.pop("kind")
    data["attended"] = [str(members[0].pk), str(members[2].pk)]  # type: ignore[assignment]
    response = client.post(url, data)
    assert response.status_code == 302
    meeting = Consultation.objects.get()
    assert meeting.group == group and meeting.kind == "group"
    ticks = dict(GroupAttendance.objects.values_list("member__name", "attended"))
    assert ticks == {"Member 1": True, "Member 2": False, "Member 3": True}
    group_page = client.get(reverse("outreach:group", args=[group.pk])).content.decode()
    assert "2 of 3" in group_page


def test_group_attendance_only_for_its_members_and_leavers_drop_off(world) -> None:
    manager = world.users["manager"]
    group, members = make_group(world.team, manager, members=2)
    _other_group, strangers = make_group(world.team, manager, members=1)
    with pytest.raises(services.OutreachRefused):
        make_consultation(world.team, manager, group=group, attended=strangers)
    services.member_leaves(actor=manager, member=members[1])
    meeting = make_consultation(world.team, manager, group=group, attended=[members[0]])
    assert list(meeting.attendance.values_list("member_id", flat=True)) == [members[0].pk]
    assert AuditEvent.objects.filter(action="consultation_group.member_left").count() == 1


def test_group_pages_are_team_only(world, client_for) -> None:
    group, _members = make_group(world.team, world.users["manager"])
    for url in (
        reverse("outreach:group", args=[group.pk]),
        reverse("outreach:group_meeting_new", args=[group.pk]),
    ):
        assert client_for("colleague").get(url).status_code == 200
        assert client_for("other_practitioner").get(url).status_code == 404
        assert client_for("system_admin").get(url).status_code == 403
    add = reverse("outreach:group_member_add", args=[group.pk])
    assert client_for("other_practitioner").post(add, {"name": "X"}).status_code == 404
    assert client_for("practitioner").post(add, {"name": ""}).status_code == 400
    assert client_for("practitioner").post(add, {"name": "Nia", "role": "HV"}).status_code == 302
    _other_group, other_members = make_group(world.other_team, world.users["other_practitioner"])
    leave = reverse("outreach:group_member_leave", args=[group.pk, other_members[0].pk])
    assert client_for("practitioner").post(leave).status_code == 404


def test_setting_up_a_group_through_the_form(world, client_for) -> None:
    client = client_for("supervisor")
    assert client.post(reverse("outreach:group_new"), {"name": "HV group"}).status_code == 400
    response = client.post(
        reverse("outreach:group_new"),
        {"name": "HV group", "audience": "", "facilitators": [str(world.users["supervisor"].pk)]},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="consultation_group.created").exists()
    listing = client.get(reverse("outreach:groups")).content.decode()
    assert "HV group" in listing


# The list ---------------------------------------------------------------------------------


def test_the_list_filters_by_month_consultant_and_kind(world, client_for) -> None:
    practitioner, colleague = world.users["practitioner"], world.users["colleague"]
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=3)
    make_consultation(world.team, practitioner, topic="This month, one to one", held_on=today)
    make_consultation(world.team, colleague, topic="Last month, colleague", held_on=last_month)
    make_consultation(world.team, practitioner, topic="A group one", kind="group", held_on=today)
    make_consultation(world.other_team, world.users["other_practitioner"], topic="Elsewhere")
    client = client_for("practitioner")
    url = reverse("outreach:consultations")

    def topics(**params: str) -> set[str]:
        page = client.get(url, params).content.decode()
        shown = {"This month, one to one", "Last month, colleague", "A group one", "Elsewhere"}
        return {topic for topic in shown if topic in page}

    assert topics() == {"This month, one to one", "Last month, colleague", "A group one"}
    assert topics(month=last_month.strftime("%Y-%m")) == {"Last month, colleague"}
    assert topics(consultant=str(colleague.pk)) == {"Last month, colleague"}
    assert topics(kind="group") == {"A group one"}


def test_consultation_list_query_count_does_not_grow(
    world, client_for, django_assert_max_num_queries
) -> None:
    practitioner = world.users["practitioner"]
    group, members = make_group(world.team, practitioner)
    family = make_referral(team=world.team, submitted_by=world.users["referrer"]).family

    def add_some() -> None:
        make_consultation(world.team, practitioner)
        make_known_family_consultation(world.team, practitioner, family)
        make_consultation(world.team, practitioner, group=group, attended=members[:2])

    add_some()
    client = client_for("practitioner")
    url = reverse("outreach:consultations")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(6):
        add_some()
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count("Hana Visitor") == 14
    assert len(small.captured_queries) <= 15


def test_editing_a_meeting_keeps_a_former_members_tick(world) -> None:
    manager = world.users["manager"]
    group, members = make_group(world.team, manager, members=2)
    meeting = make_consultation(world.team, manager, group=group, attended=members)
    services.member_leaves(actor=manager, member=members[1])
    services.update_consultation(
        actor=manager,
        consultation=meeting,
        expected_version=meeting.version,
        details=details(manager, kind="group", consultees=[]),
        notes=None,
        attended_member_ids=[],
    )
    ticks = dict(meeting.attendance.values_list("member_id", "attended"))
    assert ticks == {members[0].pk: False, members[1].pk: True}
