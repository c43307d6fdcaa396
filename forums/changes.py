"""What an update e-mail says changed, and its form in a task's arguments.

A change is told to each invitee when their e-mail is rendered, in a task after the
request (forums.services.delivery.send_pending): its labels stay translatable until then, and
its times are formatted in the reader's language and time zone.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Span:
    """A time, and for a session its town and place; shown in the reader's language, so it
    is formatted when the e-mail is rendered, not when the change is saved."""

    starts_at: datetime
    ends_at: datetime
    town: str = ""
    place: str = ""

    def __str__(self):
        starts, ends = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        when = f"{date_format(starts, 'j F Y, H.i')}–{date_format(ends, 'H.i')}"
        return ", ".join(part for part in [self.town, when, self.place] if part)


@dataclass(frozen=True)
class Change:
    """One thing an update e-mail says changed: what, from what, to what."""

    label: object  # a lazy translation, rendered in the reader's language
    old: object
    new: object


def to_json(changes: list[Change]) -> list[dict]:
    return [{name: _encode(getattr(c, name)) for name in ("label", "old", "new")} for c in changes]


def from_json(data: list[dict]) -> list[Change]:
    return [Change(*(_decode(item[name]) for name in ("label", "old", "new"))) for item in data]


def _encode(value):
    if isinstance(value, Span):
        times = [value.starts_at.isoformat(), value.ends_at.isoformat()]
        return {"span": [*times, value.town, value.place]}
    if isinstance(value, Promise):
        # Swedish is the source language: its text is the message id to translate again.
        with translation.override("sv"):
            return {"text": str(value)}
    return str(value)


def _decode(value):
    if isinstance(value, dict) and "span" in value:
        starts_at, ends_at, town, place = value["span"]
        return Span(parse_datetime(starts_at), parse_datetime(ends_at), town, place)
    if isinstance(value, dict):
        return gettext_lazy(value["text"])  # an id written by _encode
    return value
