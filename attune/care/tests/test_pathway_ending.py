"""Phases and ending: moving on, closing once, end-of-therapy measures, the closing letter."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from attune.audit.models import AuditEvent
from attune.care import assessment as assessment_services
from attune.care import ending, package, phases, services
from attune.care.assessment import DomainEntry
from attune.care.codes import Attendance, Stage
from attune.care.models import CareSettings, Contact, Episode, Note, StageChange
from attune.care.phases import PathwayRefused
from attune.care.tests.factories import world_episode
from attune.families.ages import add_months

pytestmark = pytest.mark.django_db


def in_stage(world, stage):  # type: ignore[no-untyped-def]
    episode = world_episode(world)
    for step in (Stage.ASSESSMENT, Stage.EARLY, Stage.MIDDLE, Stage.ENDING):
        episode = services.move_to_stage(actor=world.users["manager"], episode=episode, stage=step)
        if step == stage:
            break
    return episode


def close(world, episode, **overrides):  # type: ignore[no-untyped-def]
    fields = {
        "kind": "planned",
        "reason": "Goals met",
        "closed_on": timezone.localdate(),
        "follow_up_on": None,
    }
    fields.update(overrides)
    return ending.close_episode(actor=world.users["practitioner"], episode=episode, **fields)


def closing_data(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "planned",
        "reason": "Goals met",
        "closed_on": timezone.localdate().isoformat(),
        "follow_up_on": "",
    }
    data.update(overrides)
    return data


def attended_contact(episode: Episode, days_ago: int, attendance: str = Attendance.ATTENDED):
    starts = timezone.now() - timedelta(days=days_ago)
    return Contact.objects.create(
        episode=episode,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        location_type="home",
        attendance=attendance,
    )


# Phases


def test_moving_to_the_middle_and_ending_phases(world, client_for) -> None:
    episode = in_stage(world, Stage.EARLY)
    client = client_for("practitioner")
    url = reverse("care:phase", args=[episode.pk])
    assert client.get(url).status_code == 200
    today = timezone.localdate().isoformat()
    assert client.post(url, {"stage": "middle", "on": today}).status_code == 302
    assert client.post(url, {"stage": "ending", "on": today}).status_code == 302
    episode.refresh_from_db()
    assert episode.stage == Stage.ENDING
    change = StageChange.objects.get(episode=episode, stage=Stage.ENDING)
    assert change.changed_by == world.users["practitioner"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stage": "middle", "on": "+1"}, "cannot be in the future"),
        ({"stage": "assessment", "on": "0"}, "Choose one of the phases shown"),
        ({"stage": "closed", "on": "0"}, "Choose one of the phases shown"),
        ({"stage": "middle", "on": "-3"}, "on or after"),
        ({"stage": "", "on": "0"}, "Choose the phase to move to"),
    ],
)
def test_bad_phase_moves_are_explained(world, client_for, data, message) -> None:
    episode = in_stage(world, Stage.EARLY)
    on = timezone.localdate() + timedelta(days=int(data["on"]))
    response = client_for("practitioner").post(
        reverse("care:phase", args=[episode.pk]), {**data, "on": on.isoformat()}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    episode.refresh_from_db()
    assert episode.stage == Stage.EARLY


def test_a_repeated_move_changes_nothing(world) -> None:
    episode = in_stage(world, Stage.EARLY)
    today = timezone.localdate()
    _, moved = phases.move_phase(
        actor=world.users["practitioner"], episode=episode, stage=Stage.MIDDLE, on=today
    )
    _, again = phases.move_phase(
        actor=world.users["practitioner"], episode=episode, stage=Stage.MIDDLE, on=today
    )
    assert moved and not again
    assert StageChange.objects.filter(episode=episode, stage=Stage.MIDDLE).count() == 1


# Closing


def test_closing_sets_everything_together(world) -> None:
    episode = in_stage(world, Stage.ENDING)
    follow = timezone.localdate() + timedelta(days=200)
    closed = close(world, episode, kind="unplanned", reason="Moved away", follow_up_on=follow)
    closed.refresh_from_db()
    assert closed.stage == Stage.CLOSED and closed.closed_on == timezone.localdate()
    assert (closed.ending_kind, closed.ending_reason) == ("unplanned", "Moved away")
    assert closed.follow_up_on == follow
    assert StageChange.objects.filter(episode=episode, stage=Stage.CLOSED).count() == 1
    event = AuditEvent.objects.get(action="episode.closed")
    assert event.details["kind"] == "unplanned"


def test_closing_twice_is_refused_with_the_date(world) -> None:
    episode = in_stage(world, Stage.ENDING)
    close(world, episode)
    with pytest.raises(PathwayRefused, match="already closed on"):
        close(world, episode, reason="Again")
    assert Episode.objects.get(pk=episode.pk).ending_reason == "Goals met"
    assert AuditEvent.objects.filter(action="episode.closed").count() == 1


def test_a_refused_close_leaves_no_partial_record(world) -> None:
    episode = in_stage(world, Stage.ENDING)
    with pytest.raises(PathwayRefused, match="on or after"):
        close(world, episode, closed_on=timezone.localdate() - timedelta(days=2))
    with pytest.raises(PathwayRefused, match="follow-up date must be after"):
        close(world, episode, follow_up_on=timezone.localdate())
    episode.refresh_from_db()
    assert episode.stage == Stage.ENDING and episode.closed_on is None and not episode.ending_kind
    assert not StageChange.objects.filter(episode=episode, stage=Stage.CLOSED).exists()


def test_closing_from_the_page_uses_the_teams_follow_up_months(world, client_for) -> None:
    CareSettings.objects.create(team=world.team, follow_up_months=3)
    episode = in_stage(world, Stage.ENDING)
    client = client_for("practitioner")
    url = reverse("care:ending", args=[episode.pk])
    page = client.get(url).content.decode()
    expected = add_months(timezone.localdate(), 3)
    assert expected.isoformat() in page  # the default is shown, and can be changed
    assert client.post(url, closing_data()).status_code == 302
    episode.refresh_from_db()
    assert episode.follow_up_on == expected
    # The same form again (a double click): a clear message, nothing changed.
    again = client.post(url, closing_data(reason="Second go"))
    assert again.status_code == 400
    assert "already closed on" in again.content.decode()
    episode.refresh_from_db()
    assert episode.ending_reason == "Goals met"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"closed_on": "+1"}, "The closing date cannot be in the future"),
        ({"follow_up_on": "0"}, "The follow-up date must be after the closing date"),
        ({"kind": ""}, "Choose whether the ending was planned"),
        ({"reason": ""}, "Give a short reason for the ending"),
        ({"reason": "x" * 501}, "Keep this under 500 characters"),
    ],
)
def test_bad_closing_input_is_explained(world, client_for, overrides, message) -> None:
    episode = in_stage(world, Stage.ENDING)
    data = closing_data()
    for name, value in overrides.items():
        if value.startswith(("+", "0")) and name in {"closed_on", "follow_up_on"}:
            value = (timezone.localdate() + timedelta(days=int(value))).isoformat()
        data[name] = value
    response = client_for("practitioner").post(reverse("care:ending", args=[episode.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    episode.refresh_from_db()
    assert episode.stage == Stage.ENDING


def test_the_follow_up_date_can_be_changed_after_closing(world, client_for) -> None:
    episode = in_stage(world, Stage.ENDING)
    close(world, episode)
    client = client_for("practitioner")
    url = reverse("care:follow_up", args=[episode.pk])
    later = timezone.localdate() + timedelta(days=120)
    assert client.post(url, {"follow_up_on": later.isoformat()}).status_code == 302
    episode.refresh_from_db()
    assert episode.follow_up_on == later
    bad = client.post(url, {"follow_up_on": timezone.localdate().isoformat()})
    assert bad.status_code == 400
    assert "must be after the closing date" in bad.content.decode()


# End-of-therapy measures


def test_end_measures_reminder_until_waived(world, client_for) -> None:
    episode = in_stage(world, Stage.ENDING)
    client = client_for("practitioner")
    episode_page = reverse("care:episode", args=[episode.pk])
    assert "End-of-therapy measures due" in client.get(episode_page).content.decode()
    waive = reverse("care:end_measures_waive", args=[episode.pk])
    missing = client.post(waive, {})
    assert missing.status_code == 400
    assert "Choose why the measures will not be collected" in missing.content.decode()
    assert client.post(waive, {"waive-reason": "family_preferred"}).status_code == 302
    assert client.post(waive, {"waive-reason": "family_preferred"}).status_code == 302
    assert "End-of-therapy measures due" not in client.get(episode_page).content.decode()
    event = AuditEvent.objects.get(action="episode.end_measures_waived")
    assert event.details == {"reason": "family_preferred"}


def test_no_reminder_before_the_ending_phase_or_without_an_intervention(world) -> None:
    middle = in_stage(world, Stage.MIDDLE)
    assert not ending.end_measures_due(middle, middle.stage_changes.all())
    never_started = world_episode(world)
    closed = close(world, never_started, kind="unplanned", reason="Not reached")
    assert not ending.end_measures_due(closed, closed.stage_changes.all())
    with pytest.raises(PathwayRefused, match="nothing to waive yet"):
        ending.waive_end_measures(actor=world.users["practitioner"], episode=middle, reason="other")


# The closing letter


def test_the_closing_letter_holds_dates_sessions_and_services_but_no_clinical_text(
    world, client_for
) -> None:
    episode = in_stage(world, Stage.ENDING)
    for days in (30, 20, 10):
        attended_contact(episode, days)
    attended_contact(episode, 5, Attendance.DID_NOT_ATTEND)
    Note.objects.create(
        episode=episode,
        kind="session",
        author=world.users["practitioner"],
        written_on=timezone.localdate(),
        body="Canary-Note-8812",
    )
    assessment_services.save_assessment(
        actor=world.users["practitioner"],
        episode=episode,
        expected_version=0,
        texts={"formulation": "Canary-Formulation-2290"},
        domains={"attachment": DomainEntry(True, "Canary-Domain-1175")},
    )
    package.add_onward_referral(
        actor=world.users["practitioner"],
        episode=episode,
        service="perinatal_mh",
        organisation="Riverside perinatal team",
        status="accepted",
        status_on=timezone.localdate(),
    )
    close(world, episode, reason="Canary-Reason-6003")
    client = client_for("administrator")
    response = client.get(reverse("care:closing_letter", args=[episode.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "attended 3 sessions" in body
    assert "Riverside perinatal team" in body and "Perinatal mental health" in body
    assert "Rita Referrer" in body and "as planned" in body
    today = timezone.localdate().strftime("%-d %B %Y")
    assert f"Closed on {today}" in body and f"Intervention – ending phase from {today}" in body
    for canary in (
        "Canary-Note-8812",
        "Canary-Formulation-2290",
        "Canary-Domain-1175",
        "Canary-Reason-6003",
    ):
        assert canary not in body
    assert not AuditEvent.objects.filter(action="assessment.viewed").exists()


def test_the_letter_waits_for_closing(world, client_for) -> None:
    episode = in_stage(world, Stage.ENDING)
    body = client_for("practitioner").get(reverse("care:closing_letter", args=[episode.pk]))
    assert "not closed yet" in body.content.decode()


def test_other_teams_cannot_close_or_read_the_letter(world, client_for) -> None:
    episode = in_stage(world, Stage.ENDING)
    client = client_for("other_practitioner")
    assert client.post(reverse("care:ending", args=[episode.pk]), closing_data()).status_code == 404
    assert client.get(reverse("care:closing_letter", args=[episode.pk])).status_code == 404
    episode.refresh_from_db()
    assert episode.stage == Stage.ENDING
