"""On PostgreSQL, refuse UPDATE and DELETE of audit rows in the database itself.

The ORM already refuses (AuditEventQuerySet); this trigger also stops raw SQL
from the application's own database role. SQLite relies on the ORM guard only:
Django's test flush deletes rows there, and SQLite is for demos and quick tests.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION attune_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION attune_audit_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS attune_audit_refuse_change();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_event")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
