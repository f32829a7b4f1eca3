from datetime import date

import pytest
from django.db.models import Count

from attune.care.codes import STAGE_ORDER, Stage
from attune.care.models import Contact, Episode, Note
from attune.referrals.codes import Status
from attune.referrals.models import Referral
from attune.synthetic.generator import SyntheticSize, generate

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 22)


@pytest.fixture
def run():  # type: ignore[no-untyped-def]
    return generate(
        seed=3,
        size=SyntheticSize(teams_per_organisation=1, families_per_team=60),
        show_progress=False,
        today=DAY,
    )


def test_every_allocated_referral_has_one_episode(run) -> None:
    allocated = Referral.objects.filter(status=Status.ALLOCATED)
    assert allocated.count() > 0
    assert Episode.objects.count() == allocated.count()
    assert set(Episode.objects.values_list("lead_practitioner_id", flat=True)) <= set(
        allocated.values_list("allocated_to_id", flat=True)
    )


def test_stages_follow_the_path_in_date_order(run) -> None:
    for episode in Episode.objects.prefetch_related("stage_changes"):
        changes = list(episode.stage_changes.order_by("changed_on", "id"))
        stages = [c.stage for c in changes]
        assert stages == STAGE_ORDER[: len(stages)]
        assert stages[-1] == episode.stage
        assert [c.changed_on for c in changes] == sorted(c.changed_on for c in changes)
        assert all(c.changed_on <= DAY for c in changes)
        if episode.stage == Stage.CLOSED:
            assert episode.closed_on and episode.ending_kind and episode.ending_reason


def test_contacts_are_weekly_with_realistic_attendance(run) -> None:
    in_therapy = Episode.objects.exclude(stage=Stage.ENGAGEMENT).annotate(n=Count("contacts"))
    assert in_therapy.exists()
    assert all(e.n >= 1 for e in in_therapy)
    attended = (
        Contact.objects.filter(attendance="attended").count()
        / Contact.objects.exclude(attendance="planned").count()
    )
    assert 0.65 <= attended <= 0.95
    assert not Contact.objects.filter(attendance="attended", starts_at__date__gt=DAY).exists()


def test_notes_are_stored_encrypted(run) -> None:
    from django.db import connection

    note = Note.objects.first()
    assert note is not None and "shared attention" in note.body
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM care_note WHERE id = %s", [note.pk])
        assert "shared attention" not in cursor.fetchone()[0]


class _Rollback(Exception):
    pass


def _episode_snapshot() -> list[tuple[object, ...]]:
    return list(
        Episode.objects.order_by("referral__submission_key").values_list(
            "referral__submission_key", "stage", "opened_on", "closed_on", "ending_kind"
        )
    ) + list(
        Contact.objects.order_by("starts_at", "episode__referral__submission_key").values_list(
            "starts_at", "attendance", "stage"
        )
    )


def test_episodes_are_deterministic_for_a_seed() -> None:
    from django.db import transaction

    snapshots = []
    for _ in range(2):
        try:
            with transaction.atomic():
                generate(
                    seed=8,
                    size=SyntheticSize(teams_per_organisation=1, families_per_team=30),
                    show_progress=False,
                    today=DAY,
                )
                snapshots.append(_episode_snapshot())
                raise _Rollback
        except _Rollback:
            pass
    assert snapshots[0] and snapshots[0] == snapshots[1]
