"""Thousands of new rows in one table at once, for a request that must stay quick.

On PostgreSQL the rows go in with COPY: Django's bulk_create spends most of its time
preparing each field of each row (a meeting sent to 5,000 took 0.8 s), COPY a few
milliseconds. Elsewhere (SQLite, the embedded default) it is bulk_create.
"""

from django.db import connection
from django.db.models import Model
from django.utils import timezone
from psycopg import sql


def insert_rows(model: type[Model], rows: list[dict]) -> None:
    """Insert one row per dict of field attnames (a foreign key's `_id`) and plain values;
    every other column gets the field's default, a callable one evaluated per row, and
    auto_now fields the time of the call. No signals are sent, as with bulk_create.

    For columns of plain types (text, numbers, booleans, times, keys): a JSON column's
    value would need adapting, and no caller has one.

    Every text must fit its column, on every database: PostgreSQL refuses a longer one
    (and with it the whole transaction), SQLite would store it. A caller fits what it
    copies (fit_text); a value that still does not fit raises ValueError here, naming
    the column, before anything is written."""
    _check_lengths(model, rows)
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create([model(**row) for row in rows], batch_size=500)
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    fixed = {
        field.attname: now if _stamped(field) else field.get_default()
        for field in fields
        if not callable(field.default) or _stamped(field)
    }
    per_row = [field for field in fields if field.attname not in fixed]
    copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(field.column) for field in fields),
    )
    with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
        for row in rows:
            values = {**fixed, **{field.attname: field.get_default() for field in per_row}, **row}
            copy.write_row([values[field.attname] for field in fields])


def fit_text(value: str, model: type[Model], field_name: str) -> str:
    """`value` cut to what the column holds (a name copied from a longer one, say)."""
    limit = model._meta.get_field(field_name).max_length
    return value if limit is None or len(value) <= limit else value[:limit].rstrip()


def _check_lengths(model: type[Model], rows: list[dict]) -> None:
    limits = {
        field.attname: field.max_length
        for field in model._meta.concrete_fields
        if getattr(field, "max_length", None)
    }
    for row in rows:
        for name, limit in limits.items():
            value = row.get(name)
            if isinstance(value, str) and len(value) > limit:
                raise ValueError(
                    f"{model.__name__}.{name} holds {limit} characters, "
                    f"not {len(value)}: {value[:40]!r}…"
                )


def _stamped(field) -> bool:
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
