"""Ranking provider countries for a need, with the reason for each score.

The method, its formula and its defaults are documented in ``docs/cooperation-matching.md``;
this module is that text in code. In short: a country is a candidate when it has evidence on
the need's subject (practices it took part in, offers, what it has in place); its score is a
weighted mean of nine dimensions, each between 0 and 1; a dimension whose facts are unknown
counts as 0.5, so that a missing fact neither helps nor harms.

The evidence and the countries' facts are read once into an ``Index`` (sparse TF-IDF vectors
over words and multilingual concepts, see ``lexicon.py``) and kept in the process until one
of the tables behind it changes; a ranking is then a sparse product and a pass over the
countries, well under a millisecond per country.
"""

from __future__ import annotations

import functools
import math
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from scipy import sparse

from synergy.cooperation import lexicon
from synergy.cooperation.models import (
    INCOME_RANK,
    CountryProfile,
    Exchange,
    ExchangeOutcome,
    ExchangeStatus,
    InPlace,
    Offer,
    ProfileMeasure,
    RequestStatus,
)
from synergy.cooperation.profiles import official_languages, survey_prevalence, un_subregion
from synergy.core.models import Country
from synergy.knowledge.models import CountryRole, GoodPractice, PracticeCountry, PracticeStatus
from synergy.knowledge.search.query import STOPWORDS, light_stem

# --- the method's constants (documented in docs/cooperation-matching.md) -------------------

DIMENSIONS = (
    "theme",
    "region",
    "language",
    "legal",
    "institutions",
    "development",
    "prevalence",
    "prior",
    "outcomes",
)
DEFAULT_WEIGHTS: dict[str, float] = {
    "theme": 4.0,
    "region": 1.0,
    "language": 1.0,
    "legal": 0.5,
    "institutions": 0.5,
    "development": 0.5,
    "prevalence": 0.5,
    "prior": 0.5,
    "outcomes": 1.0,
}
MAX_WEIGHT = 10.0
UNKNOWN = 0.5
# How much one piece of evidence counts, by the country's part in it.
EVIDENCE_WEIGHT = {
    "offer": 1.0,
    CountryRole.SHARED: 1.0,
    CountryRole.PARTICIPATED: 0.6,
    CountryRole.LEARNED: 0.3,
    "in_place": 0.8,
}
# A concept found in a text counts this much more than a word (it crosses languages).
CONCEPT_BOOST = 2.0
# Similarities below this are noise (two texts sharing one common word).
MIN_SIMILARITY = 0.05
# Characters of each practice field read (the opening says what a practice is about).
FIELD_CHARS = 3000
OUTCOME_VALUE = {
    ExchangeOutcome.ADOPTED: 1.0,
    ExchangeOutcome.ADAPTED: 0.75,
    ExchangeOutcome.NOT_ADOPTED: 0.0,
}
OUTCOME_HALF_LIFE_YEARS = 3.0
PREVALENCE_SPAN = 20.0  # percentage points at which two prevalences count as unlike

# What each thing a country has in place is evidence of (knowledge base themes).
IN_PLACE_CONCEPTS: dict[str, tuple[str, ...]] = {
    InPlace.NATIONAL_ACTION_PLAN: ("national-action-plans",),
    InPlace.HAZARDOUS_WORK_LIST: ("hazardous-work-lists",),
    InPlace.CHILD_LABOUR_UNIT: ("institutional-coordination",),
    InPlace.STEERING_COMMITTEE: ("institutional-coordination",),
    InPlace.TRIPARTITE_COMMISSION: ("tripartite-commissions",),
    InPlace.CLMS: ("child-labour-monitoring",),
    InPlace.CCT: ("conditional-cash-transfers", "social-protection"),
    InPlace.LABOUR_INSPECTION: ("labour-inspection",),
    InPlace.TRADE_UNION_POLICY: ("trade-union-policy",),
    InPlace.FREE_ZONES: ("child-labour-free-zones",),
    InPlace.SCREAM: ("scream-education",),
    InPlace.ANTI_TRAFFICKING: ("trafficking-csec",),
}


