"""attune bench_accounts: sign-ins for the benchmark's load, on synthetic data only."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from attune.accounts.models import Membership, User
from attune.accounts.otp import verify_second_factor
from attune.accounts.roles import Role
from attune.care.models import Episode
from attune.families.models import Family
from attune.synthetic.generator import SyntheticSize, generate
from bench.totp import totp

pytestmark = pytest.mark.django_db


def build(seed: int, families: int, teams: int = 1) -> None:
    size = SyntheticSize(organisations=1, teams_per_organisation=teams, families_per_team=families)
    generate(seed=seed, size=size, show_progress=False)


def prepare(seed: int, output: Path, **options: int) -> list[dict]:
    call_command("bench_accounts", seed=seed, output=output, **options)
    return json.loads(output.read_text())


def test_each_account_gets_a_working_authenticator_and_records_in_its_scope(tmp_path) -> None:
    build(seed=41, families=60, teams=2)
    accounts = prepare(
        41, tmp_path / "a.json", teams=2, practitioners_per_team=2, managers_per_team=1
    )
    roles = [a["role"] for a in accounts]
    assert roles == [Role.PRACTITIONER] * 4 + [Role.MANAGER] * 2 + [Role.COMMISSIONER]
    # Practitioners alternate between the teams, so a few users already span both.
    assert accounts[0]["team_id"] != accounts[1]["team_id"]
    for account in accounts:
        user = User.objects.get(username=account["username"])
        assert user.check_password(account["password"])
        device = TOTPDevice.objects.get(user=user)
        assert device.confirmed and device.tolerance == 0
        code = totp(account["totp_key_hex"], time.time())
        assert verify_second_factor(user, code).device == device
        if account["role"] == Role.PRACTITIONER:
            episodes = Episode.objects.filter(pk__in=account["episode_ids"])
            assert episodes.count() == len(account["episode_ids"]) > 0
            assert all(
                e.lead_practitioner_id == user.pk or user in e.practitioners.all() for e in episodes
            )
            assert set(episodes.values_list("family_id", flat=True)) == set(account["family_ids"])
        if account["role"] == Role.MANAGER:
            families = Family.objects.filter(pk__in=account["family_ids"])
            assert set(families.values_list("team_id", flat=True)) == {account["team_id"]}
    commissioner = User.objects.get(username=accounts[-1]["username"])
    assert Membership.objects.filter(user=commissioner, role=Role.COMMISSIONER).count() == 2


def test_running_again_updates_the_same_accounts_with_new_keys(tmp_path) -> None:
    build(seed=42, families=30)
    first = prepare(42, tmp_path / "a.json", practitioners_per_team=2)
    again = prepare(42, tmp_path / "a.json", practitioners_per_team=2)
    assert [a["username"] for a in again] == [a["username"] for a in first]
    assert all(a["totp_key_hex"] != b["totp_key_hex"] for a, b in zip(first, again, strict=True))
    users = User.objects.filter(username__in=[a["username"] for a in again])
    assert TOTPDevice.objects.filter(user__in=users).count() == len(again)
    assert User.objects.filter(username__endswith="bench.commissioner").count() == 1


def test_it_refuses_a_database_without_that_synthetic_run(tmp_path) -> None:
    build(seed=43, families=5)
    with pytest.raises(CommandError, match="No synthetic run with seed 44"):
        call_command("bench_accounts", seed=44, output=tmp_path / "a.json")


def test_the_number_of_queries_does_not_grow_with_the_families(tmp_path) -> None:
    counts = []
    for seed, families in ((45, 20), (46, 80)):
        build(seed=seed, families=families)
        with CaptureQueriesContext(connection) as queries:
            prepare(seed, tmp_path / f"{seed}.json", practitioners_per_team=3)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_the_load_makes_the_same_codes_as_django_otp() -> None:
    key = "3132333435363738393031323334353637383930"  # RFC 6238's SHA-1 test key
    # RFC 6238's test vectors, to six digits.
    for at, code in ((59, "287082"), (1_111_111_109, "081804"), (2_000_000_000, "279037")):
        checker = TOTP(bytes.fromhex(key), step=30, t0=0, digits=6)
        checker.time = at
        assert totp(key, at) == f"{checker.token():06d}" == code
