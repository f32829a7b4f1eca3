"""The theory of change: the template, editing with optimistic locking, outcome links,
the evidence figures (hand-computed on small scenes), activity counts, query counts and
suppression for commissioners."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attune.audit.models import AuditEvent
from attune.care.codes import Attendance, Stage
from attune.care.ending import close_episode
from attune.care.models import Contact, Episode
from attune.care.services import move_to_stage
from attune.care.tests.factories import make_episode
from attune.core.locking import StaleEdit
from attune.measures import codes as measure_codes
from attune.measures import services as measure_services
from attune.measures.tests.factories import carer_of, instrument, phq9_answers, record_phq9
from attune.referrals.models import Referral
from attune.referrals.tests.factories import make_referral
from attune.reporting import theory_services
from attune.reporting.models import ChangeOutcome, TheoryOfChange
from attune.reporting.periods import Period
from attune.reporting.theory import ACTIVITY_COUNTS, TEMPLATE, outcome_evidence

pytestmark = pytest.mark.django_db

BASELINE, END = measure_codes.Timepoint.BASELINE, measure_codes.Timepoint.END
REPORT_QUERIES = 23  # the manager's report on the template theory, whatever the data


def _today() -> Any:
    return timezone.localdate()


def last_month() -> Period:
    """The 30 days to today: everything a scene records today falls inside."""
    return Period("custom", _today() - timedelta(days=30), _today())


def started_theory(world: Any) -> TheoryOfChange:
    return theory_services.start_from_template(actor=world.users["manager"], team=world.team)


def phq9_only_theory(world: Any) -> tuple[TheoryOfChange, ChangeOutcome]:
    theory = started_theory(world)
    ChangeOutcome.objects.filter(theory=theory).delete()  # a scene with one outcome only
    outcome = theory_services.add_outcome(
        actor=world.users["manager"],
        theory=theory,
        horizon="short",
        wording="Parents' mood lifts",
        measure_codes=["phq9"],
    )
    return theory, outcome


def closed_episode(
    world: Any, *, started: bool = True, closed_on: Any = None, team: Any = None
) -> Episode:
    """An episode closed today (through the services), then dated ``closed_on`` if given."""
    manager = world.users["manager"]
    episode = make_episode(
        team=team or world.team,
        manager=manager,
        practitioner=world.users["practitioner"] if team is None else manager,
    )
    move_to_stage(actor=manager, episode=episode, stage=Stage.ASSESSMENT)
    if started:
        move_to_stage(actor=manager, episode=episode, stage=Stage.EARLY)
    close_episode(
        actor=manager,
        episode=episode,
        kind="planned",
        reason="",
        closed_on=_today(),
        follow_up_on=None,
    )
    if closed_on is not None:
        # Setting the scene: the services only close on or after today's stage change.
        Episode.objects.filter(pk=episode.pk).update(opened_on=closed_on, closed_on=closed_on)
    episode.refresh_from_db()
    return episode


def phq9(world: Any, episode: Episode, total: int, timepoint: str) -> None:
    record_phq9(
        episode,
        actor=world.users["practitioner"],
        answers=phq9_answers(total),
        timepoint=timepoint,
    )


def phq9_by_practitioner(world: Any, episode: Episode, total: int, timepoint: str) -> None:
    """The same questionnaire, answered by the practitioner: another respondent."""
    carer = carer_of(episode)
    measure_services.record_administration(
        actor=world.users["practitioner"],
        episode=episode,
        instrument=instrument("phq9"),
        respondent_person=None,
        respondent_user=world.users["practitioner"],
        subject=measure_services.Subject(measure_codes.SubjectKind.CARER, person=carer),
        timepoint=timepoint,
        completed_on=_today(),
        mode=measure_codes.Mode.IN_SESSION,
        answers=phq9_answers(total),
    )


# The template and starting from it ------------------------------------------------------


def test_the_template_covers_three_horizons_with_suggested_measures() -> None:
    horizons = [o.horizon for o in TEMPLATE.outcomes]
    assert 10 <= len(horizons) <= 14
    assert {"short", "medium", "long"} == set(horizons)
    suggested = {code for o in TEMPLATE.outcomes for code in o.measure_codes}
    assert {"psi4sf", "phq9", "epds", "pbq", "prfq", "kips", "kpcs", "asqse2"} <= suggested
    for outcome in TEMPLATE.outcomes:
        assert set(outcome.activity_codes) <= set(ACTIVITY_COUNTS)
        if outcome.horizon == "long":
            assert not outcome.measure_codes  # the population's outcomes: not Attune's data


def test_a_manager_starts_from_the_template(world, client_for) -> None:
    client = client_for("manager")
    page = client.get(reverse("reporting_theory:theory"))
    assert page.status_code == 200 and "Start from the template" in page.content.decode()
    response = client.post(reverse("reporting_theory:start"))
    assert response.status_code == 302
    theory = TheoryOfChange.objects.get(team=world.team)
    assert theory.problem == TEMPLATE.problem and theory.updated_by == world.users["manager"]
    assert theory.outcomes.count() == len(TEMPLATE.outcomes)
    [mood] = [o for o in theory.outcomes.all() if "phq9" in o.measure_codes]
    assert mood.measure_codes == ["phq9", "epds"] and mood.position == 2
    event = AuditEvent.objects.get(action="theory.started_from_template")
    assert event.details == {"outcomes": len(TEMPLATE.outcomes)}
    # A second click keeps the team's theory as it is.
    assert client.post(reverse("reporting_theory:start")).status_code == 302
    assert TheoryOfChange.objects.count() == 1
    assert AuditEvent.objects.filter(action="theory.started_from_template").count() == 1
    page = client.get(reverse("reporting_theory:theory")).content.decode()
    assert "cannot show them" in page and "Parents&#39; mood lifts" in page


def test_practitioners_read_the_theory_without_figures(world, client_for) -> None:
    started_theory(world)
    page = client_for("practitioner").get(reverse("reporting_theory:theory"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "PHQ-9, EPDS" in html and "Show this period" not in html
    assert "attune-figure-value" not in html and "Change the theory" not in html
    for name in ("reporting_theory:edit", "reporting_theory:outcome_new"):
        assert client_for("practitioner").get(reverse(name)).status_code == 403
    assert client_for("supervisor").post(reverse("reporting_theory:start")).status_code == 403


def test_without_a_theory_others_are_told_and_editing_waits(world, client_for) -> None:
    html = client_for("practitioner").get(reverse("reporting_theory:theory")).content.decode()
    assert "has not written its theory of change yet" in html
    assert "Start from the template" not in html
    response = client_for("manager").get(reverse("reporting_theory:edit"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "reporting_theory:theory"
    )


# Editing the texts ----------------------------------------------------------------------


def edit_data(theory: TheoryOfChange, version: int, **overrides: str) -> dict[str, str]:
    data = {name: getattr(theory, name) for name in theory_services.TEXT_FIELDS}
    data.update(overrides, version=str(version))
    return data


def test_saving_the_texts(world, client_for) -> None:
    theory = started_theory(world)
    client = client_for("administrator")
    assert client.get(reverse("reporting_theory:edit")).status_code == 200
    data = edit_data(theory, 1, problem="  Our own words about the problem.  ")
    assert client.post(reverse("reporting_theory:edit"), data).status_code == 302
    theory.refresh_from_db()
    assert theory.problem == "Our own words about the problem." and theory.version == 2
    assert theory.updated_by == world.users["administrator"]
    event = AuditEvent.objects.get(action="theory.changed")
    assert event.details == {"fields": ["problem"], "version": 2}
    empty = client.post(reverse("reporting_theory:edit"), edit_data(theory, 2, activities=" "))
    assert empty.status_code == 400 and "Write something here" in empty.content.decode()


def test_a_stale_save_keeps_the_typed_text_and_shows_the_conflict(world, client_for) -> None:
    theory = started_theory(world)
    theory_services.save_theory(
        actor=world.users["administrator"],
        theory=theory,
        expected_version=1,
        how_change_happens="The administrator's newer account of change.",
    )
    typed = "What the manager typed while the administrator was saving."
    response = client_for("manager").post(
        reverse("reporting_theory:edit"), edit_data(theory, 1, how_change_happens=typed)
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved the theory of change while you were editing" in html
    assert typed in html  # kept in the form
    assert "The administrator&#39;s newer account of change." in html  # shown as saved
    assert 'name="version" value="2"' in html
    theory.refresh_from_db()
    assert theory.how_change_happens == "The administrator's newer account of change."
    with pytest.raises(StaleEdit):
        theory_services.save_theory(
            actor=world.users["manager"], theory=theory, expected_version=1, problem="x"
        )


# Outcomes -------------------------------------------------------------------------------


def outcome_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "horizon": "medium",
        "wording": "Parents feel calmer when their baby cries",
        "measure_codes": ["psi4sf"],
        "activity_codes": ["group_sessions"],
    }
    data.update(overrides)
    return data


def test_adding_changing_and_removing_an_outcome(world, client_for) -> None:
    theory = started_theory(world)
    client = client_for("manager")
    assert client.get(reverse("reporting_theory:outcome_new") + "?horizon=long").status_code == 200
    assert client.post(reverse("reporting_theory:outcome_new"), outcome_data()).status_code == 302
    outcome = theory.outcomes.get(wording="Parents feel calmer when their baby cries")
    assert outcome.measure_codes == ["psi4sf"] and outcome.activity_codes == ["group_sessions"]
    assert outcome.position == 5  # after the template's four medium-term outcomes
    added = AuditEvent.objects.get(action="theory.outcome_added")
    assert added.details == {
        "theory": theory.pk,
        "horizon": "medium",
        "measures": ["psi4sf"],
        "activities": ["group_sessions"],
    }
    url = reverse("reporting_theory:outcome_edit", args=[outcome.pk])
    assert client.get(url).status_code == 200
    changed = outcome_data(horizon="short", measure_codes=["psi4sf", "kpcs"], activity_codes=[])
    assert client.post(url, changed).status_code == 302
    outcome.refresh_from_db()
    assert outcome.horizon == "short" and outcome.measure_codes == ["psi4sf", "kpcs"]
    assert outcome.activity_codes == [] and outcome.position == 8
    remove = reverse("reporting_theory:outcome_remove", args=[outcome.pk])
    assert client.post(remove).status_code == 302
    assert not ChangeOutcome.objects.filter(pk=outcome.pk).exists()
    assert AuditEvent.objects.get(action="theory.outcome_removed").object_id == str(outcome.pk)


def test_an_unknown_measure_is_refused_beside_the_field(world, client_for) -> None:
    started_theory(world)
    response = client_for("manager").post(
        reverse("reporting_theory:outcome_new"), outcome_data(measure_codes=["phq99"])
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "“phq99” is not one of the team&#39;s measures" in html
    # Beside the field, as the NHS.UK error message of the measures checkboxes.
    assert re.search(r'id="id_measure_codes-error">\s*<span[^>]*>Error: </span>“phq99”', html)
    assert not ChangeOutcome.objects.filter(wording__startswith="Parents feel calmer").exists()


def test_the_services_refuse_unknown_measures_and_activities(world) -> None:
    theory = started_theory(world)
    with pytest.raises(theory_services.TheoryRefused) as refused:
        theory_services.add_outcome(
            actor=world.users["manager"],
            theory=theory,
            horizon="short",
            wording="Something",
            measure_codes=["nonsense"],
        )
    assert refused.value.field == "measure_codes" and "nonsense" in str(refused.value)
    with pytest.raises(theory_services.TheoryRefused) as refused:
        theory_services.add_outcome(
            actor=world.users["manager"],
            theory=theory,
            horizon="short",
            wording="Something",
            activity_codes=["tea_and_cake"],
        )
    assert refused.value.field == "activity_codes"
    with pytest.raises(theory_services.TheoryRefused):
        theory_services.add_outcome(
            actor=world.users["manager"], theory=theory, horizon="soon", wording="Something"
        )


def test_another_teams_outcome_is_not_found(world, client_for) -> None:
    theory = theory_services.start_from_template(
        actor=world.users["other_practitioner"], team=world.other_team
    )
    theirs = theory.outcomes.first()
    client = client_for("manager")
    assert client.get(reverse("reporting_theory:outcome_edit", args=[theirs.pk])).status_code == 404
    remove = reverse("reporting_theory:outcome_remove", args=[theirs.pk])
    assert client.post(remove).status_code == 404
    assert ChangeOutcome.objects.filter(pk=theirs.pk).exists()
    assert AuditEvent.objects.filter(action="access.denied").count() == 2


# Evidence -------------------------------------------------------------------------------


def evidence_scene(world: Any) -> TheoryOfChange:
    """Closed in the period, having started the intervention:
    A: PHQ-9 15 -> 5 (recovered); B: 15 -> 13 (no reliable change); C: baseline only;
    D: carer's baseline, practitioner's end (no pair). Also F: closed in the period from
    assessment, with a baseline; E: a recovered pair, but closed 60 days ago."""
    theory, _ = phq9_only_theory(world)
    a, b, c, d = (closed_episode(world) for _ in range(4))
    phq9(world, a, 15, BASELINE)
    phq9(world, a, 5, END)
    phq9(world, b, 15, BASELINE)
    phq9(world, b, 13, END)
    phq9(world, c, 15, BASELINE)
    phq9(world, d, 15, BASELINE)
    phq9_by_practitioner(world, d, 4, END)
    f = closed_episode(world, started=False)
    phq9(world, f, 12, BASELINE)
    e = closed_episode(world, closed_on=_today() - timedelta(days=60))
    phq9(world, e, 15, BASELINE)
    phq9(world, e, 3, END)
    return theory


def test_evidence_figures_on_a_small_scene(world) -> None:
    theory = evidence_scene(world)
    [evidence] = outcome_evidence(theory, [world.team], last_month())
    [phq] = evidence.measures
    assert phq.label == "PHQ-9"
    assert phq.closed_started == 4  # A, B, C, D (not F, which never started; not E)
    assert phq.with_baseline == 5  # A, B, C, D and F
    assert phq.pairs == 2  # A and B; D's two scores are from different respondents
    assert (phq.improved, phq.deteriorated, phq.not_judged) == (1, 0, 0)
    assert phq.completeness == 0.5 and phq.improved_share == 0.5
    assert phq.deteriorated_share == 0
    # Another team's period and data are its own.
    assert outcome_evidence(theory, [world.other_team], last_month())[0].measures[0].pairs == 0


def test_the_report_page_shows_the_figures(world, client_for) -> None:
    evidence_scene(world)
    period = last_month()
    response = client_for("manager").get(reverse("reporting_theory:theory") + "?" + period.query())
    html = response.content.decode()
    assert response.status_code == 200
    values = re.findall(r'attune-figure-value">([^<]*)<', html)
    assert values == ["4", "5", "2", "50%", "50%", "0%"]
    assert f"{world.team.name} · Theory of change · {period.label}" in html
    assert AuditEvent.objects.filter(action="theory.report_viewed").exists()


def test_a_refused_period_falls_back_and_says_why(world, client_for) -> None:
    started_theory(world)
    response = client_for("manager").get(
        reverse("reporting_theory:theory") + "?period=custom&start=2026-05-01&end=2026-04-01"
    )
    assert response.status_code == 200
    assert "The end date must be on or after the start date." in response.content.decode()


def test_commissioners_see_no_count_from_1_to_4(world, client_for) -> None:
    theory = evidence_scene(world)
    theory_services.add_outcome(
        actor=world.users["manager"],
        theory=theory,
        horizon="long",
        wording="Fewer later referrals",
        activity_codes=["contacts_attended", "families_referred"],
    )
    response = client_for("commissioner").get(
        reverse("reporting_theory:theory") + "?" + last_month().query()
    )
    html = response.content.decode()
    assert response.status_code == 200
    values = re.findall(r'attune-figure-value">([^<]*)<', html)
    assert len(values) == 8
    assert not {"1", "2", "3", "4"} & set(values)
    assert "not shown" in values and "Numbers from 1 to 4 are not shown" in html
    assert "Families referred" in html  # six families: large enough to show
    assert values[-2:] == ["0", "6"]  # no sessions attended (0 is shown); six referred
    # The same page for the manager has the exact figures.
    staff = client_for("manager").get(
        reverse("reporting_theory:theory") + "?" + last_month().query()
    )
    assert re.findall(r'attune-figure-value">([^<]*)<', staff.content.decode())[:3] == [
        "4",
        "5",
        "2",
    ]


def test_report_query_count_does_not_grow_with_episodes(
    world, client_for, django_assert_max_num_queries
) -> None:
    started_theory(world)
    client = client_for("manager")
    url = reverse("reporting_theory:theory") + "?" + last_month().query()

    def add_family_with_a_pair() -> None:
        episode = closed_episode(world)
        phq9(world, episode, 15, BASELINE)
        phq9(world, episode, 6, END)
        phq9_by_practitioner(world, episode, 14, BASELINE)
        Contact.objects.create(
            episode=episode,
            starts_at=timezone.now() - timedelta(days=1),
            ends_at=timezone.now() - timedelta(days=1) + timedelta(hours=1),
            location_type="home",
            attendance=Attendance.ATTENDED,
        )

    # The session and sign-in checks (4), the theory (1), the report's teams (1), the
    # outcomes (1), the closed episodes and their scores (2), measure names (1), seven
    # activity counts (7), the audit event (3, with its savepoint), saving the session (3).
    add_family_with_a_pair()
    with django_assert_max_num_queries(REPORT_QUERIES):
        assert client.get(url).status_code == 200
    for _ in range(5):
        add_family_with_a_pair()
    with django_assert_max_num_queries(REPORT_QUERIES):
        page = client.get(url)
    html = page.content.decode()
    assert "6" in re.findall(r'attune-figure-value">([^<]*)<', html)


# Activity counts ------------------------------------------------------------------------


def test_each_activity_count_on_a_tiny_scene(world) -> None:
    from attune.groups import services as group_services
    from attune.groups.tests.factories import make_course as make_group_course
    from attune.outreach.models import TrainingAttendee
    from attune.outreach.tests.factories import (
        add_attendee,
        make_activity,
        make_consultation,
        make_course,
    )

    manager = world.users["manager"]
    period = last_month()
    long_ago = _today() - timedelta(days=60)

    # Referrals: two families this month, one referred long ago; another team's apart.
    make_referral(team=world.team, submitted_by=manager)
    make_referral(team=world.team, submitted_by=manager)
    old = make_referral(team=world.team, submitted_by=manager)
    Referral.objects.filter(pk=old.pk).update(received_on=long_ago)
    make_referral(team=world.other_team, submitted_by=world.users["other_practitioner"])

    # Contacts: the first family attends twice, the second once (and misses once).
    first, second = (
        make_episode(team=world.team, manager=manager, practitioner=manager) for _ in range(2)
    )
    yesterday = timezone.now() - timedelta(days=1)

    def contact(episode: Episode, attendance: str, at: Any = yesterday) -> None:
        Contact.objects.create(
            episode=episode,
            starts_at=at,
            ends_at=at + timedelta(hours=1),
            location_type="clinic",
            attendance=attendance,
        )

    contact(first, Attendance.ATTENDED)
    contact(first, Attendance.ATTENDED, yesterday - timedelta(days=2))
    contact(second, Attendance.ATTENDED)
    contact(second, Attendance.DID_NOT_ATTEND)
    contact(second, Attendance.ATTENDED, timezone.now() - timedelta(days=45))

    # A course of four weekly sessions from 15 days ago: three held by now, one cancelled.
    group = make_group_course(
        world, sessions=4, first_session_at=timezone.now() - timedelta(days=15)
    )
    cancelled = group.sessions.order_by("number")[1]
    group_services.move_session(
        actor=manager, session=cancelled, starts_at=cancelled.starts_at, cancelled=True
    )

    # Consultations: two this month, one long ago.
    make_consultation(world.team, manager)
    make_consultation(world.team, manager)
    make_consultation(world.team, manager, held_on=long_ago)

    # Training: three booked, two attended, one did not; a course long ago.
    course = make_course(world.team, manager)
    people = [add_attendee(course, manager, name=f"Attendee {n}") for n in range(3)]
    TrainingAttendee.objects.filter(pk__in=[people[0].pk, people[1].pk]).update(attended=True)
    TrainingAttendee.objects.filter(pk=people[2].pk).update(attended=False)
    earlier = make_course(world.team, manager, held_on=long_ago, title="Earlier course")
    TrainingAttendee.objects.filter(pk=add_attendee(earlier, manager).pk).update(attended=True)

    # Outreach: 12 and 5 families this month, 40 long ago, 100 in another team.
    make_activity(world.team, manager, families_reached=12)
    make_activity(world.team, manager, families_reached=5)
    make_activity(world.team, manager, families_reached=40, held_on=long_ago)
    make_activity(world.other_team, world.users["other_practitioner"], families_reached=100)

    expected = {
        "families_referred": 4,  # the two above, and the two episodes' own referrals
        "families_seen": 2,
        "contacts_attended": 3,
        "group_sessions": 2,
        "consultations": 2,
        "professionals_trained": 2,
        "outreach_families": 17,
    }
    assert set(expected) == set(ACTIVITY_COUNTS)
    for key, count in expected.items():
        with CaptureQueriesContext(connection) as queries:
            assert ACTIVITY_COUNTS[key].counter([world.team], period) == count, key
        assert len(queries.captured_queries) == 1, key