def clean_weights(weights: Mapping[str, Any] | None) -> dict[str, float]:
    """The default weights with the given ones applied (each clipped to 0–10); unknown names
    and values that are not numbers are ignored. All zero falls back to the defaults."""
    out = dict(DEFAULT_WEIGHTS)
    for name, value in (weights or {}).items():
        if name not in out:
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(number):
            out[name] = min(max(number, 0.0), MAX_WEIGHT)
    return out if sum(out.values()) > 0 else dict(DEFAULT_WEIGHTS)


# --- features ------------------------------------------------------------------------------


# Words repeat a lot across practices: stemming each distinct word once saves most of the
# time of reading 10,000 practices.
_stem = functools.lru_cache(maxsize=200_000)(light_stem)


def features(text: str, themes: Iterable[str] = ()) -> Counter[str]:
    """Words (stemmed) and concepts of a text; ``themes`` (slugs) count as concepts named
    twice, since someone chose them."""
    words = lexicon.tokens(text)
    found: Counter[str] = Counter()
    for word in words:
        if len(word) >= 4 and word not in STOPWORDS and not word.isdigit():
            found["w:" + _stem(word)] += 1
    for concept, n in lexicon.concepts_in_tokens(words).items():
        found["c:" + concept] += n
    for slug in themes:
        found["c:" + slug] += 2
    return found


def practice_text(practice: GoodPractice) -> str:
    parts = [practice.title, practice.title, practice.summary]
    for name in ("action", "background", "lessons_learned", "achievements"):
        parts.append(str(getattr(practice, name) or "")[:FIELD_CHARS])
    return "\n".join(parts)


# Features of practices, kept across index rebuilds: (id, updated_at) → features.
_practice_features: dict[tuple[int, Any], Counter[str]] = {}


# --- the index ------------------------------------------------------------------------------


@dataclass
class Evidence:
    kind: str  # "practice", "offer" or "in_place"
    ref: Any  # practice id, offer id or InPlace value
    title: str
    organisation_ids: tuple[int, ...] = ()


@dataclass
class CountryFacts:
    iso2: str
    name: str
    subregion: str
    m49_subregion: str
    ilo_region: str
    m49_region: str
    languages: tuple[str, ...]
    legal: str = ""
    income: str = ""
    measures: dict[str, int | None] = field(default_factory=dict)
    prevalence: float | None = None


@dataclass
class Index:
    key: tuple[Any, ...]
    vocabulary: dict[str, int]
    idf: np.ndarray
    matrix: Any  # CSR, one normalised row per evidence item
    evidence: list[Evidence]
    # (evidence row, country position, weight, role) for every country's part in an item.
    pair_rows: np.ndarray
    pair_countries: np.ndarray
    pair_weights: np.ndarray
    pair_roles: list[str]
    countries: list[CountryFacts]
    position: dict[str, int]
    prior: Counter[frozenset[str]]
    outcomes: dict[str, tuple[float, Counter[str]]]
    organisation_country: dict[int, str]
    organisation_name: dict[int, str]


def _key() -> tuple[Any, ...]:
    """What the index was built from: it is rebuilt when any of it changes."""
    practices = GoodPractice.objects.aggregate(
        n=Count("id"),
        published=Count("id", filter=Q(status=PracticeStatus.PUBLISHED)),
        at=Max("updated_at"),
    )
    offers = Offer.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    profiles = CountryProfile.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    exchanges = Exchange.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return (
        tuple(practices.values()),
        PracticeCountry.objects.count(),
        tuple(offers.values()),
        tuple(profiles.values()),
        ProfileMeasure.objects.count(),
        tuple(exchanges.values()),
    )


