"""What can be found, registered by the apps: the core names no app.

Each app's `search.py` registers its kinds from its AppConfig.ready(): how its objects
become documents (`build`), which changed objects a document follows (`follows`), and who
may read a document beyond what its audience says (`readers`, `owners`). A document's
audience is the first line of defence and the core applies it to every kind alike:

- PUBLIC: everyone;
- OWNER: the people who act for the document's organisation or municipality (`owners`);
- OFFICIALS: the regional officials, and whoever `readers` lets in (the invitees of a
  meeting, the members of a network).
"""

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Model, Q

from kulturportal.models import Municipality, Organisation, Role, SearchAudience

PUBLIC = SearchAudience.PUBLIC
OWNER = SearchAudience.OWNER
OFFICIALS = SearchAudience.OFFICIALS


@dataclass
class Document:
    """One thing to find. `title` weighs most, then `context` (where it belongs: the plan,
    the forum, the place), then `body`; `url` is the Swedish path of the page that shows
    exactly this text to the same audience."""

    object_id: int
    title: str
    url: str
    audience: str = PUBLIC
    context: str = ""
    body: str = ""
    date: datetime | None = None
    organisation: Organisation | None = None
    municipality: Municipality | None = None


# (organisation ids, municipality ids) a person acts for.
Owners = tuple[set[int], set[int]]


def acting_for(user) -> Owners:
    """The default owners: the organisations a person represents, and the municipalities
    where she is culture chief or municipal official."""
    organisations: set[int] = set()
    municipalities: set[int] = set()
    if not user.is_authenticated:
        return organisations, municipalities
    for assignment in user.active_roles:
        if assignment.role == Role.ORGANISATION_REPRESENTATIVE and assignment.organisation_id:
            organisations.add(assignment.organisation_id)
        elif (
            assignment.role in (Role.CULTURE_CHIEF, Role.MUNICIPAL_OFFICIAL)
            and assignment.municipality_id
        ):
            municipalities.add(assignment.municipality_id)
    return organisations, municipalities


@dataclass(frozen=True)
class Kind:
    name: str  # stored in every document; a URL parameter value (?typ=…)
    label: object  # lazy, plural: "Möten"
    build: Callable[[Iterable[int] | None], Iterable[Document]]  # None: every object
    # The changed object's class → the ids of this kind's objects to index again.
    follows: dict[type[Model], Callable[[Any], Iterable[int]]] = field(default_factory=dict)
    # Who else may read this kind's OFFICIALS documents: a Q on SearchDocument.object_id.
    readers: Callable[[object], Q | None] | None = None
    # Who acts for the owner of this kind's OWNER documents; None: the kind has none.
    owners: Callable[[object], Owners] | None = None
    order: int = 100


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    _kinds[kind.name] = kind


def kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda kind: (kind.order, kind.name))


def kind_named(name: str) -> Kind | None:
    return _kinds.get(name)


def readers_by_id(ids) -> Q:
    """A `readers` answer: these objects' documents (ids: a list or a values() subquery)."""
    return Q(object_id__in=ids)


def plain_text(markdown_text: str) -> str:
    """The words of Markdown, without its marks: what a reader sees, for the index."""
    from django.utils.html import strip_tags

    from kulturportal.markdown import render_markdown

    return html.unescape(strip_tags(render_markdown(markdown_text or "")))
