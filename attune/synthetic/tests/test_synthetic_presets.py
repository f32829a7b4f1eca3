"""The benchmark datasets: the small preset's shape, integrity and NHS numbers, and the
pieces that let the national preset be built in parallel (disjoint NHS number slots,
teams that do not depend on the order they are built in)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, F

from attune.care.models import Contact, Episode, Note
from attune.core import nhs_number
from attune.families.codes import MemberRole
from attune.families.models import Family, FamilyMember, Person
from attune.measures.models import Administration
from attune.referrals.models import Referral
from attune.synthetic.generator import PRESETS, SyntheticSize, generate
from attune.synthetic.integrity import dangling_references
from attune.synthetic.volumes import FULL_CAPACITY

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 30)
# The small preset's team, with fewer families so the test stays fast; everything per
# family (volumes, staff mix) is the preset's own.
FAMILIES = 150


@pytest.fixture(scope="module")
def small_shape() -> SyntheticSize:
    return replace(PRESETS["small"], families_per_team=FAMILIES)


def test_presets_are_one_full_team_and_fifty_of_them() -> None:
    small, national = PRESETS["small"], PRESETS["national"]
    assert small.organisations * small.teams_per_organisation == 1
    assert national.organisations * national.teams_per_organisation == 50
    assert national.organisations > 1  # several organisations, for commissioners and sharding
    assert small.families_per_team == national.families_per_team
    assert national.families_per_team * 50 == 110_000
    assert small.volumes is national.volumes is FULL_CAPACITY


def test_small_preset_shape_counts_and_integrity(small_shape: SyntheticSize) -> None:
    run = generate(seed=21, size=small_shape, show_progress=False, today=DAY)
    team = run.teams[0]

    # Referential integrity of every table written: by the database, and by the check
    # a national build (which loads without per-row checks) is verified with.
    connection.check_constraints()
    assert dangling_references() == []

    families = Family.objects.filter(team=team)
    assert families.count() == FAMILIES
    babies = FamilyMember.objects.filter(family__team=team, role=MemberRole.BABY)
    carers = FamilyMember.objects.filter(family__team=team, role=MemberRole.CARER)
    assert babies.values("family").distinct().count() == FAMILIES
    assert carers.values("family").distinct().count() == FAMILIES
    assert Referral.objects.filter(team=team).count() >= FAMILIES

    # Full capacity: most families are seen, about 20 contacts and 15 questionnaires each.
    episodes = Episode.objects.filter(team=team).count()
    assert episodes >= 0.6 * FAMILIES  # the rest were referred lately: triage or a short wait
    contacts_per_family = Contact.objects.filter(episode__team=team).count() / FAMILIES
    questionnaires_per_family = Administration.objects.filter(team=team).count() / FAMILIES
    assert 15 <= contacts_per_family <= 25, contacts_per_family
    assert 11 <= questionnaires_per_family <= 20, questionnaires_per_family
    assert Note.objects.filter(episode__team=team).exists()

    # Rows that hang off an episode belong to that episode's family and team.
    mismatched = Administration.objects.filter(team=team).exclude(family_id=F("episode__family_id"))
    assert not mismatched.exists()
    assert not Episode.objects.filter(team=team).exclude(family__team=team).exists()

    # NHS numbers: valid, from the 999 test range, and never shared.
    numbers = list(
        Person.objects.filter(team=team).exclude(nhs_number="").values_list("nhs_number", flat=True)
    )
    assert len(numbers) > FAMILIES
    assert all(number.startswith("999") and nhs_number.is_valid(number) for number in numbers)
    assert len(set(numbers)) == len(numbers)
    shared = (
        Person.objects.exclude(nhs_number="")
        .values("nhs_number")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not shared.exists()


def _family_names_by_team(size: SyntheticSize) -> list[list[str]]:
    """Each team's family names from a run of seed 5, rolled back afterwards."""
    with transaction.atomic():
        run = generate(seed=5, size=size, show_progress=False, today=DAY)
        names = [
            sorted(Family.objects.filter(team=team).values_list("name", flat=True))
            for team in run.teams
        ]
        transaction.set_rollback(True)
    return names


def test_teams_do_not_depend_on_the_order_they_are_built_in() -> None:
    """Each team has its own dice, so a team's rows are the same in any run of the seed."""
    size = SyntheticSize(organisations=1, teams_per_organisation=2, families_per_team=8)
    both = _family_names_by_team(size)
    assert both[0] != both[1]
    alone = _family_names_by_team(replace(size, teams_per_organisation=1))
    assert alone == [both[0]]


def test_nhs_number_slots_never_overlap() -> None:
    slots = 50
    drawn = {
        slot: {
            nhs_number.synthetic(random.Random(slot), slot=slot, slots=slots) for _ in range(300)
        }
        for slot in (0, 1, 49)
    }
    assert not drawn[0] & drawn[1]
    assert not drawn[1] & drawn[49]
    assert all(nhs_number.is_valid(n) for numbers in drawn.values() for n in numbers)
    with pytest.raises(ValueError):
        nhs_number.synthetic(random.Random(1), slot=50, slots=50)


def test_describe_reports_the_last_finished_run(capsys: pytest.CaptureFixture[str]) -> None:
    size = SyntheticSize(organisations=1, teams_per_organisation=1, families_per_team=2)
    generate(seed=9, size=size, show_progress=False, today=DAY)
    call_command("synth", "--describe")
    described = capsys.readouterr().out
    assert '"seed": 9' in described
    assert '"volumes": "today"' in described


def test_the_integrity_check_finds_a_reference_to_nothing() -> None:
    size = SyntheticSize(organisations=1, teams_per_organisation=1, families_per_team=3)
    run = generate(seed=4, size=size, show_progress=False, today=DAY)
    assert dangling_references() == []
    family = Family.objects.filter(team=run.teams[0]).first()
    assert family is not None
    with connection.constraint_checks_disabled():
        # Point a member at a family that does not exist, as a broken bulk load could.
        FamilyMember.objects.filter(family=family).update(family_id=family.pk + 10_000)
        found = dangling_references()
        FamilyMember.objects.filter(family_id=family.pk + 10_000).update(family_id=family.pk)
    member_rows = [
        d for d in found if (d.table, d.column) == ("families_familymember", "family_id")
    ]
    assert member_rows and member_rows[0].rows >= 1
    assert "point at nothing" in str(member_rows[0])


def test_new_row_refuses_a_field_the_model_lacks_and_links_related_rows() -> None:
    from attune.synthetic.copy_rows import new_row

    with pytest.raises(TypeError, match="no field 'colour'"):
        new_row(Family, colour="blue")
    family = Family(pk=12345, name="Test family")
    member = new_row(FamilyMember, family=family, role=MemberRole.BABY)
    assert member.family_id == 12345
    assert member.family is family
    assert member.pk is None
