"""Writes for reach and equity: a team's local ethnicity baseline and its deprivation table.

Both replace the team's whole table in one transaction, with the audit event in the
same transaction: a file with a bad row saves nothing. The CSV readers live here too,
so the upload page and ``attune import_deprivation`` read files by the same rules.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction

from attune.accounts.models import Team, User
from attune.audit.services import record
from attune.families.codes import EthnicCategory
from attune.families.validators import validate_postcode
from attune.reporting.models import DeprivationDecile, EthnicityBaseline

# How many problems a refusal lists before it only counts the rest.
MAX_PROBLEMS_LISTED = 20
# Rows per INSERT when loading a deprivation table (a national file has millions).
BATCH_SIZE = 5000
MAX_SOURCE_LENGTH = 300


class UploadRefused(Exception):
    """A file or entry that cannot be saved, with one plain message per problem."""

    def __init__(self, problems: Sequence[str], *, more: int = 0) -> None:
        self.problems = list(problems)
        self.more = more
        super().__init__("; ".join(self.problems))

    @property
    def messages(self) -> list[str]:
        if not self.more:
            return self.problems
        extra = f"There {'is' if self.more == 1 else 'are'} {self.more:,} more "
        extra += "problem." if self.more == 1 else "problems."
        return [*self.problems, extra]


class _Problems:
    def __init__(self) -> None:
        self.listed: list[str] = []
        self.more = 0

    def add(self, message: str) -> None:
        if len(self.listed) < MAX_PROBLEMS_LISTED:
            self.listed.append(message)
        else:
            self.more += 1

    def __bool__(self) -> bool:
        return bool(self.listed)

    def refuse(self) -> UploadRefused:
        return UploadRefused(self.listed, more=self.more)


# Reading CSV files -------------------------------------------------------------------------


def _rows(stream: IO[str], wanted: Sequence[str]) -> Iterator[tuple[int, list[str]]]:
    """(row number, the wanted columns) for each non-blank row after the heading row.

    Row 1 is the heading row, as a spreadsheet numbers it. Other columns are ignored,
    so a published file with extra columns can be loaded as it is.
    """
    reader = csv.reader(stream)
    try:
        header = next(reader, None)
    except (csv.Error, UnicodeDecodeError) as error:
        raise _unreadable() from error
    names = [name.strip().lstrip("\ufeff").lower() for name in header or []]
    missing = [name for name in wanted if name not in names]
    if missing:
        columns = " and ".join(f"“{name}”" for name in wanted)
        raise UploadRefused(
            [f"The first row must name the columns {columns}. Check the column headings."]
        )
    positions = [names.index(name) for name in wanted]
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            cells = [row[i].strip() if i < len(row) else "" for i in positions]
            yield reader.line_num, cells
    except (csv.Error, UnicodeDecodeError) as error:
        raise _unreadable(reader.line_num) from error


def _unreadable(row: int | None = None) -> UploadRefused:
    where = f" (near row {row})" if row else ""
    return UploadRefused(
        [f"The file could not be read{where}. Save it as “CSV UTF-8” and upload it again."]
    )


def _category_lookup() -> dict[str, str]:
    lookup = {code.lower(): code for code in EthnicCategory.values}
    lookup.update({str(label).lower(): code for code, label in EthnicCategory.choices})
    lookup.update({"": "", "not stated": ""})
    return lookup


def read_baseline_csv(stream: IO[str]) -> list[tuple[int, str, str]]:
    """(row number, category, count) from a CSV with columns ethnic_category,count."""
    return [(n, cells[0], cells[1]) for n, cells in _rows(stream, ["ethnic_category", "count"])]


def read_deprivation_csv(stream: IO[str]) -> Iterator[tuple[int, str, str]]:
    """(row number, postcode, decile) from a CSV with columns postcode,decile, lazily."""
    for n, cells in _rows(stream, ["postcode", "decile"]):
        yield n, cells[0], cells[1]


def _whole_number(value: str) -> int | None:
    text = value.replace(",", "").strip()
    return int(text) if text.isdigit() else None


# The ethnicity baseline --------------------------------------------------------------------


@dataclass(frozen=True)
class BaselineEntry:
    category: str
    count: int


def check_baseline_rows(rows: Iterable[tuple[int, str, str]]) -> list[BaselineEntry]:
    """Read (row number, category, count) rows; refuse them all if any row is wrong."""
    lookup = _category_lookup()
    problems = _Problems()
    entries: list[BaselineEntry] = []
    first_row: dict[str, int] = {}
    for number, raw_category, raw_count in rows:
        category = lookup.get(raw_category.strip().lower())
        count = _whole_number(raw_count)
        if category is None:
            problems.add(
                f"Row {number}: “{raw_category[:40]}” is not an ethnic category. Use the "
                "NHS code (A to S, Z or 99), or leave it blank for “not stated”."
            )
            continue
        if count is None:
            problems.add(f"Row {number}: the count must be a whole number, 0 or more.")
            continue
        if category in first_row:
            problems.add(
                f"Row {number}: this category is already on row {first_row[category]}. "
                "Give each category once."
            )
            continue
        first_row[category] = number
        entries.append(BaselineEntry(category, count))
    if problems:
        raise problems.refuse()
    if not entries:
        raise UploadRefused(["The file has no rows of figures under the heading row."])
    return entries


def replace_ethnicity_baseline(
    *,
    actor: User | None,
    team: Team,
    entries: Sequence[BaselineEntry],
    source: str,
    year: int | None,
    via: str,
) -> list[EthnicityBaseline]:
    """Replace the team's local ethnicity figures with these (all or nothing)."""
    source = " ".join(source.split())
    if not source:
        raise UploadRefused(["Say where the figures come from, for example “ONS births 2023”."])
    if len(source) > MAX_SOURCE_LENGTH:
        raise UploadRefused([f"Keep the source to {MAX_SOURCE_LENGTH} characters or fewer."])
    categories = [entry.category for entry in entries]
    if len(set(categories)) != len(categories):
        raise UploadRefused(["Give each ethnic category once."])
    unknown = set(categories) - {*EthnicCategory.values, ""}
    if unknown or any(entry.count < 0 for entry in entries):
        raise UploadRefused(["Use the NHS ethnic category codes and counts of 0 or more."])
    with transaction.atomic():
        EthnicityBaseline.objects.filter(team=team).delete()
        saved = EthnicityBaseline.objects.bulk_create(
            EthnicityBaseline(
                team=team,
                ethnic_category=entry.category,
                count=entry.count,
                source=source,
                year=year,
            )
            for entry in entries
        )
        record(
            "ethnicity_baseline.replaced",
            actor=actor,
            object_type="accounts.team",
            object_id=team.pk,
            team_id=team.pk,
            # Counts and the year only: the source is typed text.
            details={
                "rows": len(saved),
                "people": sum(entry.count for entry in entries),
                "year": year,
                "via": via,
            },
        )
        return saved


