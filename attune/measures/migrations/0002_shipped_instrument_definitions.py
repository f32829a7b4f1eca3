"""Load the instrument definitions shipped in attune/measures/definitions/ (version 1 of each).

A later release that ships a new version adds a migration calling the same
loader: it only adds (code, version) pairs that are missing and never changes
a definition already in the database, because stored scores name the version
they were scored with.
"""

import json
from pathlib import Path

from django.db import migrations

DEFINITIONS = Path(__file__).resolve().parent.parent / "definitions"


def load_shipped(apps, schema_editor):
    Instrument = apps.get_model("measures", "Instrument")
    for path in sorted(DEFINITIONS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        Instrument.objects.get_or_create(
            team=None,
            code=data["code"],
            version=str(data["version"]),
            defaults={"definition": data, "is_active": True},
        )


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_instruments_administrations_links_schedules_feedback")]

    operations = [migrations.RunPython(load_shipped, migrations.RunPython.noop)]
