"""Permission matrix rows for outcome measures, the parent's one-time link and feedback."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.matrix import FORBIDDEN, NOT_FOUND, OK, clinical_text, post_only, row

_NOT_CLINICAL = dict(commissioner=FORBIDDEN, referrer=FORBIDDEN, system_admin=FORBIDDEN)

ROWS = {
    # Scores and answers are clinical data: clinicians of the team; administrators 403.
    "measures:episode": clinical_text(),
    "measures:record": clinical_text(),
    "measures:send_link": clinical_text(),
    "measures:family": clinical_text(),
    "measures:administration": clinical_text(),
    "measures:risk_flag": clinical_text(),
    "measures:link_withdraw": post_only(),
    # Each clinician's own list of answers to follow up (their own team's).
    "measures:risk_flags": row(OK, administrator=FORBIDDEN, **_NOT_CLINICAL),
    "measures:instruments": row(OK, **_NOT_CLINICAL),
    "measures:schedule": row(OK, **_NOT_CLINICAL),
    "measures:schedule_remove": post_only(),
    "measures:experience": row(FORBIDDEN, manager=OK, administrator=OK),
    "measures:experience_questions": row(FORBIDDEN, manager=OK, administrator=OK),
    "measures:experience_question_retire": post_only(),
    # A referrer's own referral only; staff who did not submit it get a 404.
    "measures:referrer_feedback": row(
        NOT_FOUND, referrer=OK, commissioner=FORBIDDEN, system_admin=FORBIDDEN
    ),
    # The parent's page needs no sign-in: the token is the key.
    "measures:answer": row(OK, anonymous=OK, password_only=OK),
    "measures:answer_done": row(OK, anonymous=OK, password_only=OK),
}


def kwargs(world: Any, episode: Any) -> dict[str, Any]:
    """A scored PHQ-9 with a risk answer, a link, a schedule line and an experience question."""
    from attune.measures import services
    from attune.measures.tests.factories import phq9_answers, record_phq9, send_phq9_link

    practitioner = world.users["practitioner"]
    administration = record_phq9(episode, actor=practitioner, answers=phq9_answers(item9=1))
    link, token = send_phq9_link(episode, actor=practitioner)
    schedule = services.add_schedule(
        actor=world.users["manager"],
        team=world.team,
        instrument_code="phq9",
        due_when="assessment",
        applies_to=None,
        overdue_after_days=14,
    )
    question = services.add_experience_question(
        actor=world.users["manager"], team=world.team, wording="I felt listened to."
    )
    assert timezone.now() < link.expires_at
    return {
        "administration_id": administration.pk,
        "flag_id": administration.risk_flags.get().pk,
        "link_id": link.pk,
        "token": token,
        "schedule_id": schedule.pk,
        "question_id": question.pk,
    }
