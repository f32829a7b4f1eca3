"""Directory entries for tests: the seeded ones, made again if a transactional test flushed them."""

from __future__ import annotations

from attune.catalogue import schema, services
from attune.catalogue.models import Intervention


def ensure_seeded_entries() -> None:
    for data in schema.load_entries():
        if not Intervention.objects.filter(slug=data["slug"]).exists():
            services.save_entry(actor=None, data=data, note="Shipped with Attune")


def entry(slug: str) -> Intervention:
    found = Intervention.objects.filter(slug=slug).first()
    if found is None:
        ensure_seeded_entries()
        found = Intervention.objects.get(slug=slug)
    return found
