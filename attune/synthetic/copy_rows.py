"""Write model instances with PostgreSQL's COPY: the fast path for national-size data.

``bulk_create`` builds one large INSERT per batch, and on PostgreSQL most of a
national run's time went into composing those statements (profiled: over half
of the generator's wall time). COPY streams the rows instead. Keys are reserved
from the table's own sequence first, so every instance has its primary key
before it is written, exactly as ``bulk_create`` would leave it, and rows built
later can point at it.

Only for synthetic data: nothing here runs model ``save()`` or signals, which is
also true of ``bulk_create``.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.base import ModelState
from django.utils import timezone


def can_copy() -> bool:
    return connection.vendor == "postgresql"


def reserve_keys(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys from the table's sequence (safe beside other writers)."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


# Fields whose Python value psycopg can write as it is (no encryption, JSON or defaults).
_PLAIN_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.CharField,
    models.TextField,
    models.DateField,  # DateTimeField too (a subclass)
    models.IntegerField,
    models.ForeignKey,
    models.UUIDField,
    models.DecimalField,
    models.FloatField,
)
type Writer = Callable[[models.Model], object]


def _is_plain(field: models.Field) -> bool:
    if type(field).__module__.startswith("attune."):  # encrypted and other custom fields
        return False
    return isinstance(field, _PLAIN_FIELDS)


def _writer(field: models.Field, database: BaseDatabaseWrapper, now: datetime) -> Writer:
    """How to turn one field of an instance into a value for COPY."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        # One timestamp for the whole copy, as if the rows were saved together.
        return lambda instance: now
    if _is_plain(field):
        return operator.attrgetter(field.attname)

    def prepared(instance: models.Model) -> object:
        # get_db_prep_save encrypts clinical text and adapts JSON.
        return field.get_db_prep_save(getattr(instance, field.attname), database)

    return prepared


def give_keys(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """Reserve a primary key for every row that has none, so later rows can point at it."""
    keyless = [row for row in rows if row.pk is None]
    if keyless:
        for row, key in zip(keyless, reserve_keys(model, len(keyless)), strict=True):
            row.pk = key


def link_related_keys(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """Copy each related instance's key into the row's "<name>_id", as bulk_create does.

    Django's own ``_prepare_related_fields_for_save`` does the same with more checks and
    cost a tenth of a national run; an unsaved related row is still refused here.
    """
    links = [
        (field.name, field.attname)
        for field in model._meta.concrete_fields
        if field.is_relation  # forward foreign keys and one-to-one keys
    ]
    for row in rows:
        cache = row._state.fields_cache
        for name, attname in links:
            related = cache.get(name)
            if related is None:
                continue
            if related.pk is None:
                raise ValueError(f"{model.__name__}.{name} points at a row not yet written")
            if getattr(row, attname) != related.pk:
                setattr(row, attname, related.pk)


def copy_rows[ModelT: models.Model](model: type[ModelT], rows: Sequence[ModelT]) -> None:
    """Give each row a key (unless it has one) and stream them all into the table."""
    if not rows:
        return
    give_keys(model, rows)
    link_related_keys(model, rows)
    database = connections[DEFAULT_DB_ALIAS]
    fields = list(model._meta.concrete_fields)
    writers = [_writer(field, database, timezone.now()) for field in fields]
    quote = database.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with database.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([write(row) for write in writers])
    for row in rows:
        row._state.adding = False
        row._state.db = database.alias


@dataclass(frozen=True)
class _Blueprint:
    """What ``new_row`` needs to know about a model, worked out once."""

    fixed_defaults: dict[str, object]
    default_makers: tuple[tuple[str, Callable[[], object]], ...]
    # Relation name -> the attribute that holds its key ("episode" -> "episode_id").
    relations: dict[str, str]


@functools.cache
def _blueprint(model: type[models.Model]) -> _Blueprint:
    fixed: dict[str, object] = {}
    makers: list[tuple[str, Callable[[], object]]] = []
    for field in model._meta.concrete_fields:
        if field.has_default() and callable(field.default):
            makers.append((field.attname, field.default))
        else:
            fixed[field.attname] = field.get_default()
    relations = {f.name: f.attname for f in model._meta.concrete_fields if f.is_relation}
    return _Blueprint(fixed, tuple(makers), relations)


def new_row[ModelT: models.Model](model: type[ModelT], **values: object) -> ModelT:
    """``model(**values)`` for the generator's busiest tables, at a fraction of the cost.

    Django's constructor does per-field work (descriptors, signals) that cost a third
    of a national run; synthetic rows only need their attributes and state. Values are
    field names or attribute names, as for the constructor; related rows are linked
    the same way (their key is read when the row is written). Only for models with no
    ``pre_init``/``post_init`` receivers (none of the generator's tables has one).
    """
    blueprint = _blueprint(model)
    row = model.__new__(model)
    row._state = ModelState()
    attributes = row.__dict__
    attributes.update(blueprint.fixed_defaults)
    for attname, make in blueprint.default_makers:
        attributes[attname] = make()
    for name, value in values.items():
        key_name = blueprint.relations.get(name)
        if key_name is None:
            if name not in attributes:
                raise TypeError(f"{model.__name__} has no field {name!r}")
            attributes[name] = value
        elif value is None:
            attributes[key_name] = None
        else:
            assert isinstance(value, models.Model)
            attributes[key_name] = value.pk
            row._state.fields_cache[name] = value
    return row
