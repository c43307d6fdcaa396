"""Cursor pagination: a page of rows after the last one the client saw, by a stable key.

A cursor is the last row's key (base64 of its JSON), so a row added or removed meanwhile
never shifts a page: nothing is skipped or shown twice, unlike page numbers. The key is
the resource's own order plus its identifier, so it is unique.
"""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Generic, TypeVar
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Q
from ninja import Schema
from ninja.errors import HttpError
from pydantic import Field

T = TypeVar("T")
# A cursor no answer gave names no page: 404, as for any address that leads nowhere.
NO_SUCH_PAGE = "Ingen sådan sida: använd cursor-värdet ur föregående svars next."
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Page(Schema, Generic[T]):
    items: list[T]
    next: str | None = Field(
        description="Nästa sida (en URL), eller null när detta är den sista.",
    )
    limit: int = Field(description="Högst så här många poster per sida.")


def encode(values: Sequence) -> str:
    plain = [v.isoformat() if isinstance(v, date | datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def decode(cursor: str, size: int) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeError):
        raise HttpError(404, NO_SUCH_PAGE) from None
    if not isinstance(values, list) or len(values) != size:
        raise HttpError(404, NO_SUCH_PAGE)
    if not all(isinstance(v, str | int | float) for v in values):
        raise HttpError(404, NO_SUCH_PAGE)
    return values


def after(order: Sequence[str], values: Sequence) -> Q:
    """Rows after `values` in `order` (fields, "-" for descending)."""
    condition = Q()
    for index, field in enumerate(order):
        name = field.lstrip("-")
        lookup = "lt" if field.startswith("-") else "gt"
        equal = {f.lstrip("-"): values[i] for i, f in enumerate(order[:index])}
        condition |= Q(**equal, **{f"{name}__{lookup}": values[index]})
    return condition


def paginate(
    request,
    queryset,
    *,
    order: Sequence[str],
    limit: int,
    cursor: str | None,
    item: Callable,
) -> dict:
    """The page as the Page schema wants it; `item(row)` makes one item."""
    rows = queryset.order_by(*order)
    if cursor:
        rows = rows.filter(after(order, decode(cursor, len(order))))
    try:
        found = list(rows[: limit + 1])
    except (ValidationError, ValueError, TypeError):
        raise HttpError(404, NO_SUCH_PAGE) from None
    more = len(found) > limit
    found = found[:limit]
    next_url = None
    if more:
        last = found[-1]
        key = [_value(last, f.lstrip("-")) for f in order]
        query = request.GET.copy()
        query["cursor"] = encode(key)
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")
        request.api_link_next = next_url
    return {"items": [item(row) for row in found], "next": next_url, "limit": limit}


def _value(row, path: str):
    value = row
    for part in path.split("__"):
        value = getattr(value, part)
    return value
