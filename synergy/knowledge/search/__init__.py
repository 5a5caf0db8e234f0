"""Full-text search of the knowledge base: good practices, event outcomes (lessons learned,
success stories, commitments, recommendations) and events.

Interface (what the practice list page and the API call)
--------------------------------------------------------------------
``search(*, user, query="", filters=None) -> selectors.SearchResults``
    ``user``: a User or AnonymousUser. Practices are limited to
    ``selectors.visible_practices(user)`` (published for everyone signed in; drafts, submitted
    and reviewed ones for their author and knowledge editors; published ones for anonymous
    visitors only when ``KnowledgeSettings.public_access`` is on). Outcomes and events: signed-in
    users only.

    ``query``: what was typed. Words are ANDed, ``"a phrase"``, ``a or b``, ``-word``; no
    input is an error. Matching ignores case and accents on both backends. Empty: every
    visible practice matching the filters, newest published first (no lessons or events).

    ``filters``: ``selectors.SearchFilters``, a dict or a ``QueryDict`` (request.GET). Read by
    name, each a single value or a list (values of one facet ORed, facets ANDed): ``theme``
    (slug), ``region`` (IloRegion value), ``country`` (ISO2), ``form`` (exploitation form slug),
    ``evidence_level``, ``year`` (first year), ``year_from``/``year_to`` (the practice's period
    overlaps), ``criterion`` (``"replicable"`` = score ≥ 2, ``"replicable:3"``; several are
    ANDed), ``status``, ``kind`` (``"practice"``, ``"lesson"`` = any outcome, ``"event"``;
    empty = all three), ``limit`` (≤ 100) and ``offset``.

    Returns ``SearchResults(hits, total, facets)``: ``hits`` is the requested page, practices
    first (best first), then outcomes, then events; ``total`` counts all three kinds.
    ``SearchHit.rank`` is higher for better; ``SearchHit.snippet`` is HTML-safe (text escaped,
    matched words in ``<mark>``). ``facets`` (practice kinds only) maps ``"theme"``,
    ``"region"``, ``"country"``, ``"evidence_level"``, ``"form"``, ``"year"``, ``"criterion"``
    to ``[Facet(value, label, count)]`` counted over the practices that match the query and
    every other filter (a facet ignores its own filter; ``criterion`` counts practices scoring
    ≥ 2). Facets, filters and the no-query order are computed in memory from arrays of the
    practices' facet values (``facets.py``), read again only after a knowledge write (a
    trigger-kept token; 2 more queries then). A constant number of queries whatever the size:
    14 on SQLite, 12 on PostgreSQL for a query with hits of all three kinds (memberships 1,
    facet token 1, practice matches 1, practice page 1 + 4 to load the practices with their
    themes, regions and countries, outcomes count 1 (SQLite) + page 1 + objects 1, events
    likewise), 6 for browsing without a query.

``rank_by_text(qs, query) -> QuerySet[GoodPractice]``
    ``qs`` narrowed to the practices matching ``query``, best first as ``search`` ranks them,
    each with ``search_rank`` (the API list's ``q``).

``filter_by_text(qs, query) -> QuerySet[GoodPractice]``
    ``qs`` narrowed to the practices matching ``query``, unranked (for the API list, which
    keeps its own order and pagination).

``similar_practices(practice, user, limit=5) -> list[GoodPractice]``
    Published practices the user may see, most similar first (shared themes, countries and
    forms of exploitation plus text similarity of the most distinctive words); each carries
    ``similarity``, ``shared_themes`` and ``shared_countries``. 8 queries (7 on PostgreSQL).

Index upkeep: nothing to call. Database triggers (installed by migration
``0901_search_index``) re-index a practice, outcome or event when it is created, when an
indexed field changes, and when it is deleted. ``index_practice``/``unindex_practice`` (and
``reindex``) exist for repairs and are harmless to call. ``rebuild_index()`` re-indexes
everything; ``ensure_index()`` re-installs lost triggers and the covering index and
re-indexes (``KnowledgeConfig.ready`` connects ``schema.post_migrate_handler`` to
``post_migrate``: a later migration that remakes ``knowledge_goodpractice`` on SQLite drops
its triggers and any index Django does not know about).

Speed: see benchmarks/knowledge_benchmark.py (10,000 practices, 50,000 outcomes).

Backends
--------
PostgreSQL: tsvector per object (title A, summary B, sections C) under the text search
configuration of the practice's first language (english, french, spanish, portuguese;
simple for Arabic; all five for unknown), ``unaccent`` when available, GIN index; query
``websearch_to_tsquery`` ORed over the five configurations; ``ts_rank`` (normalised by length);
``ts_headline`` on the page's hits only.

SQLite: FTS5 (``unicode61 remove_diacritics 2``, prefix indexes), ``bm25`` with column weights
10/4/1 (top page kept with ``ORDER BY rank LIMIT``); excerpts of the page's hits made in Python
(``query.excerpt``: FTS5's ``snippet()`` on a page of ids re-runs the MATCH per id). SQLite has no stemmer: each query word is cut to a light stem
(``query.light_stem``: "enfants" → "enfant", "practices" → "practic") and matched as a prefix.
That finds plurals and most inflections but is looser than PostgreSQL's stemming (a prefix
also matches longer, unrelated words) and misses irregular forms ("child" does find
"children"; "travaux" does not find "travail").
"""

from __future__ import annotations

from synergy.knowledge.models import GoodPractice
from synergy.knowledge.search import schema
from synergy.knowledge.search.engine import (
    Filters,
    coerce_filters,
    filter_by_text,
    rank_by_text,
    search,
    similar_practices,
)

__all__ = [
    "Filters",
    "coerce_filters",
    "ensure_index",
    "filter_by_text",
    "index_practice",
    "rank_by_text",
    "rebuild_index",
    "reindex",
    "search",
    "similar_practices",
    "unindex_practice",
]


def index_practice(practice: GoodPractice) -> None:
    """Re-index one practice from its row (the triggers already do this on every save)."""
    schema.reindex("practice", [practice.pk])


def unindex_practice(practice_id: int) -> None:
    """Drop a practice from the index if its row is gone (the delete trigger does this)."""
    schema.reindex("practice", [practice_id])


def reindex(kind: str, ids: list[int]) -> None:
    """Re-index objects of ``kind`` ("practice", "outcome", "event") from their rows."""
    schema.reindex(kind, ids)


def rebuild_index() -> None:
    schema.rebuild_all()


def ensure_index() -> bool:
    return schema.ensure_index()
