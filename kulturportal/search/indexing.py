"""Keeping the index current: the services that write call `reindex_on_commit(obj)` near
their end (no signals: they miss bulk writes and fire inside the transaction), and
`manage.py rebuild_search_index` builds everything anew.

The ids to index again are worked out at the call, inside the service's transaction (a
section about to be deleted still has its id); the documents are built after the commit,
from what was committed. A failure there is logged, never the person's request's: the
change itself is saved, and the next change or a rebuild mends the index.
"""

import logging
import re
from collections.abc import Iterable
from itertools import islice

from django.db import IntegrityError, connection, transaction
from django.utils import translation

from kulturportal.models import SearchDocument, SearchWord
from kulturportal.search.registry import Document, Kind, kind_named, kinds
from kulturportal.tasks import task

logger = logging.getLogger(__name__)
BATCH = 2000
# Letters a document's text must not carry: the highlighter marks matches with them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_TITLE = 300
MAX_URL = 500

# Title A, where it belongs B, the text C: a word in a title outranks one in a body.
HEAD_SQL = (
    "setweight(to_tsvector('swedish', title), 'A') || "
    "setweight(to_tsvector('swedish', context), 'B')"
)
VECTOR_SQL = f"{HEAD_SQL} || setweight(to_tsvector('swedish', body), 'C')"


def reindex_on_commit(obj) -> None:
    """Index `obj` (and whatever follows it) again once the transaction commits."""
    for name, ids in _pending(obj):
        transaction.on_commit(_after_commit(name, ids), robust=True)


def reindex_in_worker(obj) -> None:
    """As reindex_on_commit, but a worker builds the documents once the transaction
    commits: for a write whose request must stay short (a submission on the deadline day).
    The index follows a moment later; a task lost with the broker is mended, as a failed
    reindex is, by the next change or a rebuild."""
    for name, ids in _pending(obj):
        reindex_later.delay(name, sorted(ids))


@task(soft_time_limit=60, time_limit=90)
def reindex_later(kind_name: str, ids: list[int]) -> int:
    return reindex(kind_name, ids)


def _pending(obj) -> list[tuple[str, set[int]]]:
    # Worked out now, inside the transaction: a row about to be deleted still has its id.
    pending = []
    for kind in kinds():
        follow = kind.follows.get(type(obj))
        if follow is not None:
            ids = {int(pk) for pk in follow(obj) if pk is not None}
            if ids:
                pending.append((kind.name, ids))
    return pending


def _after_commit(name: str, ids: set[int]):
    # A function, not a partial: Django logs a robust callback's failure by its
    # __qualname__, which a partial lacks (the logging itself would raise).
    def reindex_after_commit() -> None:
        reindex(name, ids)

    return reindex_after_commit


def reindex(kind_name: str, ids: Iterable[int]) -> int:
    """Replace the documents of these objects with what they are now; a gone object's
    documents go. Returns the number of documents written."""
    kind = kind_named(kind_name)
    ids = sorted(set(ids))
    if kind is None or not ids:
        return 0
    for attempt in range(2):
        try:
            with transaction.atomic():
                SearchDocument.objects.filter(kind=kind.name, object_id__in=ids).delete()
                return _write(kind, _built(kind, ids))
        except IntegrityError:
            # Another process indexed the same object between our delete and insert.
            if attempt:
                raise
    return 0


def rebuild(kind_names: Iterable[str] | None = None) -> dict[str, int]:
    """Build the whole index anew (or the named kinds'), in batches; the old rows go in
    the same transaction, so a search meanwhile sees the old index, never half of one."""
    chosen = [k for k in kinds() if kind_names is None or k.name in set(kind_names)]
    written: dict[str, int] = {}
    with transaction.atomic():
        for kind in chosen:
            SearchDocument.objects.filter(kind=kind.name).delete()
            written[kind.name] = _write(kind, _built(kind, None))
        if connection.vendor == "postgresql":
            _rebuild_words()
            with connection.cursor() as cursor:  # the planner must know the new rows
                cursor.execute(f"ANALYZE {SearchDocument._meta.db_table}")
                cursor.execute(f"ANALYZE {SearchWord._meta.db_table}")
    return written


def _built(kind: Kind, ids: list[int] | None) -> Iterable[Document]:
    # Stored once, for everyone, in the portal's own language: the text is Swedish.
    with translation.override("sv"):
        yield from kind.build(ids)


def _write(kind: Kind, documents: Iterable[Document]) -> int:
    count = 0
    documents = iter(documents)
    while batch := list(islice(documents, BATCH)):
        rows = SearchDocument.objects.bulk_create(_row(kind, document) for document in batch)
        count += len(rows)
        if connection.vendor == "postgresql":
            _vectorise([row.pk for row in rows])
    return count


def _row(kind: Kind, document: Document) -> SearchDocument:
    return SearchDocument(
        kind=kind.name,
        object_id=document.object_id,
        audience=document.audience,
        organisation=document.organisation,
        municipality=document.municipality,
        title=clean(document.title)[:MAX_TITLE],
        context=clean(document.context),
        body=clean(document.body),
        url=document.url[:MAX_URL],
        date=document.date,
    )


def clean(text: str) -> str:
    return _CONTROL.sub(" ", text or "").strip()


def _vectorise(ids: list[int]) -> None:
    """The Swedish vector of the new rows, and their words for widening queries."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {SearchDocument._meta.db_table} "  # noqa: S608
            f"SET vector = {VECTOR_SQL}, head = {HEAD_SQL} "
            "WHERE id = ANY(%s)",
            [ids],
        )
        cursor.execute(
            f"INSERT INTO {SearchWord._meta.db_table} (word) "  # noqa: S608
            f"SELECT word FROM ts_stat(%s) WHERE {_WORD_FILTER} ON CONFLICT DO NOTHING",
            [_words_of(f"id IN ({','.join(str(int(pk)) for pk in ids)})")],
        )


# Lexemes worth widening to: four letters or more, starting with a letter (not a number, a
# phone number's part or an organisation number's), not absurdly long.
_WORD_FILTER = "length(word) BETWEEN 4 AND 60 AND word ~ '^[[:alpha:]]'"


def _words_of(where: str) -> str:
    """The ts_stat query over the documents' lexemes: the Swedish vectors' own, so a widened
    query names exactly what the index holds ("folkbiblioteken" is "folkbibliotek")."""
    # Our table, and a condition of ids (integers) that we wrote: no outside text.
    return f"SELECT vector FROM {SearchDocument._meta.db_table} WHERE {where}"  # noqa: S608


def _rebuild_words() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SearchWord._meta.db_table}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {SearchWord._meta.db_table} (word) "  # noqa: S608
            f"SELECT word FROM ts_stat(%s) WHERE {_WORD_FILTER} ON CONFLICT DO NOTHING",
            [_words_of("TRUE")],
        )
