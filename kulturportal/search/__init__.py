"""Search across the portal (/sok/), in the core: the core names no app.

- registry: the kinds of things to find, which each app registers from its own
  `search.py` (AppConfig.ready()), with who may see each document;
- indexing: `reindex_on_commit(obj)` from the services that write, and `rebuild()`
  (`manage.py rebuild_search_index`);
- querying: the query's syntax, the permission filter and the results page's data, on
  PostgreSQL (Swedish full text, widened by pg_trgm) and on SQLite (plain matching).
"""

from kulturportal.search.indexing import rebuild, reindex, reindex_in_worker, reindex_on_commit
from kulturportal.search.querying import NEWEST, RELEVANCE, Results, parse, search, visible_to
from kulturportal.search.registry import (
    OFFICIALS,
    OWNER,
    PUBLIC,
    Document,
    Kind,
    Owners,
    acting_for,
    kind_named,
    kinds,
    plain_text,
    readers_by_id,
    register,
)

__all__ = [
    "NEWEST",
    "OFFICIALS",
    "OWNER",
    "PUBLIC",
    "RELEVANCE",
    "Document",
    "Kind",
    "Owners",
    "Results",
    "acting_for",
    "kind_named",
    "kinds",
    "parse",
    "plain_text",
    "readers_by_id",
    "rebuild",
    "register",
    "reindex",
    "reindex_in_worker",
    "reindex_on_commit",
    "search",
    "visible_to",
]
