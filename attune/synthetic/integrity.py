"""Referential integrity of a finished dataset, checked with one anti-join per reference.

A national build on PostgreSQL switches off the per-row foreign key triggers while it
loads (generator.skip_reference_checks), so the database has not vouched for those
rows. This checks every foreign key of every model afterwards, on any database: a
row whose reference points at nothing is reported with its table and column.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models


@dataclass(frozen=True)
class Dangling:
    table: str
    column: str
    rows: int

    def __str__(self) -> str:
        return f"{self.table}.{self.column}: {self.rows} rows point at nothing"


def references() -> list[tuple[str, str, str, str]]:
    """(table, column, referenced table, referenced column) for every foreign key."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.ForeignKey):
                continue  # OneToOneField is a ForeignKey too
            target = field.target_field
            found.append(
                (
                    model._meta.db_table,
                    str(field.column),
                    target.model._meta.db_table,
                    str(target.column),
                )
            )
    return sorted(found)


def dangling_references() -> list[Dangling]:
    quote = connection.ops.quote_name
    problems = []
    with connection.cursor() as cursor:
        for table, column, target_table, target_column in references():
            cursor.execute(
                f"SELECT COUNT(*) FROM {quote(table)} AS child "  # noqa: S608 - names from models
                f"WHERE child.{quote(column)} IS NOT NULL AND NOT EXISTS ("
                f"SELECT 1 FROM {quote(target_table)} AS parent "
                f"WHERE parent.{quote(target_column)} = child.{quote(column)})"
            )
            (count,) = cursor.fetchone()
            if count:
                problems.append(Dangling(table, column, count))
    return problems
