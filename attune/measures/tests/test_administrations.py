"""Recording questionnaires: scoring on save, risk flags and tasks, series, audit, scoping."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from attune.audit.models import AuditEvent
from attune.care.services import move_to_stage
from attune.care.tests.factories import make_episode, world_episode
from attune.families.codes import CarerKind
from attune.measures import codes, services
from attune.measures.models import Administration, RiskFlag
from attune.measures.scoring import InvalidAnswers
from attune.measures.tests.factories import carer_of, instrument, phq9_answers, record_phq9
from attune.referrals.services import CarerEntry, NewPerson

pytestmark = pytest.mark.django_db


def _carer(given_name: str, kind: str) -> CarerEntry:
    return CarerEntry(
        NewPerson(
            {"given_name": given_name, "family_name": "Shah", "date_of_birth": date(1992, 3, 1)}
        ),
        kind=kind,
        has_parental_responsibility=True,
    )


def test_a_recorded_phq9_is_scored_with_its_definition_version(world) -> None:
    episode = world_episode(world)
    administration = record_phq9(
        episode, actor=world.users["practitioner"], answers=phq9_answers(18)
    )
    assert administration.primary_score == 18
    assert administration.status == "scored"
    assert administration.caseness is True
    assert administration.result["definition_code"] == "phq9"
    assert administration.result["definition_version"] == "1"
    assert administration.band  # the published severity band of 18


def test_answers_are_encrypted_and_the_audit_trail_holds_no_scores(world) -> None:
    episode = world_episode(world)
    administration = record_phq9(
        episode, actor=world.users["practitioner"], answers=phq9_answers(17, item9=2)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT answers_json FROM measures_administration WHERE id = %s", [administration.pk]
        )
        stored = cursor.fetchone()[0]
    assert "item9" not in stored
    assert administration.answers["item9"] == 2
    event = AuditEvent.objects.get(action="measure.recorded", object_id=str(administration.pk))
    # Ids and codes only: no answers, no score.
    assert set(event.details) == {
        "episode",
        "instrument",
        "timepoint",
        "mode",
        "status",
        "risk_flags",
    }
    assert event.details["risk_flags"]


def test_item_nine_raises_a_flag_and_a_task_for_the_lead_practitioner(
    world, django_capture_on_commit_callbacks
) -> None:
    world.users["practitioner"].email = "priya@example.org"
    world.users["practitioner"].save(update_fields=["email"])
    episode = world_episode(world)
    with_risk = phq9_answers(3, item9=1)
    with django_capture_on_commit_callbacks(execute=True):
        administration = record_phq9(episode, actor=world.users["colleague"], answers=with_risk)
    flag = RiskFlag.objects.get(administration=administration)
    assert flag.assigned_to == world.users["practitioner"]
    assert flag.is_open and "9" in flag.message
    (message,) = mail.outbox
    assert message.to == ["priya@example.org"]
    assert reverse("measures:risk_flags") in message.body
    assert "item 9" not in message.body.lower()  # a link only, never the answers


def test_no_flag_without_a_risk_answer(world) -> None:
    administration = record_phq9(
        world_episode(world), actor=world.users["practitioner"], answers=phq9_answers(20)
    )
    assert not administration.risk_flags.exists()
    assert not mail.outbox


def test_following_up_a_flag_closes_the_task_and_is_audited(world) -> None:
    episode = world_episode(world)
    administration = record_phq9(
        episode, actor=world.users["practitioner"], answers=phq9_answers(item9=1)
    )
    flag = administration.risk_flags.get()
    with pytest.raises(services.MeasureRefused):
        services.follow_up_risk_flag(actor=world.users["practitioner"], flag=flag, note="  ")
    done = services.follow_up_risk_flag(
        actor=world.users["practitioner"], flag=flag, note="Spoke with mum the same day."
    )
    assert not done.is_open and done.followed_up_by == world.users["practitioner"]
    assert AuditEvent.objects.filter(action="measure.risk_followed_up").count() == 1


def test_someone_from_another_family_cannot_be_named(world) -> None:
    episode = world_episode(world)
    other = make_episode(
        team=world.team, manager=world.users["manager"], practitioner=world.users["colleague"]
    )
    stranger = carer_of(other)
    with pytest.raises(services.MeasureRefused):
        record_phq9(
            episode, actor=world.users["practitioner"], answers=phq9_answers(5), respondent=stranger
        )
    assert not Administration.objects.exists()


def test_out_of_range_answers_are_refused_and_nothing_is_saved(world) -> None:
    with pytest.raises(InvalidAnswers) as refused:
        record_phq9(world_episode(world), actor=world.users["practitioner"], answers={"item1": 7})
    assert "item1" in refused.value.errors
    assert not Administration.objects.exists()


def test_change_is_only_computed_within_one_respondent(world, client_for) -> None:
    episode = make_episode(
        team=world.team,
        manager=world.users["manager"],
        practitioner=world.users["practitioner"],
        carers=[_carer("Priya", CarerKind.BIRTH_MOTHER), _carer("Sam", CarerKind.BIRTH_FATHER)],
    )
    practitioner = world.users["practitioner"]
    carers = [m.person for m in episode.family.members.filter(role="carer").order_by("id")]
    assert len(carers) == 2
    earlier = timezone.localdate() - timedelta(days=90)
    record_phq9(episode, actor=practitioner, answers=phq9_answers(18), completed_on=earlier)
    record_phq9(
        episode,
        actor=practitioner,
        answers=phq9_answers(8),
        timepoint=codes.Timepoint.END,
        respondent=carers[1],
    )
    response = client_for("practitioner").get(reverse("measures:episode", args=[episode.pk]))
    assert response.status_code == 200
    assert 'data-testid="change"' not in response.content.decode()
    record_phq9(episode, actor=practitioner, answers=phq9_answers(8), timepoint=codes.Timepoint.END)
    page = client_for("practitioner").get(reverse("measures:episode", args=[episode.pk]))
    text = page.content.decode()
    assert "Recovered" in text  # measures.md worked example 1: 18 -> 8
    assert "<svg" in text and "<table" in text  # a chart with its table


def test_the_measures_page_records_which_scores_were_read(world, client_for) -> None:
    episode = world_episode(world)
    administration = record_phq9(
        episode, actor=world.users["practitioner"], answers=phq9_answers(9)
    )
    client_for("supervisor").get(reverse("measures:episode", args=[episode.pk]))
    event = AuditEvent.objects.get(action="measures.viewed")
    assert event.details["administrations"] == [administration.pk]
    client_for("supervisor").get(reverse("measures:administration", args=[administration.pk]))
    assert AuditEvent.objects.filter(
        action="measure.viewed", object_id=str(administration.pk)
    ).exists()


def test_another_teams_administration_is_not_found(world, client_for) -> None:
    episode = world_episode(world)
    administration = record_phq9(
        episode, actor=world.users["practitioner"], answers=phq9_answers(9)
    )
    response = client_for("other_practitioner").get(
        reverse("measures:administration", args=[administration.pk])
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access.denied").exists()


def test_end_measures_recorded_end_the_reminder(world) -> None:
    from attune.care.ending import end_measures_due

    episode = world_episode(world)
    practitioner = world.users["practitioner"]
    for stage in ("assessment", "early", "middle", "ending"):
        episode = move_to_stage(actor=practitioner, episode=episode, stage=stage)
    assert end_measures_due(episode, episode.stage_changes.all())
    record_phq9(episode, actor=practitioner, answers=phq9_answers(4), timepoint="end")
    assert not end_measures_due(episode, episode.stage_changes.all())


def test_practitioner_records_a_questionnaire_through_the_form(world, client_for) -> None:
    episode = world_episode(world)
    carer = carer_of(episode)
    url = reverse("measures:record", args=[episode.pk]) + f"?instrument={instrument('phq9').pk}"
    client = client_for("practitioner")
    assert "Little interest or pleasure" in client.get(url).content.decode()
    base = {
        "respondent": f"p{carer.pk}",
        "subject": f"p{carer.pk}",
        "timepoint": "baseline",
        "completed_on": timezone.localdate().isoformat(),
        "mode": "paper",
    }
    partial = {**base, **{f"item{n}": "1" for n in range(1, 9)}}
    refused = client.post(url, partial)
    assert refused.status_code == 400
    assert "Choose an answer" in refused.content.decode()
    assert not Administration.objects.exists()
    saved = client.post(url, {**partial, "item9": "0"})
    assert saved.status_code == 302
    administration = Administration.objects.get()
    assert administration.primary_score == 8 and administration.mode == "paper"


def test_a_form_left_with_gaps_is_kept_unscored_when_the_practitioner_says_so(
    world, client_for
) -> None:
    episode = world_episode(world)
    carer = carer_of(episode)
    url = reverse("measures:record", args=[episode.pk]) + f"?instrument={instrument('phq9').pk}"
    response = client_for("practitioner").post(
        url,
        {
            "respondent": f"p{carer.pk}",
            "subject": f"p{carer.pk}",
            "timepoint": "baseline",
            "completed_on": timezone.localdate().isoformat(),
            "mode": "paper",
            "some_unanswered": "on",
            **{f"item{n}": "2" for n in range(1, 8)},
        },
    )
    assert response.status_code == 302
    administration = Administration.objects.get()
    assert administration.status == "unscored" and administration.primary_score is None


def test_a_date_in_the_future_is_refused_beside_the_field(world, client_for) -> None:
    episode = world_episode(world)
    carer = carer_of(episode)
    url = reverse("measures:record", args=[episode.pk]) + f"?instrument={instrument('phq9').pk}"
    response = client_for("practitioner").post(
        url,
        {
            "respondent": f"p{carer.pk}",
            "subject": f"p{carer.pk}",
            "timepoint": "baseline",
            "completed_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "mode": "paper",
            **{f"item{n}": "0" for n in range(1, 10)},
        },
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert not Administration.objects.exists()


def test_measures_pages_carry_the_familys_safeguarding_banner(world, client_for) -> None:
    from attune.care.safeguarding import raise_concern

    episode = world_episode(world)
    administration = record_phq9(
        episode, actor=world.users["practitioner"], answers=phq9_answers(item9=1)
    )
    client = client_for("practitioner")
    pages = [
        reverse("measures:episode", args=[episode.pk]),
        reverse("measures:administration", args=[administration.pk]),
        reverse("measures:risk_flag", args=[administration.risk_flags.get().pk]),
    ]
    banner = "Safeguarding concern open"
    assert all(banner not in client.get(url).content.decode() for url in pages)
    raise_concern(
        actor=world.users["practitioner"],
        episode=episode,
        category="neglect",
        raised_on=timezone.localdate(),
        what_happened="Seen at the home visit",
    )
    for url in pages:
        assert banner in client.get(url).content.decode(), url


def test_an_end_score_keeps_its_baseline_and_change(world) -> None:
    episode = world_episode(world)
    practitioner = world.users["practitioner"]
    baseline = record_phq9(
        episode,
        actor=practitioner,
        answers=phq9_answers(18),
        completed_on=timezone.localdate() - timedelta(days=30),
    )
    review = record_phq9(episode, actor=practitioner, answers=phq9_answers(12), timepoint="review")
    end = record_phq9(episode, actor=practitioner, answers=phq9_answers(8), timepoint="end")
    end.refresh_from_db()
    assert end.change_baseline == baseline
    assert (end.change_classification, end.change_improvement) == ("recovered", 10)
    review.refresh_from_db()
    assert review.change_classification == "" and review.change_baseline is None
