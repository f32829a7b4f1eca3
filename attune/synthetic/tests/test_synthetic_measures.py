"""Synthetic outcome measures: where they are, that they score, that they change, repeatably."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction

from attune.audit.models import AuditEvent
from attune.care.codes import Stage
from attune.care.models import Episode, StageChange
from attune.families.codes import FATHER_OR_PARTNER_KINDS, CarerKind
from attune.families.models import CareRelationship
from attune.measures import scoring
from attune.measures.change import classify_change
from attune.measures.models import (
    Administration,
    ExperienceQuestion,
    ExperienceResponse,
    Instrument,
    MeasureSchedule,
    RiskFlag,
)
from attune.measures.services import DEFAULT_EXPERIENCE_QUESTIONS, rating_key
from attune.synthetic.generator import SyntheticRun, SyntheticSize, generate
from attune.synthetic.measures import FOLLOW_UP_NOTE

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 22)
# Enough families for a handful of episodes to have ended (about 1 in 3 reach an episode).
FAMILIES = 200


def make(seed: int = 4, families: int = FAMILIES) -> SyntheticRun:
    return generate(
        seed=seed,
        size=SyntheticSize(teams_per_organisation=1, families_per_team=families),
        show_progress=False,
        today=DAY,
    )


@pytest.fixture
def run() -> SyntheticRun:
    return make()


def reached_assessment() -> set[int]:
    return set(
        StageChange.objects.filter(stage=Stage.ASSESSMENT).values_list("episode_id", flat=True)
    )


def test_measures_start_at_assessment_and_never_before(run: SyntheticRun) -> None:
    assessed = reached_assessment()
    episodes = set(Episode.objects.values_list("id", flat=True))
    engaging = episodes - assessed
    assert assessed and engaging  # the dataset has both, so the test can fail either way
    measured = set(Administration.objects.values_list("episode_id", flat=True))
    assert measured == assessed
    # Every assessed episode has a baseline PHQ-9 and GAD-7 from the main carer, on the day
    # assessment started; a birth mother is the main carer when the family has one.
    started = dict(
        StageChange.objects.filter(stage=Stage.ASSESSMENT).values_list("episode_id", "changed_on")
    )
    mothers = dict(
        CareRelationship.objects.filter(kind=CarerKind.BIRTH_MOTHER).values_list(
            "family_id", "carer_id"
        )
    )
    for episode in Episode.objects.filter(id__in=assessed):
        baseline = Administration.objects.filter(episode=episode, timepoint="baseline")
        for code in ("phq9", "gad7"):
            rows = [row for row in baseline if row.instrument.code == code]
            assert rows, (episode.pk, code)
            main = rows[0]
            assert main.completed_on == started[episode.pk]
            assert main.respondent_kind == "carer" and main.subject_kind == "carer"
            assert main.respondent_person_id == main.subject_person_id
            if episode.family_id in mothers:
                assert main.respondent_person_id == mothers[episode.family_id]
            assert main.recorded_by_id == episode.lead_practitioner_id
            assert main.team_id == episode.team_id and main.family_id == episode.family_id


def test_every_stored_score_is_what_scoring_gives_for_the_stored_answers(
    run: SyntheticRun,
) -> None:
    rows = list(Administration.objects.select_related("instrument", "episode"))
    assert len(rows) > 100
    for row in rows:
        result = scoring.score(row.instrument.parsed(), row.answers)
        assert row.status == result.status == "scored"
        assert row.primary_score == result.primary
        assert row.caseness == result.caseness
        assert row.band == (result.band or "")
        assert row.result == result.to_dict()
        assert row.episode is not None
        assert row.episode.opened_on <= row.completed_on <= DAY
    assert not Administration.objects.filter(completed_on__gt=DAY).exists()
    assert {row.mode for row in rows} == {"in_session", "paper"}


def test_baselines_are_often_in_the_clinical_range(run: SyntheticRun) -> None:
    for code in ("phq9", "gad7"):
        baseline = Administration.objects.filter(instrument__code=code, timepoint="baseline")
        share = baseline.filter(caseness=True).count() / baseline.count()
        assert 0.45 <= share <= 0.75, (code, share)
    kpcs = Administration.objects.filter(instrument__code="kpcs", timepoint="baseline")
    assessed = len(reached_assessment())
    assert 0.3 * assessed <= kpcs.count() <= 0.7 * assessed


def test_some_fathers_and_partners_answer_too(run: SyntheticRun) -> None:
    fathers = set(
        CareRelationship.objects.filter(kind__in=FATHER_OR_PARTNER_KINDS).values_list(
            "carer_id", flat=True
        )
    )
    answered = set(
        Administration.objects.filter(instrument__code="phq9").values_list(
            "respondent_person_id", flat=True
        )
    )
    assert answered & fathers
    assert not Administration.objects.filter(
        instrument__code="gad7", respondent_person_id__in=fathers
    ).exists()


def phq9_changes() -> list[str]:
    definition = Instrument.objects.get(code="phq9", version="1", team=None).parsed()
    baseline = {
        (row.episode_id, row.respondent_person_id): row.primary_score
        for row in Administration.objects.filter(instrument__code="phq9", timepoint="baseline")
    }
    classifications = []
    for end in Administration.objects.filter(instrument__code="phq9", timepoint="end"):
        start = baseline[(end.episode_id, end.respondent_person_id)]
        assert start is not None and end.primary_score is not None
        classifications.append(classify_change(definition, start, end.primary_score).classification)
    return classifications


def test_end_measures_show_mixed_change_and_some_are_missing(run: SyntheticRun) -> None:
    classifications = Counter(phq9_changes())
    assert len(classifications) >= 2, classifications
    assert classifications["recovered"] + classifications["reliably_improved"] >= 1
    ended = Episode.objects.filter(id__in=reached_assessment()).filter(
        stage__in=[Stage.ENDING, Stage.CLOSED]
    )
    with_end = set(
        Administration.objects.filter(timepoint="end").values_list("episode_id", flat=True)
    )
    assert ended.count() > len(with_end) > 0
    # End measures fall on the day the ending phase started.
    ending = dict(
        StageChange.objects.filter(stage=Stage.ENDING).values_list("episode_id", "changed_on")
    )
    for row in Administration.objects.filter(timepoint="end"):
        assert row.completed_on == ending[row.episode_id]
    # A review only where the middle phase started, on that day.
    middle = dict(
        StageChange.objects.filter(stage=Stage.MIDDLE).values_list("episode_id", "changed_on")
    )
    reviews = Administration.objects.filter(timepoint="review")
    assert reviews.exists()
    for row in reviews:
        assert row.instrument.code == "phq9" and row.completed_on == middle[row.episode_id]


def test_item_9_answers_raise_risk_flags_and_older_ones_are_followed_up(
    run: SyntheticRun,
) -> None:
    phq9 = list(Administration.objects.filter(instrument__code="phq9"))
    risky = {row.pk for row in phq9 if row.answers["item9"] > 0}
    assert 1 <= len(risky) <= 0.08 * len(phq9)
    flags = list(RiskFlag.objects.select_related("administration", "episode"))
    assert {flag.administration_id for flag in flags} == risky
    for flag in flags:
        assert flag.code == "risk_item9"
        assert flag.episode_id == flag.administration.episode_id
        assert flag.assigned_to_id == flag.episode.lead_practitioner_id
        old = flag.administration.completed_on < DAY - timedelta(days=7)
        assert (flag.followed_up_at is not None) == old
        if old:
            assert flag.follow_up_note == FOLLOW_UP_NOTE
            assert flag.followed_up_by_id == flag.assigned_to_id


def test_each_team_has_a_schedule_questions_and_feedback(run: SyntheticRun) -> None:
    (team,) = run.teams
    schedule = set(
        MeasureSchedule.objects.filter(team=team).values_list("instrument_code", "due_when")
    )
    assert schedule == {
        ("phq9", "assessment"),
        ("gad7", "assessment"),
        ("phq9", "ending"),
        ("gad7", "ending"),
        ("phq9", "follow_up"),
    }
    questions = list(ExperienceQuestion.objects.filter(team=team))
    assert [q.wording for q in questions] == list(DEFAULT_EXPERIENCE_QUESTIONS)
    responses = list(ExperienceResponse.objects.filter(team=team))
    closed = dict(
        Episode.objects.filter(team=team, closed_on__isnull=False).values_list("id", "closed_on")
    )
    assert 0 < len(responses) <= len(closed)
    closed_days = set(closed.values())
    for response in responses:
        assert response.timepoint == "end" and response.received_on in closed_days
        assert set(response.ratings) == {rating_key(q.pk) for q in questions}
        assert all(1 <= r["rating"] <= 5 for r in response.ratings.values())
        if response.shared_with_practitioner:
            assert response.episode_id is not None
            assert closed[response.episode_id] == response.received_on
        else:
            assert response.episode_id is None


def test_counts_reach_the_run_and_its_audit_event(run: SyntheticRun) -> None:
    assert run.counts["administrations"] == Administration.objects.count()
    assert run.counts["risk flags"] == RiskFlag.objects.count()
    assert run.counts["experience responses"] == ExperienceResponse.objects.count()
    event = AuditEvent.objects.filter(action="synthetic.generated").latest("id")
    assert event.details["administrations"] == Administration.objects.count()


def measures_snapshot() -> list[tuple[Any, ...]]:
    return list(
        Administration.objects.order_by("id").values_list(
            "episode__referral__submission_key",
            "instrument__code",
            "timepoint",
            "completed_on",
            "mode",
            "primary_score",
        )
    ) + list(
        ExperienceResponse.objects.order_by("id").values_list(
            "received_on", "fft_rating", "shared_with_practitioner"
        )
    )


def snapshot_then_roll_back(seed: int) -> list[tuple[Any, ...]]:
    with transaction.atomic():
        make(seed=seed, families=60)
        taken = measures_snapshot()
        transaction.set_rollback(True)
    return taken


def test_the_same_seed_gives_the_same_measures() -> None:
    first = snapshot_then_roll_back(seed=12)
    second = snapshot_then_roll_back(seed=12)
    other = snapshot_then_roll_back(seed=13)
    assert first and first == second
    assert first != other
