import json
from dataclasses import replace
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.audit.models import AuditEvent
from attune.synthetic.generator import PRESETS, SyntheticSize, generate
from attune.synthetic.integrity import dangling_references
from attune.synthetic.volumes import BY_NAME


class Command(BaseCommand):
    help = (
        "Generate synthetic organisations, teams, staff, families, referrals, episodes, "
        "measures, groups and outreach (deterministic for --seed and --today). "
        "--preset small|national gives the benchmark datasets (docs/performance.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same data")
        parser.add_argument(
            "--preset",
            choices=sorted(PRESETS),
            help="a named size; the options below change it (e.g. --families-per-team)",
        )
        parser.add_argument("--organisations", type=int)
        parser.add_argument("--teams-per-organisation", type=int)
        parser.add_argument("--staff-scale", type=int, help="multiplies each team's staff mix")
        parser.add_argument(
            "--families-per-team", type=int, help="families (with their referrals) in every team"
        )
        parser.add_argument(
            "--volumes",
            choices=sorted(BY_NAME),
            help="how much happens to each family (default: today, or the preset's)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="build teams side by side in this many processes (PostgreSQL only)",
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="YYYY-MM-DD to draw dates back from (default: today); fix it for repeatable rows",
        )
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--check",
            action="store_true",
            help="check every reference in this database points at a row, and stop",
        )
        parser.add_argument(
            "--describe",
            action="store_true",
            help="print the last finished synthetic run in this database as JSON, and stop",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["describe"]:
            self._describe()
            return
        if options["check"]:
            self._check()
            return
        size = self._size(options)
        if options["workers"] < 1:
            raise CommandError("--workers must be 1 or more")
        run = generate(
            seed=options["seed"],
            size=size,
            show_progress=not options["no_progress"],
            today=options["today"],
            workers=options["workers"],
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {len(run.organisations)} organisations, {len(run.teams)} teams, "
                f"{len(run.users)} staff accounts, {run.counts['families']} families, "
                f"{run.counts['referrals']} referrals, {run.counts['contacts']} contacts and "
                f"{run.counts['administrations']} questionnaires "
                f"(seed {run.seed}, today {run.today})."
            )
        )

    def _size(self, options: dict[str, Any]) -> SyntheticSize:
        size = PRESETS[options["preset"]] if options["preset"] else SyntheticSize()
        changes = {
            name: options[name]
            for name in (
                "organisations",
                "teams_per_organisation",
                "staff_scale",
                "families_per_team",
            )
            if options[name] is not None
        }
        for name, value in changes.items():
            if value < (0 if name == "families_per_team" else 1):
                raise CommandError(f"--{name.replace('_', '-')} is too small: {value}")
        if options["volumes"]:
            changes["volumes"] = BY_NAME[options["volumes"]]
        return replace(size, **changes)

    def _check(self) -> None:
        problems = dangling_references()
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"{len(problems)} references point at missing rows.")
        self.stdout.write(self.style.SUCCESS("Every reference points at a row."))

    def _describe(self) -> None:
        event = AuditEvent.objects.filter(action="synthetic.generated").order_by("-id").first()
        if event is None:
            raise CommandError("No finished synthetic run in this database.")
        self.stdout.write(json.dumps(event.details, sort_keys=True))
