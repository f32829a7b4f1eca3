"""One-time links for parents, experience of the service, referrer feedback and schedules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.audit.models import AuditEvent
from attune.care.models import StageChange
from attune.care.services import move_to_stage
from attune.care.tests.factories import world_episode
from attune.core.notifications import TEXT_OUTBOX
from attune.measures import codes, services
from attune.measures.models import (
    Administration,
    ExperienceResponse,
    QuestionnaireLink,
    ReferrerFeedback,
)
from attune.measures.tests.factories import (
    carer_of,
    instrument,
    phq9_answers,
    record_phq9,
    send_phq9_link,
)

pytestmark = pytest.mark.django_db


def _token_from(body: str) -> str:
    return body.split("/measures/q/")[1].split("/")[0]


def test_a_link_reaches_the_parent_by_email_and_only_its_hash_is_kept(
    world, django_capture_on_commit_callbacks
) -> None:
    episode = world_episode(world)
    with django_capture_on_commit_callbacks(execute=True):
        link, token = send_phq9_link(episode, actor=world.users["practitioner"])
    (message,) = mail.outbox
    assert _token_from(message.body) == token
    assert len(token) >= 40  # 32 random bytes: not guessable
    assert token not in link.token_hash and link.token_hash == services.hash_token(token)
    assert token not in str(AuditEvent.objects.get(action="measure.link_sent").details)


def test_a_link_by_text_goes_to_the_outbox(world, django_capture_on_commit_callbacks) -> None:
    episode = world_episode(world)
    with django_capture_on_commit_callbacks(execute=True):
        _, token = send_phq9_link(
            episode, actor=world.users["practitioner"], send_by=codes.SendBy.TEXT
        )
    (text,) = TEXT_OUTBOX
    assert _token_from(text.body) == token and text.to == "07700900123"


def test_no_link_without_consent_to_be_contacted(world) -> None:
    episode = world_episode(world)
    carer = carer_of(episode)
    carer.consents_to_text = False
    carer.save(update_fields=["consents_to_text"])
    with pytest.raises(services.MeasureRefused, match="agreed to texts"):
        send_phq9_link(episode, actor=world.users["practitioner"], send_by=codes.SendBy.TEXT)
    assert not QuestionnaireLink.objects.exists()


def test_a_licensed_questionnaire_cannot_be_sent(world) -> None:
    episode = world_episode(world)
    carer = carer_of(episode)
    with pytest.raises(services.MeasureRefused, match="wording"):
        services.send_link(
            actor=world.users["practitioner"],
            episode=episode,
            kind=codes.LinkKind.MEASURE,
            instrument=instrument("epds"),
            respondent=carer,
            subject=services.Subject(codes.SubjectKind.CARER, person=carer),
            timepoint=codes.Timepoint.BASELINE,
            send_by=codes.SendBy.EMAIL,
            base_url="http://testserver/",
        )


def _all_items(value: str = "1") -> dict[str, str]:
    return {f"item{n}": value for n in range(1, 10)}


def test_the_parent_answers_once_without_signing_in(world) -> None:
    episode = world_episode(world)
    _, token = send_phq9_link(episode, actor=world.users["practitioner"])
    url = reverse("measures:answer", args=[token])
    parent = Client()
    page = parent.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Little interest or pleasure" in text and episode.family.name not in text
    assert page["Referrer-Policy"] == "no-referrer"
    assert parent.post(url, _all_items("1")).status_code == 302
    administration = Administration.objects.get()
    assert administration.mode == codes.Mode.ONLINE and administration.primary_score == 9
    assert administration.timepoint == codes.Timepoint.REVIEW
    again = parent.get(url)
    assert again.status_code == 404 and "no longer works" in again.content.decode()
    assert parent.post(url, _all_items("3")).status_code == 404
    assert Administration.objects.count() == 1


def test_an_abandoned_or_partial_form_saves_nothing(world) -> None:
    _, token = send_phq9_link(world_episode(world), actor=world.users["practitioner"])
    url = reverse("measures:answer", args=[token])
    partial = {f"item{n}": "2" for n in range(1, 6)}
    response = Client().post(url, partial)
    assert response.status_code == 400
    assert "Choose an answer" in response.content.decode()
    assert not Administration.objects.exists()
    link = QuestionnaireLink.objects.get()
    assert link.used_at is None  # still usable for a complete answer
    assert Client().post(url, _all_items("0")).status_code == 302


def test_an_expired_or_withdrawn_link_no_longer_works(world) -> None:
    episode = world_episode(world)
    link, token = send_phq9_link(episode, actor=world.users["practitioner"])
    QuestionnaireLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert Client().get(reverse("measures:answer", args=[token])).status_code == 404
    fresh, fresh_token = send_phq9_link(episode, actor=world.users["practitioner"])
    services.withdraw_link(actor=world.users["practitioner"], link=fresh)
    assert Client().get(reverse("measures:answer", args=[fresh_token])).status_code == 404
    assert Client().get(reverse("measures:answer", args=["not-a-real-token"])).status_code == 404


def test_a_risk_answer_from_a_phone_flags_at_once(world) -> None:
    _, token = send_phq9_link(world_episode(world), actor=world.users["practitioner"])
    Client().post(reverse("measures:answer", args=[token]), {**_all_items("0"), "item9": "1"})
    administration = Administration.objects.get()
    assert administration.risk_flags.get().assigned_to == world.users["practitioner"]


def _experience_link(world, episode):  # type: ignore[no-untyped-def]
    carer = carer_of(episode)
    return services.send_link(
        actor=world.users["practitioner"],
        episode=episode,
        kind=codes.LinkKind.EXPERIENCE,
        instrument=None,
        respondent=carer,
        subject=services.Subject(codes.SubjectKind.CARER, person=carer),
        timepoint=codes.Timepoint.END,
        send_by=codes.SendBy.EMAIL,
        base_url="http://testserver/",
    )


def test_experience_answers_are_anonymous_unless_the_parent_shares_them(world) -> None:
    episode = world_episode(world)
    questions = services.add_default_experience_questions(
        actor=world.users["manager"], team=world.team
    )
    _, token = _experience_link(world, episode)
    url = reverse("measures:answer", args=[token])
    assert questions[0].wording in Client().get(url).content.decode()
    answer = {"fft_rating": "very_good", "fft_reason": "Felt heard", f"q{questions[0].pk}": "5"}
    assert Client().post(url, answer).status_code == 302
    anonymous = ExperienceResponse.objects.get()
    assert anonymous.episode is None and not anonymous.shared_with_practitioner
    assert anonymous.ratings[services.rating_key(questions[0].pk)]["rating"] == 5
    _, shared_token = _experience_link(world, episode)
    Client().post(
        reverse("measures:answer", args=[shared_token]),
        {"fft_rating": "good", "share_with_practitioner": "on"},
    )
    assert ExperienceResponse.objects.get(shared_with_practitioner=True).episode == episode


def test_the_friends_and_family_question_must_be_answered(world) -> None:
    _, token = _experience_link(world, world_episode(world))
    response = Client().post(reverse("measures:answer", args=[token]), {"fft_reason": "x"})
    assert response.status_code == 400
    assert not ExperienceResponse.objects.exists()


def test_the_experience_summary_shows_the_share_positive(world, client_for) -> None:
    episode = world_episode(world)
    for rating in ("very_good", "good", "poor"):
        _, token = _experience_link(world, episode)
        Client().post(reverse("measures:answer", args=[token]), {"fft_rating": rating})
    page = client_for("manager").get(reverse("measures:experience")).content.decode()
    assert "67%" in page and "of 3 families" in page


def test_a_referrer_gives_feedback_once_after_triage(world, client_for) -> None:
    from attune.referrals.services import triage
    from attune.referrals.tests.factories import make_referral

    referral = make_referral(team=world.team, submitted_by=world.users["referrer"])
    url = reverse("measures:referrer_feedback", args=[referral.pk])
    referrer = client_for("referrer")
    assert "once the team has replied" in referrer.get(url).content.decode()
    triage(
        actor=world.users["manager"],
        referral=referral,
        expected_version=referral.version,
        decision="accept",
        priority=2,
    )
    assert referrer.post(url, {"ease": "6", "clarity": "4"}).status_code == 400
    assert referrer.post(url, {"ease": "5", "clarity": "4", "comment": "Quick"}).status_code == 302
    feedback = ReferrerFeedback.objects.get()
    assert feedback.stage == codes.FeedbackStage.AFTER_TRIAGE and feedback.ease == 5
    referrer.post(url, {"ease": "1", "clarity": "1"})
    assert ReferrerFeedback.objects.count() == 1


def _schedule(world, code: str = "phq9", due_when: str = "assessment") -> None:  # type: ignore[no-untyped-def]
    services.add_schedule(
        actor=world.users["manager"],
        team=world.team,
        instrument_code=code,
        due_when=due_when,
        applies_to=None,
        overdue_after_days=14,
    )


def test_a_scheduled_measure_is_due_then_overdue_then_done(world, client_for) -> None:
    from attune.measures.selectors import due_measures

    _schedule(world)
    episode = world_episode(world)
    today = timezone.localdate()
    (due,) = due_measures(episode, today)
    assert due.status == "not_yet"
    episode = move_to_stage(actor=world.users["practitioner"], episode=episode, stage="assessment")
    assert due_measures(episode, today)[0].status == "due"
    assert due_measures(episode, today + timedelta(days=15))[0].status == "overdue"
    # Set the scene: assessment began 20 days ago, so the measure is overdue today.
    StageChange.objects.filter(episode=episode, stage="assessment").update(
        changed_on=today - timedelta(days=20)
    )
    assert due_measures(episode, today)[0].status == "overdue"
    assert due_measures(episode, today - timedelta(days=10))[0].status == "due"
    caseload = client_for("practitioner").get(reverse("care:caseload")).content.decode()
    assert "PHQ-9 overdue" in caseload
    record_phq9(episode, actor=world.users["practitioner"], answers=phq9_answers(5))
    assert due_measures(episode, today)[0].status == "done"
    caseload = client_for("practitioner").get(reverse("care:caseload")).content.decode()
    assert "PHQ-9 overdue" not in caseload


def test_the_same_schedule_line_twice_is_refused(world) -> None:
    _schedule(world)
    with pytest.raises(services.MeasureRefused):
        _schedule(world)


def test_only_a_manager_or_administrator_changes_the_schedule(world, client_for) -> None:
    form = {"instrument_code": "gad7", "due_when": "ending", "overdue_after_days": "14"}
    assert client_for("practitioner").post(reverse("measures:schedule"), form).status_code == 403
    assert client_for("manager").post(reverse("measures:schedule"), form).status_code == 302
    bad = {**form, "overdue_after_days": "-3"}
    response = client_for("manager").post(reverse("measures:schedule"), bad)
    assert response.status_code == 400 and "0 or more" in response.content.decode()


def test_caseload_query_count_does_not_grow_with_measures(
    world, client_for, django_assert_max_num_queries
) -> None:
    from attune.care.tests.factories import make_episode

    _schedule(world)
    _schedule(world, "gad7", "ending")
    client = client_for("practitioner")
    url = reverse("care:caseload")

    def add_episode_with_measures() -> None:
        episode = make_episode(
            team=world.team,
            manager=world.users["manager"],
            practitioner=world.users["practitioner"],
        )
        record_phq9(episode, actor=world.users["practitioner"], answers=phq9_answers(item9=1))

    add_episode_with_measures()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(4):
        add_episode_with_measures()
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count("Risk answer to follow up") == 5
