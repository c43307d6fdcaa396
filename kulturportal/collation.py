"""Swedish alphabetical order, the same on PostgreSQL and SQLite: Å, Ä, Ö after Z.

A database created with the C collation (Debian's default here, and many hosted ones) puts
Ä before Å and every capital before every small letter. So the portal names its own
collation, "sv": on PostgreSQL an ICU collation that a migration creates, on SQLite a
Python function registered on each connection. Order by it with `swedish("name")`.
"""

from django.db.backends.signals import connection_created
from django.db.models.functions import Collate

SWEDISH = "sv"
# After z in code points, so a plain comparison of the folded strings is Swedish order.
_AFTER_Z = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"})


def swedish(field: str):
    return Collate(field, SWEDISH)


def sort_key(text: str) -> str:
    return (text or "").casefold().translate(_AFTER_Z)


def _compare(left: str, right: str) -> int:
    a, b = sort_key(left), sort_key(right)
    return (a > b) - (a < b) or (left > right) - (left < right)


def register_on_sqlite(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SWEDISH, _compare)


def connect() -> None:
    connection_created.connect(register_on_sqlite, dispatch_uid="kulturportal-swedish-collation")
