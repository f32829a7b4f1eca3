"""The keep-alive ping: tiny JSON for a signed-in session, the sign-in steps for anyone else."""

from __future__ import annotations

from django.urls import reverse

from attune.audit.models import AuditEvent


def test_ping_answers_a_signed_in_user_and_audits_nothing(client_for) -> None:
    client = client_for("practitioner")
    before = AuditEvent.objects.count()
    response = client.get(reverse("accounts:ping"))
    assert response.status_code == 200
    assert response.json() == {"signed_in": True}
    assert "no-store" in response["Cache-Control"]
    # It reads nothing clinical, so a keep-alive adds no events to the trail.
    assert AuditEvent.objects.count() == before


def test_ping_sends_anyone_not_fully_signed_in_to_the_sign_in_steps(client_for) -> None:
    for persona in ("anonymous", "password_only"):
        response = client_for(persona).get(reverse("accounts:ping"))
        assert response.status_code == 302, persona
        assert response["Location"].startswith("/accounts/sign-in/"), persona


def test_ping_refuses_post(client_for) -> None:
    assert client_for("practitioner").post(reverse("accounts:ping")).status_code == 405
