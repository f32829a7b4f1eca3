"""Every change to accounts, teams, memberships and MFA devices, audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from attune.accounts.models import Membership, Organisation, Team, User
from attune.audit.services import record


def create_organisation(
    *, actor: User | None, name: str, kind: str, ods_code: str = ""
) -> Organisation:
    """Create an organisation that owns teams."""
    with transaction.atomic():
        organisation = Organisation.objects.create(name=name, kind=kind, ods_code=ods_code)
        record("organisation.created", actor=actor, obj=organisation)
        return organisation


def create_team(*, actor: User | None, organisation: Organisation, name: str) -> Team:
    """Create a team within an organisation."""
    with transaction.atomic():
        team = Team.objects.create(organisation=organisation, name=name)
        record("team.created", actor=actor, obj=team, team_id=team.pk)
        return team


def create_user(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_demo: bool = False,
    is_system_admin: bool = False,
) -> User:
    """Create a sign-in account (a system administrator also gets the admin site)."""
    with transaction.atomic():
        user = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email,
            is_demo=is_demo,
            is_staff=is_system_admin,
            is_superuser=is_system_admin,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        record("user.created", actor=actor, obj=user, details={"system_admin": is_system_admin})
        return user


def set_membership(*, actor: User | None, user: User, team: Team, role: str) -> Membership:
    """Give a user a role in a team (replacing any earlier role there)."""
    with transaction.atomic():
        membership, created = Membership.objects.update_or_create(
            user=user, team=team, defaults={"role": role, "is_active": True}
        )
        record(
            "membership.created" if created else "membership.changed",
            actor=actor,
            obj=membership,
            team_id=team.pk,
            details={"user_id": user.pk, "role": role},
        )
        return membership


def set_triage_delegation(*, actor: User, membership: Membership, allowed: bool) -> Membership:
    """A team manager lets a practitioner or supervisor triage and allocate (or stops it)."""
    with transaction.atomic():
        membership.can_triage = allowed
        membership.save(update_fields=["can_triage", "updated_at"])
        record(
            "membership.triage_delegated" if allowed else "membership.triage_withdrawn",
            actor=actor,
            obj=membership,
            team_id=membership.team_id,
            details={"user_id": membership.user_id},
        )
        return membership


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


def _new_recovery_codes() -> list[str]:
    # 10 random base-32 characters (50 bits) each, grouped for reading aloud.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    codes = []
    for _ in range(settings.ATTUNE_RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = _new_recovery_codes()
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=code.replace("-", "")) for code in codes]
    )
    return codes


def enrol_authenticator(*, actor: User, key: str, last_t: int) -> Enrolment:
    """Save the authenticator whose code the user just typed, replacing any earlier one,
    and issue fresh recovery codes. ``last_t`` stops that same code being used again."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).delete()
        device = TOTPDevice.objects.create(
            user=actor,
            name="Authenticator app",
            key=key,
            confirmed=True,
            tolerance=settings.ATTUNE_TOTP_TOLERANCE,
            last_t=last_t,
        )
        codes = _replace_recovery_codes(actor)
        record("mfa.enrolled", actor=actor, obj=device)
        return Enrolment(device=device, recovery_codes=codes)


def regenerate_recovery_codes(*, actor: User) -> list[str]:
    """Replace all the user's recovery codes; the old ones stop working at once."""
    with transaction.atomic():
        codes = _replace_recovery_codes(actor)
        record("mfa.recovery_codes_regenerated", actor=actor, obj=actor)
        return codes


def reset_mfa(*, actor: User, user: User) -> None:
    """Remove a user's authenticator and recovery codes so they enrol again at next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record("mfa.reset", actor=actor, obj=user)
