from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from attune.accounts.tests.factories import sign_in_verified
from attune.audit.models import AuditEvent
from attune.families import services
from attune.families.models import Person
from attune.families.selectors import possible_duplicates
from attune.referrals.tests.factories import make_referral

pytestmark = pytest.mark.django_db


def edit_data(person: Person, **changes: object) -> dict[str, object]:
    data = {
        "version": person.version,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "postcode": person.postcode,
    }
    data.update(changes)
    return data


def test_family_page_shows_babies_carers_and_is_audited(world, client_for) -> None:
    referral = make_referral(team=world.team, submitted_by=world.users["manager"])
    html = (
        client_for("practitioner")
        .get(reverse("families:detail", args=[referral.family_id]))
        .content.decode()
    )
    assert "Maya Shah" in html
    assert "Birth mother of Maya Shah" in html
    assert AuditEvent.objects.filter(
        action="family.viewed", object_id=str(referral.family_id)
    ).exists()


@pytest.mark.parametrize("families", [1, 8])
def test_family_page_query_count_does_not_grow(world, django_assert_num_queries, families) -> None:
    referrals = [
        make_referral(team=world.team, submitted_by=world.users["manager"]) for _ in range(families)
    ]
    client = Client()
    sign_in_verified(client, world.users["practitioner"])
    client.get(reverse("home"))
    with django_assert_num_queries(16):
        assert (
            client.get(reverse("families:detail", args=[referrals[-1].family_id])).status_code
            == 200
        )


def test_person_edit_saves_and_bumps_the_version(world, client_for) -> None:
    referral = make_referral(team=world.team, submitted_by=world.users["manager"])
    mum = Person.objects.get(given_name="Priya", memberships__family=referral.family)
    response = client_for("practitioner").post(
        reverse("families:person_edit", args=[mum.pk]),
        edit_data(mum, preferred_name="Pri", postcode="m11ae"),
    )
    assert response.status_code == 302
    mum.refresh_from_db()
    assert (mum.preferred_name, mum.postcode, mum.version) == ("Pri", "M1 1AE", 2)
    event = AuditEvent.objects.get(action="person.updated")
    assert set(event.details["fields"]) == {"preferred_name", "postcode"}


