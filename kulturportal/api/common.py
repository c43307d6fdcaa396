"""Helpers every router uses: links, times in Stockholm, CSV as an alternative format."""

from collections.abc import Iterable, Sequence
from typing import Any, Literal

from django.urls import reverse
from django.utils import timezone
from ninja import Query, Schema
from pydantic import Field

from kulturportal import exports

Format = Literal["json", "csv"]


def one_of(choices) -> Any:
    """The values of a TextChoices as a Literal: an enum written out where it is used, so two
    models' "Status" never share (and overwrite) one name in the OpenAPI components."""
    return Literal[tuple(choices.values)]


CSV_RESPONSE = {
    "responses": {
        200: {
            "content": {
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": "kod;namn\n1280;Malmö\n",
                }
            }
        }
    }
}


class ListParams(Schema):
    limit: int = Field(50, ge=1, le=200, description="Poster per sida, 1–200.")
    cursor: str | None = Field(
        None,
        max_length=500,
        description="Var nästa sida börjar: värdet i föregående svars next.",
    )


def api_url(request, name: str, *args) -> str:
    """An absolute link to another resource of the API."""
    return request.build_absolute_uri(reverse(f"api:{name}", args=args))


def page_url(request, path: str) -> str:
    """An absolute link to a page of the portal (a Swedish path)."""
    return request.build_absolute_uri(path)


def local(moment):
    """ISO 8601 in Swedish time, with its offset: 2026-03-04T13:00:00+01:00."""
    return timezone.localtime(moment) if moment is not None else None


def csv_table(filename: str, headers: Sequence[str], rows: Iterable[Sequence]):
    """The whole table (every page) as a semicolon CSV, formula-safe (the core exporter)."""
    return exports.csv_response(filename, headers, rows)


__all__ = [
    "CSV_RESPONSE",
    "Format",
    "ListParams",
    "Query",
    "api_url",
    "csv_table",
    "local",
    "one_of",
]
