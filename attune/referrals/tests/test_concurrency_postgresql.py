"""Two people at once, on PostgreSQL (real row locks): nobody's work is silently lost."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from attune.accounts.tests.factories import MembershipFactory, TeamFactory, UserFactory
from attune.audit.models import AuditEvent
from attune.core.locking import StaleEdit
from attune.families import services as family_services
from attune.families.models import Person
from attune.referrals.models import Referral
from attune.referrals.services import submit_referral
from attune.referrals.tests.factories import draft_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking"),
]


def run_together(workers: list[Callable[[], object]]) -> list[object]:
    barrier = threading.Barrier(len(workers))
    results: list[object] = [None] * len(workers)

    def run(index: int, work: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[index] = work()
        except Exception as error:  # the outcome is what the test asserts on
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_editors_one_save_one_conflict_over_many_trials() -> None:
    team = TeamFactory()
    user = UserFactory()
    MembershipFactory(user=user, team=team)
    referral, _ = submit_referral(actor=user, draft=draft_for(team))
    person_id = referral.people_in_scope.first().pk
    for trial in range(25):
        person = Person.objects.get(pk=person_id)
        version = person.version

        def edit(phone: str, version: int = version) -> object:
            fresh = Person.objects.get(pk=person_id)
            return family_services.update_person(
                actor=user, person=fresh, expected_version=version, phone=phone
            )

        phones = [f"0770090{trial:04d}", f"0770091{trial:04d}"]
        results = run_together([lambda phone=phone: edit(phone) for phone in phones])
        conflicts = [r for r in results if isinstance(r, StaleEdit)]
        saved = [r for r in results if isinstance(r, Person)]
        assert (len(saved), len(conflicts)) == (1, 1), results
        assert Person.objects.get(pk=person_id).version == version + 1


def test_the_same_referral_posted_concurrently_is_created_once() -> None:
    team = TeamFactory()
    user = UserFactory()
    MembershipFactory(user=user, team=team)
    draft = draft_for(team)
    results = run_together(
        [
            lambda: submit_referral(
                actor=user, draft=draft_for(team, submission_key=draft.submission_key)
            )
            for _ in range(6)
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Referral.objects.count() == 1
    assert AuditEvent.objects.filter(action="referral.received").count() == 1
