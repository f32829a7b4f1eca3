"""List pages whose query count must not grow with the data (pinned per page)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attune.accounts.tests.factories import sign_in_verified
from attune.referrals.tests.factories import make_referral

pytestmark = pytest.mark.django_db

PAGES = [
    ("families:list", "practitioner"),
    ("referrals:list", "manager"),
    ("referrals:mine", "referrer"),
    ("accounts:team_members", "manager"),
]


def queries_for(world, url_name: str, persona: str, referrals: int) -> int:  # type: ignore[no-untyped-def]
    for _ in range(referrals):
        make_referral(team=world.team, submitted_by=world.users["referrer"])
    client = Client()
    sign_in_verified(client, world.users[persona])
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(url_name)).status_code == 200
    return len(captured)


@pytest.mark.parametrize(("url_name", "persona"), PAGES)
def test_list_page_query_count_does_not_grow(world, url_name: str, persona: str) -> None:
    few = queries_for(world, url_name, persona, 1)
    many = queries_for(world, url_name, persona, 7)  # 8 referrals in all
    assert few == many, f"{url_name}: {few} queries with 1 referral, {many} with 8"
    assert few <= 15
