"""The structured assessment: NG26 domains, optimistic locking, audited reads, completion, goals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from attune.audit.models import AuditEvent
from attune.care import assessment as assessment_services
from attune.care import services
from attune.care.assessment import DomainEntry
from attune.care.codes import AssessmentDomain, Stage
from attune.care.models import Assessment, AssessmentDomainNote, Goal
from attune.care.phases import PathwayRefused
from attune.care.tests.factories import world_episode
from attune.core.locking import StaleEdit

pytestmark = pytest.mark.django_db

TEXTS = {
    "from_referrer": "Health visitor worried about low mood.",
    "conversation": "Priya spoke about the birth.",
    "observation": "Maya turns towards her mother's voice.",
    "questionnaires_used": "PHQ-9, GAD-7",
    "formulation": "A loving bond under strain.",
}


def in_assessment(world):  # type: ignore[no-untyped-def]
    episode = world_episode(world)
    return services.move_to_stage(
        actor=world.users["manager"], episode=episode, stage=Stage.ASSESSMENT
    )


def save(world, episode, version=0, **texts):  # type: ignore[no-untyped-def]
    return assessment_services.save_assessment(
        actor=world.users["practitioner"],
        episode=episode,
        expected_version=version,
        texts={**TEXTS, **texts},
        domains={"sensitivity": DomainEntry(True, "Warm and responsive at times.")},
    )


def edit_data(version: int, **overrides: str) -> dict[str, str]:
    data = {"version": str(version), **TEXTS}
    data["domain_sensitivity_considered"] = "on"
    data["domain_sensitivity_note"] = "Warm and responsive at times."
    data.update(overrides)
    return data


def read_events() -> int:
    return AuditEvent.objects.filter(action="assessment.viewed").count()


# Services


def test_first_save_starts_the_assessment_and_later_saves_need_the_version(world) -> None:
    episode = in_assessment(world)
    first = save(world, episode)
    assert first.version == 1 and first.observation == TEXTS["observation"]
    assert AssessmentDomainNote.objects.get(assessment=first, domain="sensitivity").considered
    second = save(world, episode, version=1, formulation="Revised formulation")
    assert second.version == 2
    with pytest.raises(StaleEdit):
        save(world, episode, version=1, formulation="An older copy")
    assert Assessment.objects.get(pk=first.pk).formulation == "Revised formulation"
    actions = list(
        AuditEvent.objects.filter(action__startswith="assessment.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["assessment.started", "assessment.updated"]


def test_two_first_saves_do_not_make_two_assessments(world) -> None:
    episode = in_assessment(world)
    save(world, episode)
    with pytest.raises(StaleEdit):
        save(world, episode, version=0, conversation="A second person starting afresh")
    assert Assessment.objects.count() == 1


def test_assessment_text_is_encrypted_at_rest(world) -> None:
    episode = in_assessment(world)
    assessment = save(world, episode, conversation="Canary-Assess-3391 said at the visit")
    with connection.cursor() as cursor:
        cursor.execute("SELECT conversation FROM care_assessment WHERE id = %s", [assessment.pk])
        stored = cursor.fetchone()[0]
    assert "Canary-Assess-3391" not in stored


def test_unknown_parts_are_refused(world) -> None:
    episode = in_assessment(world)
    with pytest.raises(TypeError):
        assessment_services.save_assessment(
            actor=world.users["practitioner"],
            episode=episode,
            expected_version=0,
            texts={"completed_on": "2026-01-01"},
            domains={},
        )


def test_completing_moves_to_the_early_phase(world) -> None:
    episode = in_assessment(world)
    save(world, episode)
    assessment_services.complete_assessment(
        actor=world.users["practitioner"],
        episode=episode,
        on=timezone.localdate(),
        start_early_phase=True,
    )
    episode.refresh_from_db()
    assert episode.stage == Stage.EARLY
    assert episode.assessment.completed_on == timezone.localdate()
    with pytest.raises(PathwayRefused, match="already marked complete"):
        assessment_services.complete_assessment(
            actor=world.users["practitioner"],
            episode=episode,
            on=timezone.localdate(),
            start_early_phase=False,
        )


def test_a_refused_phase_move_leaves_the_assessment_unfinished(world) -> None:
    episode = world_episode(world)  # still in engagement
    save(world, episode)
    with pytest.raises(PathwayRefused, match="from the assessment stage"):
        assessment_services.complete_assessment(
            actor=world.users["practitioner"],
            episode=episode,
            on=timezone.localdate(),
            start_early_phase=True,
        )
    assert Assessment.objects.get(episode=episode).completed_on is None
    assert not AuditEvent.objects.filter(action="assessment.completed").exists()


def test_goals_are_kept_in_the_familys_words_once(world) -> None:
    episode = in_assessment(world)
    baby = episode.family.members.get(role="baby").person
    for _ in range(2):
        assessment_services.add_goal(
            actor=world.users["practitioner"],
            episode=episode,
            wording="To enjoy bath time together",
            person=baby,
            agreed_on=timezone.localdate(),
        )
    assert Goal.objects.filter(episode=episode).count() == 1
    for n in range(3):
        assessment_services.add_goal(
            actor=world.users["practitioner"],
            episode=episode,
            wording=f"Goal number {n}",
            person=None,
            agreed_on=timezone.localdate(),
        )
    # Three is typical, more are welcome.
    assert Goal.objects.filter(episode=episode).count() == 4


# Views: reading is clinical text, audited exactly once


@pytest.mark.parametrize("url_name", ["care:assessment", "care:assessment_edit"])
def test_each_view_of_the_assessment_is_audited_once(world, client_for, url_name) -> None:
    episode = in_assessment(world)
    save(world, episode)
    client = client_for("practitioner")
    response = client.get(reverse(url_name, args=[episode.pk]))
    assert response.status_code == 200
    assert "Maya turns towards her mother" in response.content.decode()
    assert read_events() == 1
    event = AuditEvent.objects.get(action="assessment.viewed")
    assert event.object_id == str(episode.assessment.pk)
    assert event.details["episode"] == episode.pk
    client.get(reverse(url_name, args=[episode.pk]))
    assert read_events() == 2


def test_administrators_may_not_read_the_assessment(world, client_for) -> None:
    episode = in_assessment(world)
    save(world, episode, conversation="Canary-Admin-5512")
    client = client_for("administrator")
    for name in ("care:assessment", "care:assessment_edit"):
        response = client.get(reverse(name, args=[episode.pk]))
        assert response.status_code == 403
        assert "Canary-Admin-5512" not in response.content.decode()
    assert read_events() == 0
    assert AuditEvent.objects.filter(action="access.forbidden").count() == 2


def test_another_teams_assessment_is_not_found(world, client_for) -> None:
    episode = in_assessment(world)
    save(world, episode, conversation="Canary-Other-6620")
    response = client_for("other_practitioner").get(reverse("care:assessment", args=[episode.pk]))
    assert response.status_code == 404
    assert "Canary-Other-6620" not in response.content.decode()
    assert read_events() == 0


def test_saving_from_the_page(world, client_for) -> None:
    episode = in_assessment(world)
    client = client_for("practitioner")
    blank = client.get(reverse("care:assessment_edit", args=[episode.pk])).content.decode()
    assert "Mum is finding the early weeks very hard." in blank  # from the referral
    response = client.post(reverse("care:assessment_edit", args=[episode.pk]), edit_data(0))
    assert response.status_code == 302
    assessment = Assessment.objects.get(episode=episode)
    assert assessment.formulation == TEXTS["formulation"]
    assert assessment.domains.get(domain="sensitivity").note == "Warm and responsive at times."
    assert assessment.domains.count() == len(AssessmentDomain)
    # The same form sent again (double click): no conflict, nothing lost.
    again = client.post(reverse("care:assessment_edit", args=[episode.pk]), edit_data(0))
    assert again.status_code == 302
    assert Assessment.objects.count() == 1


def test_a_conflict_keeps_what_the_second_editor_typed(world, client_for) -> None:
    episode = in_assessment(world)
    save(world, episode)
    save(world, episode, version=1, formulation="Saved-by-colleague-first")
    events_before = read_events()
    response = client_for("practitioner").post(
        reverse("care:assessment_edit", args=[episode.pk]),
        edit_data(1, formulation="Typed-by-second-editor", domain_attachment_note="New note"),
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved changes" in body
    assert "Typed-by-second-editor" in body  # kept in the form
    assert "Saved-by-colleague-first" in body  # shown as what is saved now
    assert 'name="version" value="2"' in body
    assert Assessment.objects.get(episode=episode).formulation == "Saved-by-colleague-first"
    # Showing the saved text is a read: exactly one more event.
    assert read_events() == events_before + 1


def test_too_long_text_is_explained_and_not_saved(world, client_for) -> None:
    episode = in_assessment(world)
    response = client_for("practitioner").post(
        reverse("care:assessment_edit", args=[episode.pk]),
        edit_data(0, questionnaires_used="x" * 501),
    )
    assert response.status_code == 400
    assert "Keep this under 500 characters" in response.content.decode()
    assert not Assessment.objects.exists()


def test_completing_from_the_page_and_twice(world, client_for) -> None:
    episode = in_assessment(world)
    save(world, episode)
    client = client_for("practitioner")
    url = reverse("care:assessment_complete", args=[episode.pk])
    data = {"completed_on": timezone.localdate().isoformat(), "start_early_phase": "on"}
    assert client.post(url, data).status_code == 302
    episode.refresh_from_db()
    assert episode.stage == Stage.EARLY
    twice = client.post(url, data)
    assert twice.status_code == 400
    assert "already marked complete" in twice.content.decode()


def test_completing_in_the_future_is_refused(world, client_for) -> None:
    episode = in_assessment(world)
    save(world, episode)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for("practitioner").post(
        reverse("care:assessment_complete", args=[episode.pk]), {"completed_on": tomorrow}
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert Assessment.objects.get(episode=episode).completed_on is None


def test_adding_goals_from_the_page(world, client_for) -> None:
    episode = in_assessment(world)
    client = client_for("practitioner")
    url = reverse("care:goal_add", args=[episode.pk])
    data = {"wording": "To feel less alone", "person": "", "agreed_on": timezone.localdate()}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Goal.objects.filter(episode=episode).count() == 1
    bad = client.post(url, {"wording": "", "agreed_on": "not a date", "person": "99999"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "Write the goal in the family" in body
    assert "Choose someone in this family" in body and "Enter a real date" in body
    page = client.get(reverse("care:assessment", args=[episode.pk])).content.decode()
    assert "To feel less alone" in page
