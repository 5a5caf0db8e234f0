"""The search engine behind ``synergy.knowledge.search.search`` (see the package docstring)."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString

from synergy.core.models import IloRegion
from synergy.knowledge.models import (
    Criterion,
    Event,
    EvidenceLevel,
    GoodPractice,
    Outcome,
    PracticeStatus,
)
from synergy.knowledge.search import facets as fx
from synergy.knowledge.search import query as q
from synergy.knowledge.search.schema import PG_ALL_CONFIGS, PG_LANGUAGE_CONFIGS, SOURCES
from synergy.knowledge.selectors import (
    Facet,
    SearchHit,
    SearchResults,
    Visibility,
    Visitor,
    practice_visibility,
    visible_practices,
    with_listing_relations,
)

# A practice "meets" a criterion when its assessment scores at least this (0–3 scale).
DEFAULT_CRITERION_SCORE = 2
# Column weights (title, summary, sections) for SQLite's bm25; PostgreSQL uses weights A/B/C.
BM25_WEIGHTS = (10.0, 4.0, 1.0)
SNIPPET_TOKENS = 28
MAX_PAGE = 100
# Hit kinds, in the order a mixed page lists them.
KINDS = ("practice", "lesson", "event")
_INDEX_KIND = {"practice": "practice", "lesson": "outcome", "event": "event"}

ThemeLink = GoodPractice.themes.through
FormLink = GoodPractice.exploitation_forms.through


# --- filters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """Normalised filters. Several values of one facet are ORed, facets are ANDed; criteria
    are ANDed (a practice must meet each chosen one)."""

    themes: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    evidence_levels: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    criteria: tuple[tuple[str, int], ...] = ()
    statuses: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    kind: str = ""
    limit: int = 20
    offset: int = 0


def _values(source: Any, *names: str) -> list[str]:
    """All non-empty values of the first of ``names`` the source has (attribute or key)."""
    for name in names:
        if isinstance(source, Mapping) or hasattr(source, "getlist"):
            if hasattr(source, "getlist"):
                raw: Any = source.getlist(name)
            else:
                raw = source.get(name)
        else:
            raw = getattr(source, name, None)
        if raw is None or raw == "" or raw == []:
            continue
        items = [raw] if isinstance(raw, str | int) else list(raw)
        out = [str(v).strip() for v in items if str(v).strip()]
        if out:
            return out
    return []


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def coerce_filters(source: Any) -> Filters:
    """Read filters from the selectors' ``SearchFilters``, a dict or a ``QueryDict``.

    Names: theme, region, country (ISO2), form (exploitation form slug), evidence_level,
    year (first year), year_from/year_to (period overlaps), criterion ("replicable" = score
    ≥ 2, "replicable:3" = score 3), status, kind ("practice", "lesson", "event"), limit,
    offset. Unknown or malformed values are ignored, never an error."""
    if source is None:
        return Filters()
    if isinstance(source, Filters):
        return source
    criteria: list[tuple[str, int]] = []
    for raw in _values(source, "criterion", "criteria"):
        name, _sep, score = raw.partition(":")
        minimum = _int(score) if score else DEFAULT_CRITERION_SCORE
        if name in Criterion.values and minimum is not None and 0 <= minimum <= 3:
            criteria.append((name, minimum))
    years = tuple(y for y in (_int(v) for v in _values(source, "year", "years")) if y)
    kind = (_values(source, "kind") or [""])[0]
    limit = _int((_values(source, "limit") or ["20"])[0]) or 20
    offset = _int((_values(source, "offset") or ["0"])[0]) or 0
    return Filters(
        themes=tuple(_values(source, "theme", "themes")),
        regions=tuple(v for v in _values(source, "region", "regions") if v in IloRegion.values),
        countries=tuple(v.upper() for v in _values(source, "country", "countries")),
        forms=tuple(_values(source, "form", "forms", "exploitation_form")),
        evidence_levels=tuple(
            v for v in _values(source, "evidence_level", "evidence") if v in EvidenceLevel.values
        ),
        years=years,
        criteria=tuple(criteria),
        statuses=tuple(v for v in _values(source, "status") if v in PracticeStatus.values),
        year_from=_int((_values(source, "year_from") or [None])[0]),  # type: ignore[list-item]
        year_to=_int((_values(source, "year_to") or [None])[0]),  # type: ignore[list-item]
        kind=kind if kind in KINDS else "",
        limit=max(1, min(limit, MAX_PAGE)),
        offset=max(0, offset),
    )


IdFilter = tuple[str, list[Any]] | None  # SQL condition on the object id ("{col}"), params


# --- backend SQL ----------------------------------------------------------------------------


def backend() -> str:
    """The backend: "sqlite" (FTS5) or "postgresql" (tsvector); no other is supported."""
    if connection.vendor not in {"sqlite", "postgresql"}:  # pragma: no cover
        raise ImproperlyConfigured(
            f"Knowledge search needs SQLite or PostgreSQL: {connection.vendor}"
        )
    return str(connection.vendor)


def _pg_tsquery() -> str:
    """One tsquery ORed over every language, so that a document stemmed in any of them can
    match; identical branches (most words stem alike in several languages) dropped."""
    branches = ", ".join(f"websearch_to_tsquery('{cfg}', %s)" for cfg in PG_ALL_CONFIGS)
    return (
        "(SELECT string_agg(DISTINCT '(' || b::text || ')', ' | ')::tsquery "
        f"FROM unnest(ARRAY[{branches}]) AS b WHERE b::text <> '')"
    )


def _match_params(parsed: q.ParsedQuery) -> list[Any]:
    if backend() == "sqlite":
        return [q.to_fts5(parsed)]
    return [q.to_websearch(parsed)] * len(PG_ALL_CONFIGS)


def match_ids_sql(kind: str, parsed: q.ParsedQuery) -> tuple[str, list[Any]]:
    """SQL selecting the ids of ``kind`` objects that match ``parsed``."""
    index = SOURCES[kind][0]
    if backend() == "sqlite":
        return f"SELECT rowid FROM {index} WHERE {index} MATCH %s", _match_params(parsed)
    return f"SELECT id FROM {index} WHERE document @@ ({_pg_tsquery()})", _match_params(parsed)


def match_ids(kind: str, parsed: q.ParsedQuery) -> list[int]:
    """The ids of every ``kind`` object matching ``parsed`` (unranked: an index lookup)."""
    sql, params = match_ids_sql(kind, parsed)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


# The fields an excerpt may come from, in order of preference; PostgreSQL's ts_headline is
# slow on long texts, so it runs on the first field that matches rather than on everything.
_EXCERPT_FIELDS = {
    "practice": ("summary", *SOURCES["practice"][4]),
    "outcome": ("description",),
    "event": ("description", "agenda"),
}


def _pg_excerpt_sql(kind: str) -> str:
    fields = _EXCERPT_FIELDS[kind]
    whens = " ".join(
        f"WHEN to_tsvector(page.config, t.{f}) @@ h.query "
        f"THEN ts_headline(page.config, t.{f}, h.query, h.options)"
        for f in fields
    )
    return f"CASE {whens} ELSE ts_headline(page.config, t.{fields[0]}, h.query, h.options) END"


_PG_HEADLINE = (
    f'StartSel="{q.MARK_START}", StopSel="{q.MARK_END}", MaxFragments=2, MaxWords=30, '
    'MinWords=12, FragmentDelimiter=" … "'
)


def id_filter(allowed: Sequence[int], excluded: Sequence[int]) -> IdFilter:
    """A condition keeping ``allowed`` ids, written with the shorter of the two lists (the
    matches that are not allowed are ``excluded``); None when nothing is excluded."""
    if not excluded:
        return None
    keep = len(allowed) <= len(excluded)
    ids = [int(i) for i in (allowed if keep else excluded)]
    if backend() == "sqlite":
        # "+": a plain rowid constraint would make FTS5 run the MATCH once per id.
        op = "IN" if keep else "NOT IN"
        return f"+{{col}} {op} (SELECT value FROM json_each(%s))", [json.dumps(ids)]
    return ("{col} = ANY(%s)" if keep else "NOT ({col} = ANY(%s))"), [ids]


def ranked(
    kind: str,
    parsed: q.ParsedQuery,
    *,
    ids: IdFilter,
    limit: int,
    offset: int,
    with_total: bool = False,
) -> list[tuple[int, float, str, int]]:
    """(id, score — higher is better, excerpt with match markers or "" when the caller makes
    it) of one page of ``kind`` objects matching ``parsed``, best first, among ``ids``. One
    query. The rank is computed for every match (bm25 / ts_rank), the rest for the page
    only: SQLite keeps the best ``limit`` in a small heap, and the excerpts come from
    ``query.excerpt`` over the page's objects; PostgreSQL runs ts_headline on the page's
    rows. ``with_total`` (PostgreSQL): each row also carries the number of matches, counted in
    the same pass (on SQLite a separate COUNT is cheaper: 0 there).

    PostgreSQL ranks with ``ts_rank`` (weights A/B/C, divided by 1 + log(length)):
    ``ts_rank_cd`` gave much the same order but cost ~5× more over tens of thousands of
    matches (512 ms against 92 ms for 18,560 outcomes)."""
    index, source, *_ = SOURCES[kind]
    total = ", COUNT(*) OVER () AS total" if with_total else ", 0 AS total"
    with connection.cursor() as cursor:
        if backend() == "sqlite":
            condition, params = ids or ("", [])
            where = " AND " + condition.format(col="rowid") if condition else ""
            weights = ", ".join(str(w) for w in BM25_WEIGHTS)
            cursor.execute(
                f"""SELECT rowid, rank FROM {index}
                WHERE {index} MATCH %s AND rank MATCH 'bm25({weights})'{where}
                ORDER BY rank, rowid LIMIT %s OFFSET %s""",
                [*_match_params(parsed), *params, limit, offset],
            )
            return [(pk, -float(rank), "", 0) for pk, rank in cursor.fetchall()]
        condition, params = ids or ("", [])
        where = " AND " + condition.format(col="s.id") if condition else ""
        cursor.execute(
            f"""WITH tsq AS (SELECT ({_pg_tsquery()}) AS query),
            page AS (
                SELECT s.id, ts_rank(s.document, tsq.query, 1) AS rank, s.config{total}
                FROM {index} s, tsq WHERE s.document @@ tsq.query{where}
                ORDER BY rank DESC, s.id LIMIT %s OFFSET %s)
            SELECT page.id, page.rank, {_pg_excerpt_sql(kind)}, page.total
            FROM page JOIN {source} t ON t.id = page.id
            -- The excerpt uses the document's own configuration only: the five-language
            -- query would make ts_headline several times slower for the same marks.
            CROSS JOIN LATERAL (
                SELECT websearch_to_tsquery(page.config, %s) AS query, %s AS options) h
            ORDER BY page.rank DESC, page.id""",
            [
                *_match_params(parsed),
                *params,
                limit,
                offset,
                q.to_websearch(parsed),
                _PG_HEADLINE,
            ],
        )
        return [(pk, float(rank), excerpt or "", n) for pk, rank, excerpt, n in cursor]


def count_matches(kind: str, parsed: q.ParsedQuery) -> int:
    sql, params = match_ids_sql(kind, parsed)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) m", params)
        return int(cursor.fetchone()[0])


def _sql(qs: QuerySet[Any]) -> tuple[str, list[Any]]:
    sql, params = qs.order_by().query.sql_with_params()
    return sql, list(params)


# --- search ---------------------------------------------------------------------------------


@dataclass
class _KindPage:
    ids: list[int]
    scores: dict[int, float]
    excerpts: dict[int, str]
    total: int


def _page_of(
    kind: str,
    parsed: q.ParsedQuery,
    *,
    limit: int,
    offset: int,
    total: int | None = None,
    ids: IdFilter = None,
) -> _KindPage:
    """One page of one kind of object matching the query (ids best first), and the total
    (counted here unless the caller knows it)."""
    index_kind = _INDEX_KIND[kind]
    counted_here = total is None and backend() == "postgresql"
    if total is None and not counted_here:
        total = count_matches(index_kind, parsed)
    if limit <= 0 or (total is not None and offset >= total):
        if total is None:  # no room on this page: still counted for the total
            total = count_matches(index_kind, parsed)
        return _KindPage([], {}, {}, total)
    rows = ranked(index_kind, parsed, ids=ids, limit=limit, offset=offset, with_total=counted_here)
    if total is None:
        total = rows[0][3] if rows else (count_matches(index_kind, parsed) if offset else 0)
    return _KindPage(
        [r[0] for r in rows], {r[0]: r[1] for r in rows}, {r[0]: r[2] for r in rows}, total
    )


def _match_filter(qs: QuerySet[Any], kind: str, parsed: q.ParsedQuery) -> QuerySet[Any]:
    if not parsed:
        return qs
    sql, params = match_ids_sql(_INDEX_KIND[kind], parsed)
    return qs.filter(id__in=RawSQL(sql, params))


def filter_by_text(qs: QuerySet[GoodPractice], query: str) -> QuerySet[GoodPractice]:
    """``qs`` narrowed to the practices matching ``query`` (unranked; for API lists that keep
    their own ordering). An empty query leaves ``qs`` as it is."""
    return _match_filter(qs, "practice", q.parse(query))


def rank_by_text(qs: QuerySet[GoodPractice], query: str) -> QuerySet[GoodPractice]:
    """``qs`` narrowed to the practices matching ``query``, best first as the search page
    ranks them (bm25 with the same column weights / ts_rank), ties by id; each carries
    ``search_rank`` (higher is better). For the API list, which pages with limit/offset.
    An empty query leaves ``qs`` as it is."""
    parsed = q.parse(query)
    if not parsed:
        return qs
    index = SOURCES["practice"][0]
    table = GoodPractice._meta.db_table
    if backend() == "sqlite":
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        rank = RawSQL(
            f"SELECT -bm25({index}, {weights}) FROM {index} "
            f"WHERE {index} MATCH %s AND {index}.rowid = {table}.id",
            _match_params(parsed),
        )
    else:
        rank = RawSQL(
            f"SELECT ts_rank(s.document, {_pg_tsquery()}, 1) FROM {index} s "
            f"WHERE s.id = {table}.id",
            _match_params(parsed),
        )
    return (
        _match_filter(qs, "practice", parsed)
        .annotate(search_rank=rank)
        .order_by(F("search_rank").desc(), "id")
    )


def _plain_excerpt(text: str, words: int = SNIPPET_TOKENS) -> str:
    tokens = (text or "").split()
    return " ".join(tokens[:words]) + (" …" if len(tokens) > words else "")


@dataclass
class _Practices:
    """The practices a search may show: facet counts, and which match and pass every
    filter (positions in the facet index)."""

    index: fx.FacetIndex
    counted: fx.Counted
    matched_ids: Any  # ids of every practice matching the query (visible or not)


def _practices(visibility: Visibility, parsed: q.ParsedQuery, f: Filters) -> _Practices:
    index = fx.facet_index()
    base = fx.visible_mask(index, visibility)
    if f.statuses:
        base &= np.isin(index.status, [i for i, s in enumerate(index.statuses) if s in f.statuses])
    if f.year_from is not None or f.year_to is not None:
        base &= fx.year_mask(index, f.year_from, f.year_to)
    for criterion, minimum in f.criteria:
        base &= fx.criterion_mask(index, criterion, minimum)
    matched_ids = np.zeros(0, dtype=np.int64)
    if parsed:
        matched_ids = np.asarray(match_ids("practice", parsed), dtype=np.int64)
        matched = np.zeros(len(index.ids), dtype=bool)
        matched[index.positions_of(matched_ids)] = True
        base &= matched
    counted = fx.count(
        index,
        base,
        themes=f.themes,
        forms=f.forms,
        regions=f.regions,
        countries=f.countries,
        evidence_levels=f.evidence_levels,
        years=f.years,
    )
    return _Practices(index, counted, matched_ids)


def _practice_page(
    found: _Practices, parsed: q.ParsedQuery, *, limit: int, offset: int
) -> _KindPage:
    total = found.counted.total
    if limit <= 0 or offset >= total:
        return _KindPage([], {}, {}, total)
    index = found.index
    if not parsed:
        ids = fx.browse_page(index, found.counted.allowed, limit=limit, offset=offset)
        return _KindPage(ids, dict.fromkeys(ids, 0.0), {}, total)
    # Every match that may not be shown (another's draft, filtered out, or written after the
    # facet arrays were read) is excluded, whichever list is shorter.
    allowed = index.ids[found.counted.allowed]
    excluded = found.matched_ids[~np.isin(found.matched_ids, allowed)]
    restriction = id_filter(allowed.tolist(), excluded.tolist())
    return _page_of("practice", parsed, limit=limit, offset=offset, total=total, ids=restriction)


def search(*, user: Visitor, query: str = "", filters: Any = None) -> SearchResults:
    """Ranked full-text search over what ``user`` may see (see the package docstring)."""
    f = coerce_filters(filters)
    parsed = q.parse(query)
    visibility = practice_visibility(user)
    kinds = [f.kind] if f.kind else list(KINDS)
    if not parsed:
        kinds = ["practice"] if "practice" in kinds else []  # lessons/events are browsed elsewhere
    if not user.is_authenticated:
        kinds = [k for k in kinds if k == "practice"]
    if visibility.nothing:
        kinds = [k for k in kinds if k != "practice"]

    facets: dict[str, list[Facet]] = {}
    found: _Practices | None = None
    if "practice" in kinds:
        found = _practices(visibility, parsed, f)
        facets = found.counted.facets

    hits: list[SearchHit] = []
    total = 0
    start, room = f.offset, f.limit
    for kind in kinds:
        if kind == "practice":
            assert found is not None
            page = _practice_page(found, parsed, limit=room, offset=start)
        else:
            page = _page_of(kind, parsed, limit=room, offset=start)
        hits += _hits(kind, page, parsed)
        total += page.total
        start = max(0, start - page.total)
        room = f.limit - len(hits)
    return SearchResults(hits=hits, total=total, facets=facets)


def _texts(kind: str, obj: Any) -> list[str]:
    fields = _EXCERPT_FIELDS["outcome" if kind == "lesson" else kind]
    if kind == "event":
        fields = (*fields, "place")
    return [getattr(obj, name, "") or "" for name in fields]


def _hits(kind: str, page: _KindPage, parsed: q.ParsedQuery) -> list[SearchHit]:
    if not page.ids:
        return []
    objects: dict[Any, Any]
    if kind == "practice":
        objects = with_listing_relations(GoodPractice.objects.filter(id__in=page.ids)).in_bulk()
    elif kind == "lesson":
        objects = Outcome.objects.select_related("event").in_bulk(page.ids)
    else:
        objects = Event.objects.select_related("country").in_bulk(page.ids)
    hits = []
    for pk in page.ids:
        obj = objects.get(pk)
        if obj is None:  # deleted between the two queries
            continue
        excerpt = page.excerpts.get(pk)
        if not excerpt and parsed:
            excerpt = q.excerpt(_texts(kind, obj), parsed, SNIPPET_TOKENS)
        if not excerpt:
            text = getattr(obj, "summary", "") or getattr(obj, "description", "")
            if kind == "practice" and not text:
                text = getattr(obj, "background", "")
            excerpt = _plain_excerpt(text)
        snippet: SafeString = q.markup(excerpt)
        key = {"practice": "practice", "lesson": "outcome", "event": "event"}[kind]
        related: dict[str, Any] = {key: obj}
        hits.append(SearchHit(kind=kind, rank=page.scores.get(pk, 0.0), snippet=snippet, **related))
    return hits


# --- similar practices ----------------------------------------------------------------------


def _document_frequencies(terms: Sequence[str]) -> dict[str, int]:
    """How many practices contain each term (SQLite's fts5vocab; empty elsewhere)."""
    if backend() != "sqlite" or not terms:
        return {}
    vocab = SOURCES["practice"][0] + "_vocab"
    marks = ", ".join(["%s"] * len(terms))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term, doc FROM {vocab} WHERE term IN ({marks})", list(terms))
        return {term: int(doc) for term, doc in cursor.fetchall()}


def _pg_config(practice: GoodPractice) -> str:
    """The text search configuration of the practice's first language (a constant in the
    query, so that the planner folds the tsquery and uses the GIN index)."""
    language = (practice.languages or [""])[0]
    return PG_LANGUAGE_CONFIGS.get(str(language), "synergy_simple")


def _text_neighbours(
    practice: GoodPractice, terms: list[str], allowed: tuple[str, list[Any]], limit: int
) -> list[tuple[int, float]]:
    """Practices whose title or summary share ``terms``, best first, scores scaled to 0–1.
    Title and summary only: over the sections almost every practice would match, and ranking
    them all is what made this slow."""
    allowed_sql, allowed_params = allowed
    index = SOURCES["practice"][0]
    with connection.cursor() as cursor:
        if backend() == "sqlite":
            words = " OR ".join(f'"{t}"' for t in terms)
            weights = ", ".join(str(w) for w in BM25_WEIGHTS)
            cursor.execute(
                f"""SELECT rowid, -bm25({index}, {weights}) AS score FROM {index}
                WHERE {index} MATCH %s AND +rowid IN ({allowed_sql})
                ORDER BY score DESC, rowid LIMIT %s""",
                [f"{{title summary}} : ({words})", *allowed_params, limit],
            )
        else:
            words = " | ".join(f"{t}:AB" for t in terms)
            cursor.execute(
                f"""SELECT s.id, ts_rank(s.document, tsq.query) AS score
                FROM {index} s, (SELECT to_tsquery(%s::regconfig, %s) AS query) tsq
                WHERE s.document @@ tsq.query AND s.id IN ({allowed_sql})
                ORDER BY score DESC, s.id LIMIT %s""",
                [_pg_config(practice), words, *allowed_params, limit],
            )
        rows = [(pk, float(score)) for pk, score in cursor.fetchall()]
    best = max((score for _pk, score in rows), default=0.0)
    return [(pk, score / best if best > 0 else 0.0) for pk, score in rows]


_SimilarScores = tuple[list[int], dict[int, float], dict[str, dict[int, int]]]
_similar_cache: dict[tuple[Any, ...], _SimilarScores] = {}
_similar_lock = threading.Lock()
SIMILAR_CACHE_SIZE = 2000


def _similar_scores(
    practice: GoodPractice, candidates: QuerySet[GoodPractice], limit: int
) -> _SimilarScores:
    """The best candidate ids (with a margin), their scores and shared themes/countries."""
    candidate_ids = candidates.values("id")
    scores: dict[int, float] = {}
    shared: dict[str, dict[int, int]]

    texts = [
        practice.title,
        practice.summary,
        *(getattr(practice, n) for n in SOURCES["practice"][4]),
    ]
    terms = q.distinctive_terms(texts, limit=30)
    frequencies = _document_frequencies(terms)
    if frequencies:  # rarest first: they say most about this practice
        terms.sort(key=lambda t: (frequencies.get(t, 0) <= 1, frequencies.get(t, 0)))
        terms = [t for t in terms if frequencies.get(t, 0) > 1] or terms
    else:  # no document frequencies (PostgreSQL): longer words tend to be the rarer ones
        terms = sorted(terms[:20], key=len, reverse=True)
    terms = [t for t in terms if t.isalnum()][: 10 if frequencies else 6]
    if terms:
        for pk, score in _text_neighbours(practice, terms, _sql(candidate_ids), limit * 10):
            scores[pk] = score

    # Shared themes, countries and forms, counted over every practice (one query); the
    # visibility check comes with the final fetch, from a margin of extra candidates.
    shared_sql = f"""
        SELECT 'themes', l.goodpractice_id, COUNT(DISTINCT l.theme_id)
        FROM {ThemeLink._meta.db_table} l
        WHERE l.theme_id IN (
            SELECT theme_id FROM {ThemeLink._meta.db_table} WHERE goodpractice_id = %s)
        GROUP BY l.goodpractice_id
        UNION ALL
        SELECT 'countries', l.practice_id, COUNT(DISTINCT l.country_id)
        FROM knowledge_practicecountry l
        WHERE l.country_id IN (
            SELECT country_id FROM knowledge_practicecountry WHERE practice_id = %s)
        GROUP BY l.practice_id
        UNION ALL
        SELECT 'forms', l.goodpractice_id, COUNT(DISTINCT l.exploitationform_id)
        FROM {FormLink._meta.db_table} l
        WHERE l.exploitationform_id IN (
            SELECT exploitationform_id FROM {FormLink._meta.db_table} WHERE goodpractice_id = %s)
        GROUP BY l.goodpractice_id"""
    weights = {"themes": 0.5, "countries": 0.3, "forms": 0.2}
    shared = {name: {} for name in weights}
    with connection.cursor() as cursor:
        cursor.execute(shared_sql, [practice.pk] * 3)
        for name, pk, n in cursor.fetchall():
            if pk == practice.pk:
                continue
            shared[name][pk] = int(n)
            scores[pk] = scores.get(pk, 0.0) + weights[name] * int(n)

    best_ids = sorted(scores, key=lambda pk: (-scores[pk], -pk))[: limit * 4]
    return best_ids, scores, shared


def similar_practices(practice: GoodPractice, user: Visitor, limit: int = 5) -> list[GoodPractice]:
    """Published practices ``user`` may see that resemble ``practice``, most similar first.

    Score = text similarity (the practice's most distinctive words run as an OR query,
    ranked, scaled to 0–1) + 0.5 per shared theme + 0.3 per shared country + 0.2 per shared
    form of exploitation. Each returned practice carries ``similarity`` (float),
    ``shared_themes`` and ``shared_countries`` (ints). A constant number of queries."""
    candidates = (
        visible_practices(user).filter(status=PracticeStatus.PUBLISHED).exclude(id=practice.pk)
    )
    if candidates.query.is_empty():
        return []
    # Candidates are published practices: the same for every reader, so the scores are kept
    # per practice until a knowledge write renews the facet token (see facets.py).
    key = (
        connection.alias,
        str(connection.settings_dict.get("NAME")),
        fx.current_token(),
        practice.pk,
        limit,
    )
    cached = _similar_cache.get(key)
    if cached is None:
        cached = _similar_scores(practice, candidates, limit)
        with _similar_lock:
            _similar_cache[key] = cached
            while len(_similar_cache) > SIMILAR_CACHE_SIZE:  # oldest first
                _similar_cache.pop(next(iter(_similar_cache)))
    best_ids, scores, shared = cached
    found = with_listing_relations(candidates.filter(id__in=best_ids)).in_bulk()
    result: list[GoodPractice] = []
    for pk in best_ids:
        if pk in found and len(result) < limit:
            obj = found[pk]
            obj.similarity = round(scores[pk], 4)  # type: ignore[attr-defined]
            obj.shared_themes = shared["themes"].get(pk, 0)  # type: ignore[attr-defined]
            obj.shared_countries = shared["countries"].get(pk, 0)  # type: ignore[attr-defined]
            result.append(obj)
    return result