def _weighted(
    counts: Counter[str], vocabulary: dict[str, int], idf: np.ndarray
) -> tuple[list[int], np.ndarray]:
    """The columns and TF-IDF weights (unit length) of a text's features; features outside
    the vocabulary are dropped. Concepts weigh ``CONCEPT_BOOST`` times a word."""
    known = [(vocabulary[f], n, f) for f, n in counts.items() if f in vocabulary]
    values = np.array(
        [
            (1.0 + math.log(n)) * idf[col] * (CONCEPT_BOOST if f.startswith("c:") else 1.0)
            for col, n, f in known
        ]
    )
    norm = float(np.linalg.norm(values)) if len(values) else 0.0
    return [col for col, _n, _f in known], values / norm if norm > 0 else values


def _vector(counts: Counter[str], vocabulary: dict[str, int], idf: np.ndarray) -> Any:
    cols, values = _weighted(counts, vocabulary, idf)
    row = np.zeros(len(vocabulary))
    row[cols] = values
    return row


def _country_facts() -> tuple[list[CountryFacts], dict[str, int]]:
    profiles = {
        p.country_id: p
        for p in CountryProfile.objects.select_related("country").prefetch_related("measures")
    }
    facts: list[CountryFacts] = []
    for country in Country.objects.all():
        profile = profiles.get(country.iso2)
        item = CountryFacts(
            iso2=country.iso2,
            name=country.name,
            subregion=un_subregion(country),
            m49_subregion=country.m49_subregion,
            ilo_region=country.ilo_region,
            m49_region=country.m49_region,
            languages=official_languages(country.iso2),
        )
        if profile is not None:
            item.legal = profile.legal_tradition
            item.income = profile.income_group
            item.measures = {m.kind: m.since for m in profile.measures.all()}
            if profile.prevalence_percent is not None:
                item.prevalence = float(profile.prevalence_percent)
        facts.append(item)
    # A survey in Synergy wins over a typed figure.
    from synergy.surveys.models import DatasetStatus, SurveyDataset

    surveyed = set(
        SurveyDataset.objects.filter(status=DatasetStatus.READY).values_list(
            "country_id", flat=True
        )
    )
    position = {f.iso2: i for i, f in enumerate(facts)}
    for iso2 in surveyed:
        found = survey_prevalence(iso2)
        if found is not None and iso2 in position:
            facts[position[iso2]].prevalence = float(found.percent)
    return facts, position


def _featurise_missing(published: Any, wanted: list[tuple[int, Any]]) -> None:
    """Read and featurise the practices whose (id, updated_at) is not cached yet: after the
    first build, only those changed since."""
    missing = [pk for pk, at in wanted if (pk, at) not in _practice_features]
    fields = ("id", "title", "summary", "action", "background", "lessons_learned")
    for start in range(0, len(missing), 500):
        chunk = published.filter(pk__in=missing[start : start + 500])
        for practice in chunk.only(*fields, "achievements", "updated_at").prefetch_related(
            "themes"
        ):
            _practice_features[(practice.pk, practice.updated_at)] = features(
                practice_text(practice), [t.slug for t in practice.themes.all()]
            )


