"""Load the directory's seeded entries (attune/catalogue/data/interventions.json), once.

Only entries whose slug is not yet in the database are added: an entry a
system administrator has since edited is never overwritten by a later
release. The first version of each is kept in the history as "shipped".
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "interventions.json"


def load_entries(apps, schema_editor):
    from attune.catalogue import schema  # pure: no models, safe in a migration

    Intervention = apps.get_model("catalogue", "Intervention")
    InterventionVersion = apps.get_model("catalogue", "InterventionVersion")
    for data in json.loads(DATA.read_text(encoding="utf-8")):
        if Intervention.objects.filter(slug=data["slug"]).exists():
            continue
        age = data.get("age") or {}
        entry = Intervention.objects.create(
            slug=data["slug"],
            name=data["name"],
            kind=data["kind"],
            classification=data["classification"],
            antenatal=bool(age.get("antenatal")),
            from_months=age.get("from_months"),
            to_months=age.get("to_months"),
            evidence_rank=schema.evidence_rank(data),
            data=data,
            version=1,
        )
        InterventionVersion.objects.create(
            intervention=entry, version=1, data=data, note="Shipped with Attune"
        )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_interventions_versions_self_assessments_training")]

    operations = [migrations.RunPython(load_entries, migrations.RunPython.noop)]
