"""Brute-force defence without letting one person lock out a colleague (ASVS v5.0.0-6.3.1)."""

import pytest

from attune.accounts.tests.factories import TEST_PASSWORD
from attune.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/sign-in/"


def attempt(client, username: str, password: str, ip: str):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_that_username_from_that_address(world, client, settings) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "practitioner", "wrong-password", "10.0.0.1").status_code == 400
    locked = attempt(client, "practitioner", "wrong-password", "10.0.0.1")
    assert locked.status_code == 429
    # Even the right password is refused while the lock lasts.
    again = attempt(client, "practitioner", TEST_PASSWORD, "10.0.0.1")
    assert again.status_code == 429
    assert "too many attempts" in again.content.decode()
    assert AuditEvent.objects.filter(action="login.locked_out").exists()


def test_a_stranger_cannot_lock_out_a_colleague(world, client, settings) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        attempt(client, "manager", "guessing", "203.0.113.9")
    # The real manager, from their own address, still signs in.
    response = attempt(client, "manager", TEST_PASSWORD, "10.0.0.5")
    assert response.status_code == 302
    # And other people at the attacker's address are unaffected.
    other = attempt(client, "supervisor", TEST_PASSWORD, "203.0.113.9")
    assert other.status_code == 302


def test_the_lock_lifts_after_the_cool_off(world, client, settings, time_machine) -> None:
    time_machine.move_to("2026-11-22 09:00:00+00:00", tick=False)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "practitioner", "wrong-password", "10.0.0.1")
    assert attempt(client, "practitioner", TEST_PASSWORD, "10.0.0.1").status_code == 429
    time_machine.shift(settings.AXES_COOLOFF_TIME.total_seconds() + 60)
    assert attempt(client, "practitioner", TEST_PASSWORD, "10.0.0.1").status_code == 302
