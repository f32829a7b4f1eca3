"""The team dashboard and the commissioner report: figures on a small fixed scene, the
commissioner's suppression, downloads, the period, scoping and the query count."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from attune.care.codes import Attendance
from attune.care.models import Contact
from attune.care.tests.factories import make_episode
from attune.referrals.models import Referral
from attune.referrals.services import triage
from attune.referrals.tests.factories import make_referral
from attune.reporting import selectors
from attune.reporting.periods import Period, period_from

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PERIOD = Period("custom", TODAY - timedelta(days=60), TODAY)


def _figure(sections, key: str) -> selectors.Figure:  # type: ignore[no-untyped-def]
    return next(f for s in sections for f in s.figures if f.key == key)


def _summary(sections, title: str) -> dict:  # type: ignore[no-untyped-def]
    return dict(next(s for s in sections if s.title == title).summary)


def _contact(episode, days_ago: int, attendance: str = Attendance.ATTENDED) -> Contact:  # type: ignore[no-untyped-def]
    starts = timezone.make_aware(datetime.combine(TODAY - timedelta(days=days_ago), time(10)))
    return Contact.objects.create(
        episode=episode,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        location_type="home",
        attendance=attendance,
    )


def _scene(world):  # type: ignore[no-untyped-def]
    """Three referrals in the period (one declined), one before it, two episodes."""
    manager = world.users["manager"]
    for days_ago in (10, 20):
        make_episode(
            team=world.team,
            manager=manager,
            practitioner=world.users["practitioner"],
            received_on=TODAY - timedelta(days=days_ago),
        )
    declined = make_referral(
        team=world.team, submitted_by=manager, received_on=TODAY - timedelta(days=5)
    )
    triage(
        actor=manager,
        referral=declined,
        expected_version=declined.version,
        decision="decline",
        reasons="Outside the area",
        signposting="Local family hub",
    )
    make_referral(team=world.team, submitted_by=manager, received_on=TODAY - timedelta(days=200))


def test_referral_figures_on_a_small_scene(world) -> None:
    _scene(world)
    sections = selectors.team_report([world.team], PERIOD)
    outcomes = {row[0]: row[1] for row in _figure(sections, "referral_outcomes").rows}
    assert outcomes["Accepted"] == 2 and outcomes["Declined, with signposting"] == 1
    assert outcomes["Not yet decided"] == 0  # the older referral is outside the period
    assert _summary(sections, "Referrals")["Referrals received"] == 3
    reasons = dict(_figure(sections, "referrals_by_reason").rows)
    assert reasons["A parent's mental health"] == 3  # the factory's reason
    assert sum(row[1] for row in _figure(sections, "referrals_by_month").rows) == 3


def test_waits_and_activity_on_a_small_scene(world) -> None:
    episode = make_episode(
        team=world.team,
        manager=world.users["manager"],
        practitioner=world.users["practitioner"],
        received_on=TODAY - timedelta(days=30),
    )
    _contact(episode, days_ago=9)  # first contact 21 days after the referral
    _contact(episode, days_ago=2, attendance=Attendance.DID_NOT_ATTEND)
    sections = selectors.team_report([world.team], PERIOD)
    waiting = _summary(sections, "Waiting")
    assert waiting["Median days to first contact"] == 21
    bands = dict(_figure(sections, "wait_to_first_contact").rows)
    assert bands["2 to 6 weeks"] == 1 and sum(bands.values()) == 1
    by_kind = _figure(sections, "attendance_by_kind").rows
    assert by_kind == [["Parent-infant psychotherapy", 2, 1, 0, "50%"]]
    places = dict(_figure(sections, "contacts_by_location").rows)
    assert places["Family home"] == 1


def test_no_data_gives_zeros_not_errors(world) -> None:
    sections = selectors.team_report([world.team], PERIOD)
    assert _summary(sections, "Referrals")["Referrals received"] == 0
    assert _summary(sections, "Waiting")["Median days to first contact"] is None
    assert _summary(sections, "Experience of the service")["Rated good or very good"] == "–"


def test_the_commissioner_sees_no_small_count_and_no_name(world, client_for) -> None:
    world.users["practitioner"].last_name = "Marigold-Canary"
    world.users["practitioner"].save(update_fields=["last_name"])
    _scene(world)
    manager_page = client_for("manager").get(reverse("reporting:dashboard")).content.decode()
    assert world.users["practitioner"].last_name in manager_page  # caseload by practitioner
    page = client_for("commissioner").get(
        reverse("reporting:dashboard") + f"?period=custom&start={PERIOD.start}&end={PERIOD.end}"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert world.users["practitioner"].last_name not in html
    cells = re.findall(r'<td class="nhsuk-table__cell">\s*([^<]*?)\s*</td>', html)
    assert cells and not [c for c in cells if c in {"1", "2", "3", "4"}]
    assert "not shown" in html


def test_tables_download_as_csv_and_xlsx(world, client_for) -> None:
    _scene(world)
    url = reverse("reporting:dashboard") + f"?{PERIOD.query()}&table=referrals_by_reason"
    csv = client_for("manager").get(url + "&format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "A parent's mental health" in csv.content.decode("utf-8-sig")
    xlsx = client_for("manager").get(url + "&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "A parent's mental health" in values and 3 in values


def test_the_period_is_read_from_the_address() -> None:
    period, errors = period_from({"period": "quarter", "start": "2026-04-01"}, date(2026, 12, 1))
    assert (period.start, period.end, errors) == (date(2026, 4, 1), date(2026, 6, 30), [])
    default, _ = period_from({}, date(2026, 12, 1))
    # By default, the last twelve complete months.
    assert (default.start, default.end) == (date(2025, 12, 1), date(2026, 11, 30))
    _, refused = period_from(
        {"period": "custom", "start": "2026-05-01", "end": "2026-04-01"}, date(2026, 12, 1)
    )
    assert refused == ["The end date must be on or after the start date."]


def test_another_team_cannot_be_asked_for(world, client_for) -> None:
    response = client_for("manager").get(
        reverse("reporting:dashboard") + f"?team={world.other_team.pk}"
    )
    assert response.status_code == 404


def test_the_dashboard_query_count_does_not_grow_with_families(
    world, client_for, django_assert_max_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("manager")
    _scene(world)
    # Every figure has something to count, so every median is looked up both times.
    for episode in Referral.objects.exclude(episode=None):
        _contact(episode.episode, days_ago=4)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("reporting:dashboard") + f"?{PERIOD.query()}")
    for _ in range(4):
        episode = make_episode(
            team=world.team,
            manager=world.users["manager"],
            practitioner=world.users["colleague"],
            received_on=TODAY - timedelta(days=15),
        )
        _contact(episode, days_ago=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("reporting:dashboard") + f"?{PERIOD.query()}")
    assert Referral.objects.count() == 8


def _closed_with_phq9(world, baseline: int, end: int, *, other_respondent: bool = False):  # type: ignore[no-untyped-def]
    from attune.care.models import Episode
    from attune.measures.tests.factories import carer_of, phq9_answers, record_phq9

    episode = make_episode(
        team=world.team,
        manager=world.users["manager"],
        practitioner=world.users["practitioner"],
        received_on=TODAY - timedelta(days=120),
    )
    practitioner = world.users["practitioner"]
    record_phq9(
        episode,
        actor=practitioner,
        answers=phq9_answers(baseline),
        completed_on=TODAY - timedelta(days=50),
    )
    if other_respondent:
        # A second carer's end score: not a pair with the first carer's baseline.
        from attune.families.models import FamilyMember, Person

        other = Person.objects.create(team=world.team, given_name="Sam", family_name="Shah")
        FamilyMember.objects.create(family=episode.family, person=other, role="carer")
        record_phq9(
            episode,
            actor=practitioner,
            answers=phq9_answers(end),
            timepoint="end",
            respondent=other,
        )
    else:
        record_phq9(episode, actor=practitioner, answers=phq9_answers(end), timepoint="end")
    Episode.objects.filter(pk=episode.pk).update(
        stage="closed",
        opened_on=TODAY - timedelta(days=100),
        closed_on=TODAY - timedelta(days=5),
        stage_since=TODAY - timedelta(days=5),
    )
    from attune.care.models import StageChange

    StageChange.objects.create(
        episode=episode,
        stage="early",
        changed_on=TODAY - timedelta(days=45),
        changed_by=practitioner,
    )
    assert carer_of(episode)
    return episode


def test_outcomes_count_pairs_from_the_same_respondent_only(world) -> None:
    _closed_with_phq9(world, 18, 8)  # recovered (measures.md worked example 1)
    _closed_with_phq9(world, 8, 15)  # reliably deteriorated (example 3)
    _closed_with_phq9(world, 18, 8, other_respondent=True)  # no pair
    sections = selectors.team_report([world.team], PERIOD)
    (row,) = _figure(sections, "outcomes_by_measure").rows
    label, pairs, recovered, improved, unchanged, worse, outside, mean, share = row
    assert (label, pairs, recovered, improved, unchanged, worse) == ("PHQ-9", 2, 1, 0, 0, 1)
    assert outside == 0 and mean.startswith("1.5") and share == "67%"
    assert _summary(sections, "Outcomes")["Episodes closed after starting an intervention"] == 3


def test_contacts_are_counted_by_who_came(world) -> None:
    from attune.families.models import CareRelationship

    episode = make_episode(
        team=world.team, manager=world.users["manager"], practitioner=world.users["practitioner"]
    )
    mother = CareRelationship.objects.get(family=episode.family).carer
    _contact(episode, days_ago=3).people_present.set([mother])
    _contact(episode, days_ago=2)  # nobody recorded as present
    sections = selectors.team_report([world.team], PERIOD)
    assert dict(_figure(sections, "contacts_by_who").rows) == {
        "Mother": 1,
        "Father or partner": 0,
        "Both parents": 0,
        "Another carer": 0,
    }


def test_free_text_is_for_the_team_only(world, client_for) -> None:
    from attune.measures.models import ExperienceResponse

    ExperienceResponse.objects.create(
        team=world.team,
        timepoint="end",
        received_on=TODAY - timedelta(days=3),
        fft_rating="very_good",
        fft_reason="Quince-Canary-2210: we felt heard",
    )
    url = reverse("reporting:dashboard") + f"?{PERIOD.query()}"
    assert "Quince-Canary-2210" in client_for("manager").get(url).content.decode()
    assert "Quince-Canary-2210" not in client_for("commissioner").get(url).content.decode()


def test_the_teams_own_questions_are_averaged(world) -> None:
    from attune.measures import services as measure_services
    from attune.measures.models import ExperienceResponse

    first, second = measure_services.add_default_experience_questions(
        actor=world.users["manager"], team=world.team
    )[:2]
    for first_rating, second_rating in ((5, 2), (4, None)):
        ratings = {measure_services.rating_key(first.pk): {"wording": "x", "rating": first_rating}}
        if second_rating:
            ratings[measure_services.rating_key(second.pk)] = {
                "wording": "y",
                "rating": second_rating,
            }
        ExperienceResponse.objects.create(
            team=world.team,
            timepoint="end",
            received_on=TODAY - timedelta(days=2),
            fft_rating="good",
            ratings=ratings,
        )
    rows = {
        row[0]: row[1:]
        for row in _figure(selectors.team_report([world.team], PERIOD), "experience_questions").rows
    }
    assert rows[first.wording] == [2, "4.5"]
    assert rows[second.wording] == [1, "2.0"]


def test_the_report_query_count_does_not_grow_with_teams(world) -> None:
    """A commissioner of 50 teams costs the same queries as one of one (the benchmark's
    national report); a team with its own age limit adds one query at most."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _scene(world)
    with CaptureQueriesContext(connection) as one_team:
        selectors.team_report([world.team], PERIOD)
    with CaptureQueriesContext(connection) as two_teams:
        selectors.team_report([world.team, world.other_team], PERIOD)
    assert len(two_teams.captured_queries) == len(one_team.captured_queries)


def test_a_finished_period_is_kept_for_a_while_and_the_page_says_when(
    world, client_for, settings
) -> None:
    from django.core.cache import cache

    settings.ATTUNE_REPORT_CACHE_SECONDS = 600
    cache.clear()
    _scene(world)
    finished = Period("custom", TODAY - timedelta(days=60), TODAY - timedelta(days=1))
    first = selectors.team_report_kept([world.team], finished)
    again = selectors.team_report_kept([world.team], finished)
    assert not first.kept and again.kept
    assert again.at == first.at
    assert _summary(again.sections, "Referrals") == _summary(first.sections, "Referrals")
    # The current period is always worked out afresh.
    current = Period("custom", TODAY - timedelta(days=60), TODAY)
    assert not selectors.team_report_kept([world.team], current).kept
    assert not selectors.team_report_kept([world.team], current).kept
    page = client_for("manager").get(reverse("reporting:dashboard") + f"?{finished.query()}")
    assert "Figures worked out at" in page.content.decode()
    settings.ATTUNE_REPORT_CACHE_SECONDS = 0
    assert not selectors.team_report_kept([world.team], finished).kept
    cache.clear()
