"""Email team members whose training expires soon (a daily scheduled job, safe to rerun)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from attune.catalogue.services import send_expiry_reminders


class Command(BaseCommand):
    help = "Remind members by email before their recorded training expires (once per record)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=60, help="how long before expiry (default 60)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_expiry_reminders(today=timezone.localdate(), within_days=options["days"])
        self.stdout.write(f"{sent} reminder{'' if sent == 1 else 's'} sent")
