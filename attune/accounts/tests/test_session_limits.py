"""Idle (30 minutes) and absolute (12 hours) session limits, enforced on the server."""

from datetime import timedelta

import pytest
from django.urls import reverse

from attune.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_idle_session_ends_after_30_minutes(client_for, time_machine) -> None:
    time_machine.move_to("2026-11-22 09:00:00+00:00", tick=False)
    client = client_for("practitioner")
    assert client.get(reverse("home")).status_code == 200
    time_machine.shift(timedelta(minutes=29))
    assert client.get(reverse("home")).status_code == 200
    time_machine.shift(timedelta(minutes=31))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    event = AuditEvent.objects.get(action="session.expired")
    assert event.details == {"reason": "idle"}
    page = client.get(response["Location"])
    assert "30 minutes without activity" in page.content.decode()


def test_background_polling_does_not_keep_a_session_alive(client_for, time_machine) -> None:
    time_machine.move_to("2026-11-22 09:00:00+00:00", tick=False)
    client = client_for("practitioner")
    client.get(reverse("home"))
    for _ in range(4):
        time_machine.shift(timedelta(minutes=10))
        client.get(reverse("health"), HTTP_X_ATTUNE_BACKGROUND="1")
    assert client.get(reverse("home")).status_code == 302


def test_session_ends_after_12_hours_however_busy(client_for, time_machine) -> None:
    time_machine.move_to("2026-11-22 07:00:00+00:00", tick=False)
    client = client_for("practitioner")
    for _ in range(12 * 3 + 2):  # the clock starts at the first request
        time_machine.shift(timedelta(minutes=20))
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="session.expired").details == {"reason": "absolute"}