def _build(key: tuple[Any, ...]) -> Index:
    countries, position = _country_facts()
    evidence: list[Evidence] = []
    rows: list[Counter[str]] = []
    pairs: list[tuple[int, int, float, str]] = []
    prior: Counter[frozenset[str]] = Counter()

    published = GoodPractice.objects.filter(status=PracticeStatus.PUBLISHED)
    listed = list(published.order_by("pk").values_list("pk", "title", "updated_at"))
    _featurise_missing(published, [(pk, at) for pk, _title, at in listed])
    roles_of: dict[int, list[tuple[str, str]]] = {}
    for practice_id, country_id, role in PracticeCountry.objects.filter(
        practice__status=PracticeStatus.PUBLISHED
    ).values_list("practice_id", "country_id", "role"):
        roles_of.setdefault(practice_id, []).append((country_id, role))
    organisations_of: dict[int, list[int]] = {}
    links = GoodPractice.organisations.through.objects.filter(
        goodpractice__status=PracticeStatus.PUBLISHED
    ).values_list("goodpractice_id", "organisation_id")
    for practice_id, organisation_id in links:
        organisations_of.setdefault(practice_id, []).append(organisation_id)
    live: set[tuple[int, Any]] = set()
    for pk, title, updated_at in listed:
        cache_key = (pk, updated_at)
        live.add(cache_key)
        row = len(evidence)
        evidence.append(Evidence("practice", pk, title, tuple(organisations_of.get(pk, ()))))
        rows.append(_practice_features[cache_key])
        taking_part = roles_of.get(pk, [])
        for country_id, role in taking_part:
            if country_id in position:
                pairs.append((row, position[country_id], EVIDENCE_WEIGHT[role], role))
        countries_in = {country_id for country_id, _role in taking_part}
        for a in countries_in:
            for b in countries_in:
                if a < b:
                    prior[frozenset((a, b))] += 1
    for stale in set(_practice_features) - live:
        del _practice_features[stale]

    offers = (
        Offer.objects.filter(status=RequestStatus.OPEN)
        .prefetch_related("organisations", "practices")
        .select_related("theme")
    )
    for offer in offers:
        row = len(evidence)
        evidence.append(
            Evidence("offer", offer.pk, offer.title, tuple(o.pk for o in offer.organisations.all()))
        )
        rows.append(
            features(
                f"{offer.title}\n{offer.description}", [offer.theme.slug] if offer.theme else []
            )
        )
        if offer.country_id in position:
            pairs.append((row, position[offer.country_id], EVIDENCE_WEIGHT["offer"], "offer"))

    labels = dict(InPlace.choices)
    in_place_rows: dict[str, int] = {}
    for facts in countries:
        for kind in facts.measures:
            if kind not in in_place_rows:
                in_place_rows[kind] = len(evidence)
                evidence.append(Evidence("in_place", kind, str(labels.get(kind, kind))))
                rows.append(Counter({"c:" + c: 2 for c in IN_PLACE_CONCEPTS.get(kind, ())}))
            pairs.append(
                (in_place_rows[kind], position[facts.iso2], EVIDENCE_WEIGHT["in_place"], "in_place")
            )

    outcomes: dict[str, tuple[float, Counter[str]]] = {}
    today = timezone.localdate()
    sums: dict[str, list[float]] = {}
    tallies: dict[str, Counter[str]] = {}
    for exchange in Exchange.objects.exclude(status=ExchangeStatus.CANCELLED).select_related(
        "need"
    ):
        pair = frozenset((exchange.need.country_id, exchange.provider_id))
        if len(pair) == 2 and exchange.status != ExchangeStatus.PROPOSED:
            prior[pair] += 1
        if exchange.outcome:
            when = exchange.followed_up_on or today
            age = max((today - when).days, 0) / 365.25
            weight = 0.5 ** (age / OUTCOME_HALF_LIFE_YEARS)
            total = sums.setdefault(exchange.provider_id, [0.0, 0.0])
            total[0] += weight * OUTCOME_VALUE[ExchangeOutcome(exchange.outcome)]
            total[1] += weight
            tallies.setdefault(exchange.provider_id, Counter())[exchange.outcome] += 1
    for iso2, (value, weight) in sums.items():
        # Smoothed towards the neutral 0.5 as if one more outcome of that value were known,
        # so that one report does not swing a country to either end.
        outcomes[iso2] = ((value + UNKNOWN) / (weight + 1.0), tallies[iso2])

    # Vocabulary and IDF over every evidence item.
    document_frequency: Counter[str] = Counter()
    for counts in rows:
        document_frequency.update(counts.keys())
    vocabulary = {f: i for i, f in enumerate(sorted(document_frequency))}
    n_items = max(len(rows), 1)
    idf = np.ones(len(vocabulary))
    for feature, df in document_frequency.items():
        idf[vocabulary[feature]] = math.log((n_items + 1) / (df + 1)) + 1.0
    data, indices, indptr = [], [], [0]
    for counts in rows:
        cols, values = _weighted(counts, vocabulary, idf)
        indices.extend(cols)
        data.extend(values.tolist())
        indptr.append(len(indices))
    matrix = sparse.csr_matrix(
        (np.array(data, dtype=float), np.array(indices, dtype=np.int64), np.array(indptr)),
        shape=(len(rows), len(vocabulary)),
    )

    organisation_ids = {o for e in evidence for o in e.organisation_ids}
    from synergy.core.models import Organisation

    organisations = Organisation.objects.filter(pk__in=organisation_ids).values_list(
        "pk", "country_id", "name"
    )
    return Index(
        key=key,
        vocabulary=vocabulary,
        idf=idf,
        matrix=matrix,
        evidence=evidence,
        pair_rows=np.array([p[0] for p in pairs], dtype=np.int64),
        pair_countries=np.array([p[1] for p in pairs], dtype=np.int64),
        pair_weights=np.array([p[2] for p in pairs], dtype=float),
        pair_roles=[p[3] for p in pairs],
        countries=countries,
        position=position,
        prior=prior,
        outcomes=outcomes,
        organisation_country={pk: c or "" for pk, c, _n in organisations},
        organisation_name={pk: n for pk, _c, n in organisations},
    )


