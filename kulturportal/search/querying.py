"""Asking the index: the query's syntax, who may see what, and the results page's data.

The syntax is PostgreSQL's websearch_to_tsquery's: words are all required, `or` between
them offers alternatives, `-word` excludes, "quoted words" must stand together. We parse it
ourselves so that each word can be widened on PostgreSQL with the index's own words that
contain it or nearly match it (SearchWord, pg_trgm): "bibliotek" also finds
"folkbiblioteken" (Swedish compounds are one word, which no stemmer splits), and
"kultruplanen" still finds "kulturplanen". An exact match ranks above a widened one.

On SQLite (the embedded default) the same syntax matches the words inside the text,
case-insensitively for every letter (å, ä, ö too), and ranks matches in the title first.

Whatever the database, a person only ever gets documents she may open (visible_to), and
the highlighted passages are cut from those documents alone; every character of them is
escaped before the marks are put in.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import BooleanField, Count, F, FloatField, IntegerField, Q
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kulturportal.models import SearchDocument, SearchWord
from kulturportal.rules import may
from kulturportal.search.registry import OFFICIALS, OWNER, PUBLIC, kind_named, kinds

PAGE_SIZE = 20
MAX_PAGES = 50
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
RELEVANCE, NEWEST = "relevans", "nyast"
# How far each word is widened on PostgreSQL.
CONTAINING_WORDS = 20
SIMILAR_WORDS = 5
# How alike (pg_trgm's similarity) a lexeme must be to the typed word, or to its stem, to
# count as a slip: "kultruplan" (the stem of "kultruplanen") and "kulturplan" are 0.47,
# "bibliotk" and "bibliotek" 0.58; 0.3 (the operator's own) let "grävlingen" find
# unrelated words.
SLIP_SIMILARITY = 0.45
START, STOP = "\x02", "\x03"  # the highlighter's marks; indexing removes them from text
PUNCTUATION = ".,;:!?()[]{}'\"«»”“„"


# --- The query ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    text: str
    negated: bool = False
    phrase: bool = False


@dataclass
class Query:
    text: str
    alternatives: list[list[Term]]  # (a AND b) OR (c)

    @property
    def positive(self) -> list[Term]:
        return [t for group in self.alternatives for t in group if not t.negated]

    @property
    def words(self) -> list[str]:
        return sorted({t.text for t in self.positive if not t.phrase})

    def __bool__(self) -> bool:
        return bool(self.positive)


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse(text: str) -> Query:
    text = " ".join((text or "").split())[:MAX_QUERY_LENGTH]
    alternatives: list[list[Term]] = [[]]
    count = 0
    for match in _TOKEN.finditer(text):
        if count >= MAX_TERMS:
            break
        negated_phrase, phrase, word = match.groups()
        if phrase is not None:
            phrase = " ".join(phrase.lower().split())
            if phrase:
                alternatives[-1].append(Term(phrase, negated=bool(negated_phrase), phrase=True))
                count += 1
            continue
        if word.lower() == "or":
            if alternatives[-1]:
                alternatives.append([])
            continue
        negated = word.startswith("-") and len(word) > 1
        word = word.removeprefix("-") if negated else word
        word = word.strip(PUNCTUATION).lower()
        if word:
            alternatives[-1].append(Term(word, negated=negated))
            count += 1
    return Query(text, [group for group in alternatives if group])


# --- Who sees what -----------------------------------------------------------------------


def visible_to(user) -> Q:
    """The documents this person may open: the audience first, then each kind's owners
    and readers (an invitee, a network's member)."""
    visible = Q(audience=PUBLIC)
    official = may(user, "kulturportal.manage_portal")
    if official:
        visible |= Q(audience=OFFICIALS)
    if not user.is_authenticated:
        return visible
    for kind in kinds():
        if kind.readers is not None and not official:
            readers = kind.readers(user)
            if readers is not None:
                visible |= Q(kind=kind.name, audience=OFFICIALS) & readers
        if kind.owners is not None:
            organisations, municipalities = kind.owners(user)
            if organisations or municipalities:
                visible |= Q(kind=kind.name, audience=OWNER) & (
                    Q(organisation_id__in=sorted(organisations))
                    | Q(municipality_id__in=sorted(municipalities))
                )
    return visible


# --- The results -------------------------------------------------------------------------


@dataclass
class Facet:
    name: str
    label: str
    count: int
    selected: bool


@dataclass
class Hit:
    kind: str
    kind_label: str
    title: SafeString
    passage: SafeString
    url: str
    date: datetime | None


@dataclass
class Results:
    query: Query
    kind: str = ""
    order: str = RELEVANCE
    page: int = 1
    total: int = 0  # in every kind
    shown_total: int = 0  # in the chosen kind
    facets: list[Facet] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return min(MAX_PAGES, max(1, -(-self.shown_total // PAGE_SIZE)))

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1

    @property
    def last(self) -> int:
        return self.first + len(self.hits) - 1


def search(user, text: str, *, kind: str = "", order: str = RELEVANCE, page: int = 1) -> Results:
    query = parse(text)
    kind = kind if kind_named(kind) else ""
    order = order if order in (RELEVANCE, NEWEST) else RELEVANCE
    results = Results(query, kind=kind, order=order, page=max(1, min(page, MAX_PAGES)))
    if not query:
        return results
    backend = _Postgres(query) if connection.vendor == "postgresql" else _Sqlite(query)
    matching = SearchDocument.objects.filter(visible_to(user)).filter(backend.matches())
    counts = dict(matching.values_list("kind").annotate(n=Count("id")).order_by())
    results.total = sum(counts.values())
    results.shown_total = counts.get(kind, 0) if kind else results.total
    results.facets = [
        Facet(k.name, str(k.label), counts[k.name], k.name == kind)
        for k in kinds()
        if counts.get(k.name)
    ]
    if not results.shown_total:
        return results
    shown = matching.filter(kind=kind) if kind else matching
    if order == NEWEST:
        shown = shown.order_by(F("date").desc(nulls_last=True), "-id")
    else:
        shown = backend.ranked(shown)
    offset = (results.page - 1) * PAGE_SIZE
    fields = ("id", "kind", "title", "url", "date", "context", "body")
    rows: list[dict] = list(shown.values(*fields)[offset : offset + PAGE_SIZE])
    marked = backend.highlights(rows)
    for row in rows:
        found = kind_named(row["kind"])
        title, passage = marked.get(row["id"], (row["title"], ""))
        results.hits.append(
            Hit(
                kind=row["kind"],
                kind_label=str(found.label) if found else row["kind"],
                title=_marked_html(title),
                passage=_marked_html(passage),
                url=row["url"],
                date=row["date"],
            )
        )
    return results


def _marked_html(text: str) -> SafeString:
    """Escape everything, then turn the highlighter's marks into <mark>."""
    html = escape(text).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 - escaped above; only our own marks are added


# --- PostgreSQL --------------------------------------------------------------------------

HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, MaxFragments=2, MaxWords=28, MinWords=12, "
    'FragmentDelimiter=" … "'
)
TITLE_OPTIONS = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"


class _Postgres:
    def __init__(self, query: Query):
        self.query = query
        widened = _widenings(query.words)
        self.wide_sql, self.wide_params = _tsquery(query, widened)
        self.exact_sql, self.exact_params = _tsquery(query, {})

    def matches(self) -> RawSQL:
        return RawSQL(f"vector @@ ({self.wide_sql})", self.wide_params, output_field=BooleanField())  # noqa: S611 - fixed pieces; values are parameters

    def ranked(self, documents):
        """By the title and context (`head`, small: ranking every match stays cheap), an
        exact match above a widened one; a match in the text alone by date."""
        rank = RawSQL(  # noqa: S611 - fixed pieces; values are parameters
            f"ts_rank(head, ({self.wide_sql})) + 2 * ts_rank(head, ({self.exact_sql}))",
            [*self.wide_params, *self.exact_params],
            output_field=FloatField(),
        )
        return documents.annotate(rank=rank).order_by("-rank", F("date").desc(nulls_last=True))

    def highlights(self, rows: list[dict]) -> dict[int, tuple[str, str]]:
        if not rows:
            return {}
        table = SearchDocument._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, ts_headline('swedish', title, q, %s), "  # noqa: S608
                f"ts_headline('swedish', CASE WHEN body <> '' THEN body ELSE context END, q, %s) "
                f"FROM {table}, (SELECT ({self.wide_sql}) AS q) AS query WHERE id = ANY(%s)",
                [TITLE_OPTIONS, HEADLINE_OPTIONS, *self.wide_params, [r["id"] for r in rows]],
            )
            return {pk: (title, passage) for pk, title, passage in cursor.fetchall()}


def _widenings(words: list[str]) -> dict[str, list[str]]:
    """Per word of the query, the index's words that contain it (compounds, inflections
    the stemmer does not know) or nearly match it (slips). One query for all words."""
    words = [w for w in words if len(w) >= 3]
    if not words:
        return {}
    patterns = [_like_pattern(w) if len(w) >= 4 else "" for w in words]
    table = SearchWord._meta.db_table
    with connection.cursor() as cursor:
        # The table's name is ours; the words are parameters.
        cursor.execute(
            "SELECT t.term, w.word FROM unnest(%s::text[], %s::text[]) AS t(term, pattern) "  # noqa: S608
            "CROSS JOIN LATERAL ("
            f"  (SELECT word FROM {table} WHERE t.pattern <> '' AND word LIKE t.pattern "
            "    AND word <> t.term ORDER BY length(word), word LIMIT %s)"
            "  UNION"
            f"  (SELECT word FROM {table} WHERE word %% t.term AND word <> t.term "
            "    AND greatest(similarity(word, t.term), similarity(word, "
            "      coalesce((ts_lexize('swedish_stem', t.term))[1], t.term))) >= %s"
            "    ORDER BY word <-> t.term LIMIT %s)"
            ") AS w",
            [words, patterns, CONTAINING_WORDS, SLIP_SIMILARITY, SIMILAR_WORDS],
        )
        widened: dict[str, list[str]] = {}
        for term, word in cursor.fetchall():
            widened.setdefault(term, []).append(word)
    return {term: sorted(found) for term, found in widened.items()}


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _tsquery(query: Query, widened: dict[str, list[str]]) -> tuple[str, list]:
    """The query as tsquery SQL built from fixed pieces: every word is a parameter. The
    typed word goes through the Swedish stemmer; a widening is a lexeme of the index
    already, taken as it is ('simple')."""
    groups, params = [], []
    for group in query.alternatives:
        items = []
        for term in group:
            function = "phraseto_tsquery" if term.phrase else "plainto_tsquery"
            pieces = [f"{function}('swedish', %s)"]
            params.append(term.text)
            for lexeme in [] if term.negated else widened.get(term.text, []):
                pieces.append("plainto_tsquery('simple', %s)")
                params.append(lexeme)
            sql = " || ".join(pieces)
            items.append(f"(!! ({sql}))" if term.negated else f"({sql})")
        groups.append("(" + " && ".join(items) + ")")
    return " || ".join(groups), params


# --- SQLite ------------------------------------------------------------------------------

FOLD = "kp_fold"


def _fold(text: str | None) -> str:
    """Lower case, a letter for a letter (so positions still match the original)."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in (text or ""))


def register_on_sqlite(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(FOLD, 1, _fold, deterministic=True)


def connect() -> None:
    connection_created.connect(register_on_sqlite, dispatch_uid="kulturportal-search-fold")


ALL_TEXT = f"{FOLD}(title || ' ' || context || ' ' || body)"


class _Sqlite:
    def __init__(self, query: Query):
        self.query = query

    def matches(self) -> RawSQL:
        groups, params = [], []
        for group in self.query.alternatives:
            items = []
            for term in group:
                items.append(f"instr({ALL_TEXT}, %s) {'=' if term.negated else '>'} 0")
                params.append(_fold(term.text))
            groups.append("(" + " AND ".join(items) + ")")
        return RawSQL("(" + " OR ".join(groups) + ")", params, output_field=BooleanField())  # noqa: S611 - fixed pieces; values are parameters

    def ranked(self, documents):
        terms = [_fold(t.text) for t in self.query.positive]
        in_title = " + ".join(f"(instr({FOLD}(title), %s) > 0)" for _ in terms)
        return documents.annotate(
            rank=RawSQL(in_title, terms, output_field=IntegerField())  # noqa: S611 - fixed pieces; values are parameters
        ).order_by("-rank", F("date").desc(nulls_last=True), "-id")

    def highlights(self, rows: list[dict]) -> dict[int, tuple[str, str]]:
        terms = sorted({_fold(t.text) for t in self.query.positive}, key=len, reverse=True)
        return {
            row["id"]: (_mark(row["title"], terms), _passage(row["body"] or row["context"], terms))
            for row in rows
        }


PASSAGE = 220


def _passage(text: str, terms: list[str]) -> str:
    folded = _fold(text)
    found = [i for i in (folded.find(t) for t in terms) if i >= 0]
    start = max(0, min(found) - PASSAGE // 3) if found else 0
    if start:
        start = text.find(" ", start) + 1 or start
    end = min(len(text), start + PASSAGE)
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    passage = _mark(text[start:end], terms)
    return ("… " if start else "") + passage + (" …" if end < len(text) else "")


def _mark(text: str, terms: list[str]) -> str:
    if not terms:
        return text
    folded = _fold(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms))
    out, last = [], 0
    for match in pattern.finditer(folded):
        out.append(text[last : match.start()])
        out.append(START + text[match.start() : match.end()] + STOP)
        last = match.end()
    out.append(text[last:])
    return "".join(out)
