"""`attune measures list|score|change`: score spreadsheets of outcome measures offline."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.measures import bulk


class Command(BaseCommand):
    help = (
        "Outcome measures on the command line: list the definitions, score a CSV/XLSX of "
        "item answers, or classify the change between baseline and end scores."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="list|score|change")
        actions.add_parser("list", help="one line per definition")

        scorer = actions.add_parser("score", help="score one row per administration")
        scorer.add_argument("code", help="measure code, e.g. phq9 (see 'attune measures list')")
        scorer.add_argument("file", type=Path, help=".csv or .xlsx with item1..itemN columns")
        scorer.add_argument("-o", "--output", type=Path, help="write CSV here (default: stdout)")
        scorer.add_argument("--version", dest="definition_version", help="definition version")
        scorer.add_argument(
            "--item-scores",
            action="store_true",
            help="values are item scores with reverse items already reversed, not the "
            "responses as marked on the form",
        )

        changer = actions.add_parser("change", help="classify baseline -> end change")
        changer.add_argument("code", help="measure code, e.g. phq9")
        changer.add_argument("file", type=Path, help=".csv or .xlsx with baseline and end")
        changer.add_argument("-o", "--output", type=Path, help="write CSV here (default: stdout)")
        changer.add_argument("--version", dest="definition_version", help="definition version")
        changer.add_argument(
            "--confidence",
            type=int,
            choices=(95, 90),
            default=None,
            help=(
                "default: each measure's published threshold (Jacobson-Truax at 95%% where none "
                "is published); with this, Jacobson-Truax at this confidence where SD and "
                "reliability are configured"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            for line in bulk.list_lines():
                self.stdout.write(line)
            return
        try:
            definition = bulk.find_definition(options["code"], options["definition_version"])
            header, rows = bulk.read_table(options["file"])
            with ExitStack() as stack:
                out = self._output(stack, options["output"])
                # tqdm rewrites one line in place, so it writes to the terminal directly.
                progress = sys.stderr.isatty()
                if action == "score":
                    summary = bulk.score_table(
                        definition,
                        header,
                        rows,
                        out,
                        self.stderr.write,
                        item_scores=options["item_scores"],
                        progress=progress,
                    )
                else:
                    summary = bulk.change_table(
                        definition,
                        header,
                        rows,
                        out,
                        self.stderr.write,
                        confidence=options["confidence"],
                        progress=progress,
                    )
        except bulk.BulkError as error:
            raise CommandError(str(error)) from error
        if summary.bad:
            raise CommandError(
                f"{summary.bad} of {summary.rows} rows had problems (listed above); "
                "the other rows were written.",
                returncode=1,
            )

    def _output(self, stack: ExitStack, path: Path | None) -> IO[str]:
        if path is None:
            return self.stdout  # type: ignore[return-value]
        return stack.enter_context(path.open("w", newline="", encoding="utf-8"))
