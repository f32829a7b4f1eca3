"""The benchmark's SQL floor computes the same figures as the commissioner report's selectors.

Otherwise "the report is within 2x of the database's floor" would compare the page with a
different, perhaps cheaper, piece of work. PostgreSQL only: the floor is PostgreSQL SQL.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from attune.care.codes import Attendance
from attune.care.models import Contact
from attune.families.codes import CarerKind
from attune.families.models import CareRelationship
from attune.measures.codes import FeedbackStage
from attune.measures.models import ReferrerFeedback
from attune.referrals.models import Referral
from attune.reporting import selectors
from attune.reporting.periods import period_from
from attune.synthetic.generator import SyntheticSize, generate
from bench.sql_floor import NOT_FOR_COMMISSIONERS, commissioner_figures

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the floor is PostgreSQL SQL"),
]

# Who referred is ordered by count only, so equal counts may come in either order.
ORDER_NOT_DEFINED = {"referrals_by_role"}


def plain(value: Any) -> Any:
    """Lazy labels and the like as plain JSON values, so both sides compare cell for cell."""
    return json.loads(json.dumps(value, default=str))


def report_figures(teams: list, period: Any) -> dict[str, Any]:
    sections = selectors.team_report(teams, period)
    figures = {
        f.key: plain(f.rows)
        for s in sections
        for f in s.figures
        if f.key not in NOT_FOR_COMMISSIONERS
    }
    summary = {label: plain(value) for s in sections for label, value in s.summary}
    return {"figures": figures, "summary": summary}


def comparable(result: dict[str, Any]) -> dict[str, Any]:
    figures = {
        key: sorted(rows) if key in ORDER_NOT_DEFINED else rows
        for key, rows in plain(result["figures"]).items()
    }
    return {"figures": figures, "summary": plain(result["summary"])}


def add_who_came(period: Any) -> None:
    """The generator records nobody present at contacts: put carers of each kind at a few."""
    attended = Contact.objects.filter(
        attendance=Attendance.ATTENDED,
        starts_at__gte=period.start_at(),
        starts_at__lt=period.end_before(),
    ).order_by("id")
    carers = {
        kind: CareRelationship.objects.filter(kind=kind).values_list("carer_id", flat=True)[0]
        for kind in (CarerKind.BIRTH_MOTHER, CarerKind.BIRTH_FATHER, CarerKind.GRANDPARENT)
    }
    mother, father, grandparent = carers.values()
    groups = [[mother], [father], [mother, father], [grandparent], [grandparent, mother]]
    for contact, people in zip(attended, groups * 3, strict=False):
        contact.people_present.set(people)


def add_referrer_feedback(period: Any) -> None:
    """The generator writes no referrer feedback: a few marks, one without usefulness."""
    referrals = Referral.objects.order_by("id")[:4]
    for n, referral in enumerate(referrals):
        ReferrerFeedback.objects.create(
            team_id=referral.team_id,
            referral=referral,
            stage=FeedbackStage.AFTER_TRIAGE,
            submitted_by=referral.submitted_by,
            submitted_on=period.start,
            ease=1 + n,
            clarity=5 - n,
            usefulness=None if n == 0 else n,
        )


@pytest.fixture
def dataset():  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    size = SyntheticSize(organisations=1, teams_per_organisation=2, families_per_team=80)
    run = generate(seed=31, size=size, show_progress=False, today=today)
    period, _ = period_from({"period": "year"}, today)
    add_who_came(period)
    add_referrer_feedback(period)
    return run.teams, period


def test_the_floor_gives_the_reports_figures_for_all_teams_and_for_one(dataset) -> None:
    teams, period = dataset
    results = []
    for chosen in (teams, teams[:1]):
        expected = comparable(report_figures(chosen, period))
        with connection.cursor() as cursor:
            floor = comparable(commissioner_figures(cursor, [t.pk for t in chosen], period))
        assert floor["summary"] == expected["summary"]
        assert floor["figures"].keys() == expected["figures"].keys()
        for key, rows in expected["figures"].items():
            assert floor["figures"][key] == rows, key
        results.append(expected)
    # A floor of zeros would prove nothing: the dataset must exercise the figures.
    expected = results[0]
    summary = expected["summary"]
    assert summary["Referrals received"] > 0
    assert summary["Episodes closed"] > 0
    assert summary["Median days to first contact"] is not None
    assert all(row[1] for row in expected["figures"]["contacts_by_who"])
    assert summary["Referrers who gave feedback"] > 0
    assert any(row[1] for row in expected["figures"]["experience_questions"])