def test_second_editor_sees_the_conflict_and_keeps_their_typing(world, client_for) -> None:
    referral = make_referral(team=world.team, submitted_by=world.users["manager"])
    mum = Person.objects.get(given_name="Priya", memberships__family=referral.family)
    first = client_for("practitioner")
    second = client_for("colleague")
    opened_version = mum.version
    assert (
        first.post(
            reverse("families:person_edit", args=[mum.pk]), edit_data(mum, phone="07700 900001")
        ).status_code
        == 302
    )
    response = second.post(
        reverse("families:person_edit", args=[mum.pk]),
        edit_data(mum, version=opened_version, phone="07700 900999", first_language="Gujarati"),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved changes first" in html
    assert "07700 900001" in html  # what the first editor saved
    assert "Gujarati" in html and "07700 900999" in html  # nothing the second typed is lost
    mum.refresh_from_db()
    assert mum.phone == "07700 900001" and mum.first_language == ""


def test_person_edit_refuses_bad_input_without_saving(world, client_for) -> None:
    referral = make_referral(team=world.team, submitted_by=world.users["manager"])
    mum = Person.objects.get(given_name="Priya", memberships__family=referral.family)
    response = client_for("practitioner").post(
        reverse("families:person_edit", args=[mum.pk]),
        edit_data(mum, nhs_number="1234567890", date_of_birth="2999-01-01", given_name=""),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "not a valid NHS number" in html
    assert "cannot be in the future" in html
    assert "Enter the first name" in html
    mum.refresh_from_db()
    assert mum.version == 1


def test_duplicate_check_finds_by_nhs_number_name_and_dates(world) -> None:
    referral = make_referral(team=world.team, submitted_by=world.users["manager"])
    mum = Person.objects.get(given_name="Priya", memberships__family=referral.family)
    by_postcode = possible_duplicates(
        world.team, given_name="priya", family_name="SHAH", postcode="SW1A 1AA"
    )
    assert [d.person for d in by_postcode] == [mum]
    assert by_postcode[0].reasons == ["same name and postcode"]
    by_birth = possible_duplicates(
        world.team, given_name="Priya", family_name="Shah", date_of_birth=mum.date_of_birth
    )
    assert by_birth[0].reasons == ["same name and date of birth"]
    services.update_person(
        actor=world.users["manager"],
        person=mum,
        expected_version=mum.version,
        nhs_number="9434765919",
    )
    by_number = possible_duplicates(
        world.team, given_name="Someone", family_name="Else", nhs_number="9434765919"
    )
    assert by_number[0].reasons == ["same NHS number"]
    assert (
        possible_duplicates(
            world.other_team, given_name="Priya", family_name="Shah", postcode="SW1A 1AA"
        )
        == []
    )
    assert possible_duplicates(world.team, given_name="Priya", family_name="Shah") == []


def test_staff_intake_offers_the_existing_person_and_links_without_copying(
    world, client_for
) -> None:
    from attune.referrals.models import Referral
    from attune.referrals.tests.test_intake_views import form_data

    first = make_referral(team=world.team, submitted_by=world.users["manager"])
    client = client_for("administrator")
    data = form_data(carer2_given_name="", carer2_family_name="", carer2_kind="")
    data["baby_date_of_birth"] = first.people_in_scope.get(
        given_name="Maya"
    ).date_of_birth.isoformat()
    data["baby_nhs_number"] = ""
    shown = client.post(reverse("referrals:new"), data)
    assert shown.status_code == 200
    html = shown.content.decode()
    assert "may already know" in html
    maya = Person.objects.get(given_name="Maya")
    priya = Person.objects.get(given_name="Priya")
    data.update({"match_baby": str(maya.pk), "match_carer1": str(priya.pk)})
    assert client.post(reverse("referrals:new"), data).status_code == 302
    assert Person.objects.filter(given_name="Maya").count() == 1
    second = Referral.objects.exclude(pk=first.pk).get()
    assert second.family_id == first.family_id  # referred again: same family, its own referral


def test_intake_refuses_a_tampered_match(world, client_for) -> None:
    from attune.referrals.models import Referral
    from attune.referrals.tests.test_intake_views import form_data

    first = make_referral(team=world.team, submitted_by=world.users["manager"])
    stranger = make_referral(team=world.other_team, submitted_by=world.users["other_practitioner"])
    data = form_data(carer2_given_name="", carer2_family_name="", carer2_kind="")
    data["baby_date_of_birth"] = first.people_in_scope.get(
        given_name="Maya"
    ).date_of_birth.isoformat()
    data["baby_nhs_number"] = ""
    data.update({"match_baby": str(stranger.people_in_scope.first().pk), "match_carer1": "new"})
    response = client_for("administrator").post(reverse("referrals:new"), data)
    assert response.status_code == 200
    assert "choose an existing record" in response.content.decode()
    assert Referral.objects.filter(team=world.team).count() == 1


def test_adding_a_father_links_him_to_the_baby(world, client_for) -> None:
    from attune.families.models import CareRelationship

    referral = make_referral(team=world.team, submitted_by=world.users["manager"])
    url = reverse("families:person_add", args=[referral.family_id])
    data = {
        "role": "carer",
        "carer_kind": "birth_father",
        "has_parental_responsibility": "on",
        "lives_with_baby": "on",
        "given_name": "Dev",
        "family_name": "Shah",
    }
    assert client_for("practitioner").post(url, data).status_code == 302
    link = CareRelationship.objects.get(carer__given_name="Dev")
    assert (link.kind, link.baby.given_name, link.has_parental_responsibility) == (
        "birth_father",
        "Maya",
        True,
    )
    assert AuditEvent.objects.filter(action="care_relationship.created").count() == 2


def test_adding_a_carer_needs_the_relationship(world, client_for) -> None:
    referral = make_referral(team=world.team, submitted_by=world.users["manager"])
    url = reverse("families:person_add", args=[referral.family_id])
    response = client_for("practitioner").post(
        url, {"role": "carer", "given_name": "Dev", "family_name": "Shah"}
    )
    assert response.status_code == 400
    assert "Choose how this carer is related" in response.content.decode()
    assert not Person.objects.filter(given_name="Dev").exists()


def test_adding_someone_the_team_knows_offers_their_record(world, client_for) -> None:
    first = make_referral(team=world.team, submitted_by=world.users["manager"])
    second = make_referral(team=world.team, submitted_by=world.users["manager"])
    priya = Person.objects.filter(given_name="Priya").first()
    url = reverse("families:person_add", args=[second.family_id])
    data = {
        "role": "carer",
        "carer_kind": "grandparent",
        "given_name": "Priya",
        "family_name": "Shah",
        "postcode": "SW1A 1AA",
        "date_of_birth": priya.date_of_birth.isoformat(),
    }
    client = client_for("practitioner")
    offered = client.post(url, data)
    assert offered.status_code == 200 and "may already know" in offered.content.decode()
    assert client.post(url, {**data, "match": str(priya.pk)}).status_code == 302
    assert priya.memberships.filter(family_id=second.family_id).exists()
    assert first.family_id != second.family_id
