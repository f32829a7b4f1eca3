"""Load a team's postcode-to-deprivation table from a CSV file (postcode,decile), however large."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.accounts.models import Team
from attune.reporting.reach_services import (
    UploadRefused,
    read_deprivation_csv,
    replace_deprivation_deciles,
)


class Command(BaseCommand):
    help = (
        "Replace a team's postcode deprivation table with a CSV file whose columns include "
        "postcode and decile (1 most deprived to 10 least). All or nothing: a bad row saves "
        "nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("team_id", type=int, help="the team's id (see the admin)")
        parser.add_argument("file", type=Path, help="the CSV file")

    def handle(self, *args: Any, **options: Any) -> None:
        team = Team.objects.filter(pk=options["team_id"]).first()
        if team is None:
            raise CommandError(f"There is no team with id {options['team_id']}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        with path.open(encoding="utf-8-sig", newline="") as stream:
            rows: Any = read_deprivation_csv(stream)
            if sys.stderr.isatty():
                # tqdm rewrites one line in place, so it writes to the terminal directly.
                from tqdm import tqdm

                rows = tqdm(rows, file=sys.stderr, unit=" rows", mininterval=0.5)
            try:
                saved = replace_deprivation_deciles(actor=None, team=team, rows=rows, via="command")
            except UploadRefused as refused:
                for message in refused.messages:
                    self.stderr.write(message)
                raise CommandError(
                    "Nothing was saved: correct the rows above and run it again."
                ) from refused
        self.stdout.write(f"{saved:,} postcodes loaded for {team.name}.")
