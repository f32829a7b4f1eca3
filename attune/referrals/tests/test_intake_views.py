"""The referral form from both doors: staff entering one, and a referrer online."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from attune.audit.models import AuditEvent
from attune.families.models import CareRelationship, Family, Person
from attune.referrals.codes import StressorDomain
from attune.referrals.models import Referral

pytestmark = pytest.mark.django_db


def form_data(**overrides: str | None) -> dict[str, str]:
    today = timezone.localdate()
    data: dict[str, str | None] = {
        "submission_key": str(uuid.uuid4()),
        "referrer_name": "Rita Referrer",
        "referrer_role": "health_visitor",
        "referrer_organisation": "Riverside HV team",
        "referrer_email": "rita@example.org",
        "referrer_phone": "",
        "baby_given_name": "Maya",
        "baby_family_name": "Shah",
        "baby_date_of_birth": (today - timedelta(weeks=12)).isoformat(),
        "baby_due_date": "",
        "baby_gestation_weeks": "34",
        "baby_nhs_number": "943 476 5919",
        "carer1_given_name": "Priya",
        "carer1_family_name": "Shah",
        "carer1_kind": "birth_mother",
        "carer1_parental_responsibility": "on",
        "carer1_date_of_birth": "1994-05-01",
        "carer1_postcode": "sw1a1aa",
        "carer1_ethnic_category": "H",
        "carer2_given_name": "Dev",
        "carer2_family_name": "Shah",
        "carer2_kind": "birth_father",
        "reasons": "parent_mental_health",
        "narrative": "Mum is finding things very hard since the birth.",
        "urgency": "routine",
        "social_care": "none",
        "family_agrees": "yes",
        "safeguarding_reason": "",
        "channel": "phone",
        "received_on": today.isoformat(),
    }
    for domain in StressorDomain:
        data[f"stressor_{domain.value}"] = "unknown"
        data[f"stressor_{domain.value}_note"] = ""
    data["stressor_isolation"] = "present"
    data["stressor_isolation_note"] = "Moved here recently"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}  # a None drops the key


def test_form_renders_for_staff_and_referrers(client_for) -> None:
    staff = client_for("administrator").get(reverse("referrals:new")).content.decode()
    referrer = client_for("referrer").get(reverse("referrals:new")).content.decode()
    assert "How the referral arrived" in staff
    assert "How the referral arrived" not in referrer
    assert "willing" in referrer


def test_a_referrer_submits_and_sees_only_the_status(
    world, client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for("referrer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("referrals:new"), form_data())
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referrals:submitted", args=[referral.pk])
    assert referral.channel == "online"
    assert referral.submitted_by == world.users["referrer"]
    family = referral.family
    assert family.team == world.team
    baby = Person.objects.get(given_name="Maya")
    assert baby.nhs_number == "9434765919" and baby.gestation_weeks_at_birth == 34
    mum = Person.objects.get(given_name="Priya")
    assert mum.postcode == "SW1A 1AA" and mum.ethnic_category == "H"
    kinds = set(CareRelationship.objects.filter(family=family).values_list("kind", flat=True))
    assert kinds == {"birth_mother", "birth_father"}
    assert referral.stressors.get(domain="isolation").status == "present"
    confirmation = client.get(response["Location"]).content.decode()
    assert f"R{referral.pk}" in confirmation
    assert len(mail.outbox) == 1
    assert "Maya" not in mail.outbox[0].body  # no family details by email
    mine = client.get(reverse("referrals:mine")).content.decode()
    assert "Received, waiting for triage" in mine
    assert "Maya" not in mine


def test_staff_enter_a_phone_referral(world, client_for) -> None:
    response = client_for("administrator").post(reverse("referrals:new"), form_data())
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.channel == "phone"
    assert (
        AuditEvent.objects.filter(action="referral.received", object_id=str(referral.pk)).count()
        == 1
    )


def test_double_submission_creates_exactly_one_referral(
    world, client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for("referrer")
    data = form_data()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("referrals:new"), data)
        second = client.post(reverse("referrals:new"), data)
    assert first["Location"] == second["Location"]
    assert Referral.objects.count() == 1
    assert Family.objects.count() == 1
    assert AuditEvent.objects.filter(action="referral.received").count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"baby_nhs_number": "943 476 5918"}, "baby_nhs_number", "not a valid NHS number"),
        ({"carer1_postcode": "NOT A CODE"}, "carer1_postcode", "Enter a UK postcode"),
        ({"baby_date_of_birth": "2999-01-01"}, "baby_date_of_birth", "cannot be in the future"),
        (
            {"baby_date_of_birth": "", "baby_due_date": "2020-01-01"},
            "baby_due_date",
            "more than 6 weeks ago",
        ),
        ({"baby_date_of_birth": "", "baby_due_date": ""}, "baby_date_of_birth", "or the due date"),
        ({"carer1_date_of_birth": "2026-11-01"}, "carer1_date_of_birth", "before the baby"),
        ({"family_agrees": "no"}, "family_agrees", "willing"),
        (
            {"carer1_given_name": "Pri\x00ya"},
            "carer1_given_name",
            "Null characters are not allowed",
        ),
        ({"carer1_given_name": "Pri\x07ya"}, "carer1_given_name", "control characters"),
        ({"narrative": "x" * 1_000_000}, "narrative", "under 10,000 characters"),
        ({"carer2_kind": ""}, "carer2_kind", "second carer"),
        ({"reasons": None}, "reasons", "at least one reason"),
        ({"baby_date_of_birth": "31/02/2026"}, "baby_date_of_birth", "real date"),
    ],
)
def test_bad_input_is_explained_beside_the_field(client_for, overrides, field, message) -> None:
    response = client_for("referrer").post(reverse("referrals:new"), form_data(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'href="#id_{field}' in html  # the error summary links to the field
    assert Referral.objects.count() == 0
    assert Person.objects.count() == 0


def test_safeguarding_reason_allows_a_referral_without_agreement(client_for) -> None:
    data = form_data(
        family_agrees="no", safeguarding_reason="Baby at immediate risk; social worker aware."
    )
    assert client_for("referrer").post(reverse("referrals:new"), data).status_code == 302
    assert Referral.objects.get().family_agrees is False


def test_scripts_in_names_are_shown_as_text(client_for) -> None:
    data = form_data(carer1_given_name="<script>alert(1)</script>")
    client = client_for("administrator")
    client.post(reverse("referrals:new"), data)
    referral = Referral.objects.get()
    html = client.get(reverse("families:detail", args=[referral.family_id])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