_index: Index | None = None
_lock = threading.Lock()


def current_index() -> Index:
    """The index for the data as it is now (rebuilt when something behind it changed)."""
    global _index
    key = _key()
    with _lock:
        if _index is None or _index.key != key:
            _index = _build(key)
        return _index


# --- ranking --------------------------------------------------------------------------------


@dataclass
class Match:
    country: str
    name: str
    score: float
    dimensions: dict[str, dict[str, Any]]
    drivers: list[str]
    evidence: list[dict[str, Any]]
    organisations: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "name": self.name,
            "score": round(self.score, 4),
            "drivers": self.drivers,
            "explanation": self.dimensions,
            "evidence": self.evidence,
            "organisations": self.organisations,
        }


def _region(a: CountryFacts, b: CountryFacts) -> tuple[float | None, str]:
    if not a.m49_region or not b.m49_region:
        return None, _("Region unknown")
    if a.subregion and a.subregion == b.subregion:
        return 1.0, _("Same sub-region: %(name)s") % {"name": _(a.subregion)}
    if a.m49_subregion and a.m49_subregion == b.m49_subregion:
        return 0.75, _("Same region: %(name)s") % {"name": _(a.m49_subregion)}
    if a.ilo_region and a.ilo_region == b.ilo_region:
        return 0.5, _("Same ILO region")
    if a.m49_region == b.m49_region:
        return 0.25, _("Same continent: %(name)s") % {"name": _(a.m49_region)}
    return 0.0, _("Different regions")


def _language(a: CountryFacts, b: CountryFacts) -> tuple[float | None, str]:
    from synergy.cooperation.profiles import language_name

    if not a.languages or not b.languages:
        return None, _("Official languages unknown")
    shared = [code for code in b.languages if code in a.languages]
    if shared:
        names = ", ".join(language_name(code) for code in shared)
        return 1.0, _("Shares an official language: %(names)s") % {"names": names}
    return 0.0, _("No official language in common")


def _legal(a: CountryFacts, b: CountryFacts) -> tuple[float | None, str]:
    if not a.legal or not b.legal:
        return None, _("Legal tradition unknown")
    if a.legal == b.legal:
        return 1.0, _("Same legal tradition")
    if "mixed" in (a.legal, b.legal) or {a.legal, b.legal} & {"islamic", "customary"}:
        return 0.5, _("Legal traditions in part alike")
    return 0.0, _("Different legal traditions")


