"""The retention job: run daily (cron or a systemd timer) to delete expired recordings."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from attune.care.video import purge_expired_videos
from attune.core.request_context import acting_as


class Command(BaseCommand):
    help = (
        "Delete the stored files of videos past their keep-until date, keeping each "
        "video's record (and an audit event) as proof that it existed. Safe to rerun."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Always today's date: no option to bring deletion forward by accident.
        with acting_as(role="system"):
            purged = purge_expired_videos(progress=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Retention job finished: {purged} deleted."))
