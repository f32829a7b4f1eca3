"""Shared test set-up: fast hashing, personas, and signing in with a verified second factor."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client

from attune.accounts.models import Team, User
from attune.accounts.roles import Role
from attune.accounts.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
    sign_in_verified,
)


def pytest_configure(config: pytest.Config) -> None:
    # The production hasher (PBKDF2, 1.2M iterations) would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Text messages go to an in-memory outbox, like Django's mail.outbox.
    settings.ATTUNE_TEXT_BACKEND = "memory"


@pytest.fixture(autouse=True)
def _empty_text_outbox() -> None:
    from attune.core.notifications import TEXT_OUTBOX

    TEXT_OUTBOX.clear()


@dataclass
class World:
    """Two teams in two organisations, and one user per persona."""

    team: Team
    other_team: Team
    users: dict[str, User]


PERSONAS = (
    "practitioner",
    "colleague",
    "other_practitioner",
    "supervisor",
    "manager",
    "administrator",
    "commissioner",
    "referrer",
    "system_admin",
    "password_only",
    "anonymous",
)

_ROLES = {
    "practitioner": Role.PRACTITIONER,
    "colleague": Role.PRACTITIONER,
    "supervisor": Role.SUPERVISOR,
    "manager": Role.MANAGER,
    "administrator": Role.ADMINISTRATOR,
    "commissioner": Role.COMMISSIONER,
    "referrer": Role.REFERRER,
    # Signed in with a password but no second factor yet.
    "password_only": Role.PRACTITIONER,
}


@pytest.fixture
def world(db: None) -> World:
    team = TeamFactory(name="North team", organisation=OrganisationFactory(name="North trust"))
    other_team = TeamFactory(
        name="South team", organisation=OrganisationFactory(name="South charity")
    )
    users: dict[str, User] = {}
    for persona, role in _ROLES.items():
        users[persona] = UserFactory(username=persona)
        MembershipFactory(user=users[persona], team=team, role=role)
    users["other_practitioner"] = UserFactory(username="other_practitioner")
    MembershipFactory(user=users["other_practitioner"], team=other_team, role=Role.PRACTITIONER)
    users["system_admin"] = UserFactory(username="system_admin", is_staff=True, is_superuser=True)
    return World(team=team, other_team=other_team, users=users)


@pytest.fixture
def client_for(world: World):  # type: ignore[no-untyped-def]
    """A Django test client signed in as the persona (verified MFA unless password_only)."""

    def make(persona: str) -> Client:
        client = Client()
        if persona == "anonymous":
            return client
        user = world.users[persona]
        if persona == "password_only":
            client.force_login(user)
        else:
            sign_in_verified(client, user)
        return client

    return make