def _institutions(a: CountryFacts, b: CountryFacts) -> tuple[float | None, str]:
    if not a.measures or not b.measures:
        return None, _("What one of the countries has in place is unknown")
    both = set(a.measures) & set(b.measures)
    either = set(a.measures) | set(b.measures)
    labels = dict(InPlace.choices)
    text = ngettext(
        "%(n)d of %(m)d measures in common", "%(n)d of %(m)d measures in common", len(either)
    ) % {"n": len(both), "m": len(either)}
    if both:
        text += ": " + ", ".join(str(labels[k]) for k in sorted(both) if k in labels)
    return len(both) / len(either), text


def _development(a: CountryFacts, b: CountryFacts) -> tuple[float | None, str]:
    if a.income not in INCOME_RANK or b.income not in INCOME_RANK:
        return None, _("Income group unknown")
    gap = abs(INCOME_RANK[a.income] - INCOME_RANK[b.income])
    if gap == 0:
        return 1.0, _("Same income group")
    return 1.0 - gap / 3.0, ngettext(
        "Income groups %(n)d step apart", "Income groups %(n)d steps apart", gap
    ) % {"n": gap}


def _prevalence(a: CountryFacts, b: CountryFacts) -> tuple[float | None, str]:
    if a.prevalence is None or b.prevalence is None:
        return None, _("Prevalence of child labour unknown")
    gap = abs(a.prevalence - b.prevalence)
    return max(0.0, 1.0 - gap / PREVALENCE_SPAN), _("Child labour %(a).1f%% against %(b).1f%%") % {
        "a": b.prevalence,
        "b": a.prevalence,
    }


def _prior(index: Index, learner: str, provider: str) -> tuple[float, str]:
    n = index.prior.get(frozenset((learner, provider)), 0)
    if not n:
        return 0.0, _("No earlier cooperation recorded")
    return 1.0 - 0.5**n, ngettext(
        "%(n)d earlier cooperation together", "%(n)d earlier cooperations together", n
    ) % {"n": n}


def _outcomes(index: Index, provider: str) -> tuple[float | None, str]:
    found = index.outcomes.get(provider)
    if found is None:
        return None, _("No exchange followed up yet")
    value, tally = found
    labels = dict(ExchangeOutcome.choices)
    parts = ", ".join(f"{labels[k]}: {n}" for k, n in sorted(tally.items()))
    return value, _("Outcomes of its exchanges: %(parts)s") % {"parts": parts}


