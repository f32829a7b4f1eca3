from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.accounts.tests.factories import sign_in_verified
from attune.audit.models import AuditEvent
from attune.care import services
from attune.care.codes import Stage
from attune.care.tests.factories import make_episode, world_episode
from attune.core import crypto
from attune.core.fields import EncryptedTextField

pytestmark = pytest.mark.django_db


def test_allocation_opens_an_episode_in_engagement(world) -> None:
    episode = world_episode(world)
    assert episode.stage == Stage.ENGAGEMENT
    assert episode.referral.status == "allocated"
    assert list(episode.practitioners.all()) == [world.users["practitioner"]]
    assert (
        AuditEvent.objects.filter(action="episode.opened", object_id=str(episode.pk)).count() == 1
    )


def test_stages_move_forward_only_and_are_recorded(world) -> None:
    episode = world_episode(world)
    manager = world.users["manager"]
    today = timezone.localdate()
    episode = services.move_to_stage(
        actor=manager, episode=episode, stage=Stage.ASSESSMENT, on=today
    )
    episode = services.move_to_stage(actor=manager, episode=episode, stage=Stage.EARLY, on=today)
    with pytest.raises(services.StageNotAllowed):
        services.move_to_stage(actor=manager, episode=episode, stage=Stage.ASSESSMENT)
    with pytest.raises(services.StageNotAllowed):
        services.move_to_stage(
            actor=manager, episode=episode, stage=Stage.MIDDLE, on=today - timedelta(days=3)
        )
    assert [c.stage for c in episode.stage_changes.all()] == ["engagement", "assessment", "early"]


def test_episode_page_shows_the_path(world, client_for) -> None:
    episode = world_episode(world)
    html = (
        client_for("practitioner").get(reverse("care:episode", args=[episode.pk])).content.decode()
    )
    assert 'aria-current="step"' in html
    assert "Engagement" in html and "Intervention – middle phase" in html


def test_caseload_lists_own_families_and_manager_sees_the_team(world, client_for) -> None:
    mine = world_episode(world)
    colleagues = make_episode(
        team=world.team, manager=world.users["manager"], practitioner=world.users["colleague"]
    )
    own = client_for("practitioner").get(reverse("care:caseload")).content.decode()
    assert reverse("care:episode", args=[mine.pk]) in own
    assert reverse("care:episode", args=[colleagues.pk]) not in own
    team = client_for("manager").get(reverse("care:caseload") + "?scope=team").content.decode()
    assert reverse("care:episode", args=[colleagues.pk]) in team
    # A practitioner asking for the team view still sees only their own.
    sneaky = (
        client_for("practitioner").get(reverse("care:caseload") + "?scope=team").content.decode()
    )
    assert reverse("care:episode", args=[colleagues.pk]) not in sneaky


@pytest.mark.parametrize("episodes", [1, 6])
def test_caseload_query_count_does_not_grow(world, django_assert_num_queries, episodes) -> None:
    for _ in range(episodes):
        world_episode(world)
    client = Client()
    sign_in_verified(client, world.users["practitioner"])
    client.get(reverse("home"))
    # 9 for care's own columns, 2 for what the measures app adds (its schedule, risk answers).
    with django_assert_num_queries(11):
        assert client.get(reverse("care:caseload")).status_code == 200


def test_encrypted_text_is_not_stored_in_plain_text(world) -> None:
    from django.db import connection

    from attune.care.models import SafeguardingConcern

    episode = world_episode(world)
    concern = SafeguardingConcern.objects.create(
        episode=episode,
        category="neglect",
        raised_on=timezone.localdate(),
        raised_by=world.users["practitioner"],
        what_happened="Canary-Plaintext-5521 seen at the home visit",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT what_happened FROM care_safeguardingconcern WHERE id = %s", [concern.pk]
        )
        stored = cursor.fetchone()[0]
    assert "Canary-Plaintext-5521" not in stored
    assert SafeguardingConcern.objects.get(pk=concern.pk).what_happened.startswith(
        "Canary-Plaintext-5521"
    )


def test_tampered_ciphertext_is_refused() -> None:
    blob = bytearray(crypto.encrypt_bytes(b"a note"))
    blob[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(bytes(blob))


def test_keys_rotate_old_ciphertext_still_opens(settings) -> None:
    old_spec = crypto.new_key_spec("old1")
    settings.ATTUNE_ENCRYPTION_KEYS = old_spec
    sealed = crypto.encrypt_text("written under the old key")
    settings.ATTUNE_ENCRYPTION_KEYS = f"{crypto.new_key_spec('new2')},{old_spec}"
    assert crypto.decrypt_text(sealed) == "written under the old key"
    assert base_key_id(crypto.encrypt_text("new")) == "new2"


def base_key_id(stored: str) -> str:
    import base64

    return base64.b64decode(stored).split(b":", 2)[1].decode()


def test_field_leaves_empty_values_alone() -> None:
    field = EncryptedTextField()
    assert field.get_prep_value("") == ""
    assert field.get_prep_value(None) is None