# The deprivation table ---------------------------------------------------------------------


def replace_deprivation_deciles(
    *, actor: User | None, team: Team, rows: Iterable[tuple[int, str, str]], via: str
) -> int:
    """Replace the team's postcode-to-decile table with these rows (all or nothing)."""
    problems = _Problems()
    saved = 0
    with transaction.atomic():
        DeprivationDecile.objects.filter(team=team).delete()
        batch: dict[str, tuple[int, int]] = {}

        def flush() -> int:
            # Once a problem is found nothing will be kept: only go on checking rows.
            if problems or not batch:
                batch.clear()
                return 0
            already = set(
                DeprivationDecile.objects.filter(team=team, postcode__in=list(batch)).values_list(
                    "postcode", flat=True
                )
            )
            for postcode in sorted(already, key=lambda p: batch[p][0]):
                problems.add(f"Row {batch[postcode][0]}: {postcode} is already in the file.")
            if problems:
                batch.clear()
                return 0
            DeprivationDecile.objects.bulk_create(
                DeprivationDecile(team=team, postcode=postcode, decile=decile)
                for postcode, (_, decile) in batch.items()
            )
            count = len(batch)
            batch.clear()
            return count

        for number, raw_postcode, raw_decile in rows:
            try:
                postcode = validate_postcode(raw_postcode)
            except ValidationError:
                problems.add(f"Row {number}: “{raw_postcode[:12]}” is not a UK postcode.")
                continue
            decile = _whole_number(raw_decile)
            if decile is None or not 1 <= decile <= 10:
                problems.add(f"Row {number}: the decile must be a whole number from 1 to 10.")
                continue
            if postcode in batch:
                problems.add(
                    f"Row {number}: {postcode} is already in the file, on row {batch[postcode][0]}."
                )
                continue
            batch[postcode] = (number, decile)
            if len(batch) >= BATCH_SIZE:
                saved += flush()
        saved += flush()
        if problems:
            # Leaving the block with the exception rolls back the delete and every insert.
            raise problems.refuse()
        if not saved:
            raise UploadRefused(["The file has no postcodes under the heading row."])
        record(
            "deprivation_table.replaced",
            actor=actor,
            object_type="accounts.team",
            object_id=team.pk,
            team_id=team.pk,
            details={"postcodes": saved, "via": via},
        )
    return saved