def rank(
    *,
    learner: str,
    text: str,
    theme: str = "",
    weights: Mapping[str, Any] | None = None,
    top: int = 10,
    index: Index | None = None,
) -> list[Match]:
    """Provider countries for a need of ``learner`` (ISO alpha-2) described by ``text`` (and
    its theme's slug), best first, at most ``top``."""
    index = index or current_index()
    w = clean_weights(weights)
    total_weight = sum(w.values())
    learner = learner.upper()
    if not index.evidence:
        return []
    need = _vector(features(text, [theme] if theme else []), index.vocabulary, index.idf)
    similarity = index.matrix @ need
    strength = index.pair_weights * similarity[index.pair_rows]
    strength[similarity[index.pair_rows] < MIN_SIMILARITY] = 0.0
    log_miss = np.zeros(len(index.countries))
    np.add.at(log_miss, index.pair_countries, np.log1p(-np.minimum(strength, 0.999)))
    theme_score = 1.0 - np.exp(log_miss)
    me = index.position.get(learner)
    learner_facts = index.countries[me] if me is not None else None
    candidates = [i for i in np.flatnonzero(theme_score > 0.0) if i != me]

    matches: list[Match] = []
    for i in candidates:
        facts = index.countries[i]
        dims: dict[str, tuple[float | None, str]] = {"theme": (float(theme_score[i]), "")}
        if learner_facts is not None:
            dims["region"] = _region(learner_facts, facts)
            dims["language"] = _language(learner_facts, facts)
            dims["legal"] = _legal(learner_facts, facts)
            dims["institutions"] = _institutions(learner_facts, facts)
            dims["development"] = _development(learner_facts, facts)
            dims["prevalence"] = _prevalence(learner_facts, facts)
        dims["prior"] = _prior(index, learner, facts.iso2)
        dims["outcomes"] = _outcomes(index, facts.iso2)
        explanation: dict[str, dict[str, Any]] = {}
        score = 0.0
        for name in DIMENSIONS:
            value, reason = dims.get(name, (None, _("Unknown")))
            known = value is not None
            used = float(value) if value is not None else UNKNOWN
            contribution = w[name] * used / total_weight
            score += contribution
            explanation[name] = {
                "score": round(used, 4),
                "known": known,
                "weight": w[name],
                "contribution": round(contribution, 4),
                "reason": reason,
            }
        matches.append(Match(facts.iso2, facts.name, score, explanation, [], [], []))
    matches.sort(key=lambda m: (-m.score, m.country))
    matches = matches[:top]
    for match in matches:
        _explain_theme(index, match, similarity, strength)
        match.drivers = drivers(match.dimensions)
    return matches


def drivers(explanation: Mapping[str, Mapping[str, Any]], limit: int = 3) -> list[str]:
    """The known dimensions that added most to the score, largest first."""
    known = [
        (d["contribution"], name)
        for name, d in explanation.items()
        if d["known"] and d["contribution"] > 0
    ]
    return [name for _c, name in sorted(known, key=lambda x: (-x[0], DIMENSIONS.index(x[1])))][
        :limit
    ]


def _explain_theme(
    index: Index, match: Match, similarity: np.ndarray, strength: np.ndarray
) -> None:
    """The evidence behind a country's theme score (its strongest items) and its
    organisations named in them."""
    position = index.position[match.country]
    mine = np.flatnonzero((index.pair_countries == position) & (strength > 0))
    mine = mine[np.argsort(-strength[mine], kind="stable")][:5]
    role_labels = dict(CountryRole.choices)
    items = []
    organisations: dict[int, str] = {}
    for pair in mine:
        row = int(index.pair_rows[pair])
        item = index.evidence[row]
        role = index.pair_roles[pair]
        items.append(
            {
                "kind": item.kind,
                "id": item.ref,
                "title": item.title,
                "role": role,
                "role_label": str(role_labels.get(role, "")),
                "similarity": round(float(similarity[row]), 4),
            }
        )
        for pk in item.organisation_ids:
            if index.organisation_country.get(pk) == match.country:
                organisations[pk] = index.organisation_name[pk]
    match.evidence = items
    match.organisations = [{"id": pk, "name": name} for pk, name in organisations.items()]
    counts = Counter(i["kind"] for i in items)
    parts = []
    if counts["practice"]:
        parts.append(
            ngettext("%(n)d practice", "%(n)d practices", counts["practice"])
            % {"n": counts["practice"]}
        )
    if counts["offer"]:
        parts.append(
            ngettext("%(n)d offer", "%(n)d offers", counts["offer"]) % {"n": counts["offer"]}
        )
    if counts["in_place"]:
        parts.append(
            ngettext("%(n)d measure in place", "%(n)d measures in place", counts["in_place"])
            % {"n": counts["in_place"]}
        )
    match.dimensions["theme"]["reason"] = (
        _("Evidence on the subject: %(parts)s") % {"parts": ", ".join(parts)}
        if parts
        else _("Little evidence on the subject")
    )


__all__ = ["DEFAULT_WEIGHTS", "DIMENSIONS", "Match", "clean_weights", "current_index", "rank"]
