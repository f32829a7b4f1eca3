"""The list pages added with measures, the directory, groups and outreach: their query count
must not grow with the rows they list (one row, then five)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _risk_flag(world: Any, n: int) -> None:
    from attune.care.tests.factories import world_episode
    from attune.measures.tests.factories import phq9_answers, record_phq9

    record_phq9(
        world_episode(world), actor=world.users["practitioner"], answers=phq9_answers(item9=1)
    )


def _group(world: Any, n: int) -> None:
    from attune.groups.tests.factories import make_course

    make_course(world)


def _training(world: Any, n: int) -> None:
    from attune.catalogue import services
    from attune.catalogue.tests.factories import entry

    services.record_training(
        actor=world.users["manager"],
        team=world.team,
        user=world.users["practitioner"],
        intervention=entry("vipp-sd"),
        level="Trained",
        trained_on=None,
        expires_on=None,
    )


def _assessment(world: Any, n: int) -> None:
    from django.utils import timezone

    from attune.catalogue import services
    from attune.catalogue.tests.factories import entry

    services.record_self_assessment(
        actor=world.users["manager"],
        team=world.team,
        intervention=entry("emdr"),
        ratings=dict.fromkeys(services.INDICATORS, 3),
        notes={},
        assessors=[world.users["manager"]],
        other_assessors="",
        decision="not_now",
        completed_on=timezone.localdate(),
    )


def _schedule(world: Any, n: int) -> None:
    from attune.measures import services

    # One line per measure: the schedule refuses the same line twice.
    code = ["phq9", "gad7", "core10", "kpcs", "pbq"][n]
    services.add_schedule(
        actor=world.users["manager"],
        team=world.team,
        instrument_code=code,
        due_when="assessment",
        applies_to=None,
        overdue_after_days=14,
    )


def _course(world: Any, n: int) -> None:
    from attune.outreach.tests.factories import add_attendee, make_course

    add_attendee(make_course(world.team, world.users["manager"]), world.users["manager"])


def _consultation_group(world: Any, n: int) -> None:
    from attune.outreach.tests.factories import make_group

    make_group(world.team, world.users["manager"])


PAGES: list[tuple[str, str, Callable[[Any, int], None]]] = [
    ("measures:risk_flags", "manager", _risk_flag),
    ("measures:schedule", "manager", _schedule),
    ("groups:list", "practitioner", _group),
    ("catalogue:training", "manager", _training),
    ("catalogue:assessments", "manager", _assessment),
    ("outreach:courses", "manager", _course),
    ("outreach:groups", "manager", _consultation_group),
]


@pytest.mark.parametrize(("url_name", "persona", "add_row"), PAGES)
def test_list_page_query_count_does_not_grow(world, client_for, url_name, persona, add_row) -> None:  # type: ignore[no-untyped-def]
    client = client_for(persona)
    url = reverse(url_name)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add_row(world, 0)
    few = queries()
    for n in range(1, 5):
        add_row(world, n)
    many = queries()
    assert few == many, f"{url_name}: {few} queries with one row, {many} with five"
