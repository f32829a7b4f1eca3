from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from attune.synthetic.generator import SyntheticSize, generate


class Command(BaseCommand):
    help = (
        "Generate synthetic organisations, teams, staff, families and referrals "
        "(deterministic for --seed and --today)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same data")
        parser.add_argument("--organisations", type=int, default=1)
        parser.add_argument("--teams-per-organisation", type=int, default=2)
        parser.add_argument(
            "--staff-scale", type=int, default=1, help="multiplies each team's staff mix"
        )
        parser.add_argument(
            "--families-per-team",
            type=int,
            default=SyntheticSize.families_per_team,
            help="families (each with its referrals) in every team",
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="YYYY-MM-DD to draw dates back from (default: today); fix it for repeatable rows",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        size = SyntheticSize(
            organisations=options["organisations"],
            teams_per_organisation=options["teams_per_organisation"],
            staff_scale=options["staff_scale"],
            families_per_team=options["families_per_team"],
        )
        run = generate(
            seed=options["seed"],
            size=size,
            show_progress=not options["no_progress"],
            today=options["today"],
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {len(run.organisations)} organisations, {len(run.teams)} teams, "
                f"{len(run.users)} staff accounts, {run.counts['families']} families and "
                f"{run.counts['referrals']} referrals (seed {run.seed}, today {run.today})."
            )
        )
