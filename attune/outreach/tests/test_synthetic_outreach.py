"""Synthetic consultation, training and outreach: plausible, consistent, few queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attune.outreach.models import (
    Consultation,
    ConsultationGroup,
    GroupAttendance,
    OutreachActivity,
    TrainingAttendee,
    TrainingCourse,
)
from attune.synthetic.generator import SyntheticRun, SyntheticSize, generate
from attune.synthetic.outreach import make_outreach

pytestmark = pytest.mark.django_db

FIXED_DAY = date(2026, 3, 2)


def make(seed: int = 5) -> SyntheticRun:
    size = SyntheticSize(organisations=1, teams_per_organisation=2, families_per_team=10)
    return generate(seed=seed, size=size, show_progress=False, today=FIXED_DAY)


def test_each_team_gets_consultations_a_group_courses_and_outreach() -> None:
    run = make()
    for team in run.teams:
        consultations = Consultation.objects.filter(team=team)
        assert consultations.filter(group__isnull=True).count() >= 24  # 2-5 a month
        assert all(c.held_on <= FIXED_DAY for c in consultations)
        for consultation in consultations.filter(group__isnull=True).prefetch_related("consultees"):
            assert consultation.consultees.all()
            if consultation.family_id:
                assert consultation.family.team_id == team.pk
        group = ConsultationGroup.objects.get(team=team)
        assert group.meetings.count() == 12 and group.facilitators.count() == 1
        assert GroupAttendance.objects.filter(consultation__group=group).count() == (
            12 * group.members.count()
        )
        assert 3 <= TrainingCourse.objects.filter(team=team).count() <= 6
        assert OutreachActivity.objects.filter(team=team).count() >= 24
    feedback = TrainingAttendee.objects.exclude(confidence_before=None)
    assert feedback.exists()
    assert all(a.attended and a.confidence_after >= a.confidence_before for a in feedback)


def test_the_step_is_a_handful_of_bulk_inserts() -> None:
    run = make(seed=8)
    before = Consultation.objects.count()
    with CaptureQueriesContext(connection) as captured:
        make_outreach(run)  # once more for the same teams
    # One insert per table; on PostgreSQL also one key reservation per table (COPY).
    per_table = 2 if connection.vendor == "postgresql" else 1
    assert len(captured) <= 12 * per_table
    assert Consultation.objects.count() > before
