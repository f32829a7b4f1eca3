"""Synthetic group programmes: each team's groups, families, registers and their contacts."""

from __future__ import annotations

from datetime import date

import pytest

from attune.care.models import Contact
from attune.groups.models import Attendance, Enrolment, Group, GroupSession, SessionContact
from attune.synthetic.generator import SyntheticSize, generate

pytestmark = pytest.mark.django_db

FIXED_DAY = date(2026, 11, 20)


def test_each_team_gets_groups_with_families_and_registers() -> None:
    run = generate(
        seed=41,
        size=SyntheticSize(organisations=1, teams_per_organisation=1, families_per_team=60),
        show_progress=False,
        today=FIXED_DAY,
    )
    groups = list(Group.objects.filter(team__in=run.teams))
    assert {g.kind for g in groups} == {"course", "open"}
    for group in groups:
        enrolled = Enrolment.objects.filter(group=group, status="enrolled").count()
        assert 0 < enrolled <= group.capacity
        assert group.sessions.count() == group.sessions_planned
        assert group.facilitators.exists()
    past = GroupSession.objects.filter(group__in=groups, register_taken_at__isnull=False)
    assert past.exists() and all(s.starts_at.date() <= FIXED_DAY for s in past)
    marks = Attendance.objects.filter(session__group__in=groups)
    assert marks.filter(present=True).exists() and marks.filter(present=False).exists()
    # Every family's session became one contact on its episode, attended or not.
    links = SessionContact.objects.filter(session__group__in=groups)
    assert links.count() == Contact.objects.filter(modality="group").count() > 0
    for link in links.select_related("contact", "enrolment")[:20]:
        assert link.contact.episode_id == link.enrolment.episode_id
