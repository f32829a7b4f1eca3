import pytest
from django.db import DatabaseError, connection, transaction

from attune.audit.models import AppendOnlyError, AuditEvent
from attune.audit.services import record
from attune.core import request_context

pytestmark = pytest.mark.django_db


def test_record_captures_actor_and_request_context(world) -> None:
    actor = world.users["manager"]
    with request_context.acting_as(role="manager", team_id=world.team.pk) as context:
        event = record("team.viewed", actor=actor, obj=world.team, details={"tab": "summary"})
    event.refresh_from_db()
    assert event.actor == actor
    assert event.actor_label == "manager"
    assert event.role == "manager"
    assert event.team_id == world.team.pk
    assert event.request_id == context.request_id
    assert (event.object_type, event.object_id) == ("accounts.team", str(world.team.pk))
    assert event.details == {"tab": "summary"}
    assert event.occurred_at.tzinfo is not None


def test_record_joins_the_callers_transaction(world) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        record("something.done", actor=world.users["practitioner"])
        raise RuntimeError("the write failed")
    assert not AuditEvent.objects.filter(action="something.done").exists()


def test_secrets_never_reach_the_trail(world) -> None:
    with pytest.raises(ValueError, match="secrets"):
        record("login.failed", actor=None, details={"password": "hunter2"})


def test_orm_refuses_changes_and_deletions(world) -> None:
    event = record("thing.happened", actor=None)
    event.action = "thing.rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "thing.happened"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'rewritten' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_postgresql_trigger_refuses_raw_update_and_delete(world, statement: str) -> None:
    event = record("thing.happened", actor=None)
    with (
        pytest.raises(DatabaseError) as caught,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [event.pk])
    assert "append-only" in str(caught.value)
    assert AuditEvent.objects.get(pk=event.pk).action == "thing.happened"
