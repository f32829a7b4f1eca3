"""The staff referral form takes starting values handed over in the session, once, whitelisted."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HANDED = {
    "referrer_name": "Hana Visitor",
    "referrer_role": "health_visitor",
    "referrer_organisation": "Riverside HV team",
    "narrative": "Worried about a baby who rarely settles",
    "referrer_email": "sneaky@example.org",
    "baby_nhs_number": "9434765919",
}


def put_in_session(client, value) -> None:  # type: ignore[no-untyped-def]
    session = client.session
    session["referral_prefill"] = value
    session.save()


def test_staff_get_the_whitelisted_values_once(client_for) -> None:
    client = client_for("practitioner")
    put_in_session(client, HANDED)
    page = client.get(reverse("referrals:new")).content.decode()
    assert 'value="Hana Visitor"' in page
    assert 'value="Riverside HV team"' in page
    assert 'value="health_visitor" selected' in page
    assert "Worried about a baby who rarely settles" in page
    assert "sneaky@example.org" not in page and "9434765919" not in page
    assert "referral_prefill" not in client.session
    again = client.get(reverse("referrals:new")).content.decode()
    assert "Hana Visitor" not in again


def test_referrers_never_use_a_prefill(client_for) -> None:
    client = client_for("referrer")
    put_in_session(client, HANDED)
    page = client.get(reverse("referrals:new")).content.decode()
    assert "Hana Visitor" not in page


def test_a_malformed_prefill_is_ignored(client_for) -> None:
    client = client_for("manager")
    put_in_session(client, ["not", "a", "dict"])
    assert client.get(reverse("referrals:new")).status_code == 200
    put_in_session(client, {"referrer_name": 42, "narrative": "Kept"})
    page = client.get(reverse("referrals:new")).content.decode()
    assert "Kept" in page and 'value="42"' not in page
