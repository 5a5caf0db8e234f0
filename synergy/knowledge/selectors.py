"""Reads of the knowledge base, scoped to the user who asks.

Search (the practice list page and the API's ``q``) lives in ``synergy.knowledge.search``;
this module holds what it returns (``SearchResults``, ``SearchHit``, ``Facet``) and the
visibility rule it shares (``practice_visibility``, ``visible_practices``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString

from synergy.core.models import Country, IloRegion, User
from synergy.knowledge.models import (
    CountryRole,
    Event,
    EvidenceLevel,
    GoodPractice,
    KnowledgeSettings,
    Outcome,
    PracticeCountry,
    PracticeStatus,
    Theme,
)
from synergy.knowledge.services import is_knowledge_editor

Visitor = User | AnonymousUser


@dataclass(frozen=True)
class Visibility:
    """Which practices a visitor may read: nothing, everything, or the published ones plus
    (``author_id``) their own. The one rule behind ``visible_practices`` and the search's
    in-memory facet counts."""

    nothing: bool = False
    everything: bool = False
    author_id: int | None = None


def practice_visibility(user: Visitor) -> Visibility:
    if not user.is_authenticated:
        if not KnowledgeSettings.load().public_access:
            return Visibility(nothing=True)
        return Visibility()
    assert isinstance(user, User)
    if is_knowledge_editor(user):
        return Visibility(everything=True)
    return Visibility(author_id=user.pk)


def visible_practices(
    user: Visitor, visibility: Visibility | None = None
) -> QuerySet[GoodPractice]:
    """Practices this visitor may read (``visibility``: already worked out for this user)."""
    rule = visibility or practice_visibility(user)
    qs = GoodPractice.objects.all()
    if rule.nothing:
        return qs.none()
    if rule.everything:
        return qs
    if rule.author_id is not None:
        return qs.filter(Q(status=PracticeStatus.PUBLISHED) | Q(author_id=rule.author_id))
    return qs.filter(status=PracticeStatus.PUBLISHED)


def with_listing_relations(qs: QuerySet[GoodPractice]) -> QuerySet[GoodPractice]:
    """What a list row shows, in a constant number of queries."""
    return qs.select_related("author").prefetch_related(
        "themes",
        "regions",
        Prefetch(
            "country_roles",
            queryset=PracticeCountry.objects.select_related("country").order_by("country__name"),
        ),
    )


@dataclass(frozen=True)
class SearchFilters:
    theme: str = ""
    region: str = ""
    country: str = ""
    status: str = ""
    evidence_level: str = ""
    kind: str = ""  # "", "practice", "lesson" or "event"
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class Facet:
    value: str
    label: str
    count: int


@dataclass
class SearchHit:
    kind: str  # "practice", "lesson" or "event"
    rank: float
    snippet: SafeString
    practice: GoodPractice | None = None
    outcome: Outcome | None = None
    event: Event | None = None

    @property
    def title(self) -> str:
        obj = self.practice or self.outcome or self.event
        return str(obj)

    @property
    def url(self) -> str:
        if self.practice is not None:
            return reverse("knowledge-practice-detail", args=[self.practice.pk])
        if self.outcome is not None:
            return reverse("knowledge-event-detail", args=[self.outcome.event_id])
        assert self.event is not None
        return reverse("knowledge-event-detail", args=[self.event.pk])


@dataclass
class SearchResults:
    hits: list[SearchHit]
    total: int
    facets: dict[str, list[Facet]] = field(default_factory=dict)


def filter_practices(qs: QuerySet[GoodPractice], filters: SearchFilters) -> QuerySet[GoodPractice]:
    if filters.theme:
        qs = qs.filter(themes__slug=filters.theme)
    if filters.region:
        qs = qs.filter(regions__region=filters.region)
    if filters.country:
        qs = qs.filter(country_roles__country_id=filters.country.upper())
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.evidence_level:
        qs = qs.filter(evidence_level=filters.evidence_level)
    return qs.distinct()


# --- theme and country pages -----------------------------------------------------------------


@dataclass
class CountryKnowledge:
    country: Country
    shared: list[GoodPractice]
    learned: list[GoodPractice]
    participated: list[GoodPractice]
    events: list[Event]


def country_knowledge(*, user: Visitor, country: Country) -> CountryKnowledge:
    """What a country shared, learned and took part in, among the practices the user sees."""
    rows = (
        PracticeCountry.objects.filter(
            country=country, practice__in=visible_practices(user).values("pk")
        )
        .select_related("practice")
        .order_by("practice__title")
    )
    by_role: dict[str, list[GoodPractice]] = {r: [] for r in CountryRole.values}
    for row in rows:
        by_role[row.role].append(row.practice)
    events: list[Event] = []
    if user.is_authenticated:
        events = list(
            Event.objects.filter(Q(participating_countries=country) | Q(country=country))
            .distinct()
            .order_by("-start_date")[:50]
        )
    return CountryKnowledge(
        country=country,
        shared=by_role[CountryRole.SHARED],
        learned=by_role[CountryRole.LEARNED],
        participated=by_role[CountryRole.PARTICIPATED],
        events=events,
    )


def theme_counts(*, user: Visitor) -> list[tuple[Theme, int]]:
    """Every theme with the number of practices the user sees in it (one query)."""
    visible = visible_practices(user).values("pk")
    themes = Theme.objects.annotate(
        n=Count("practices", filter=Q(practices__in=visible), distinct=True)
    ).order_by("name")
    return [(theme, theme.n) for theme in themes]


def theme_practices(*, user: Visitor, theme: Theme) -> QuerySet[GoodPractice]:
    return with_listing_relations(
        visible_practices(user).filter(themes=theme).order_by("title", "pk")
    )


def practice_detail_relations(practice_id: int) -> GoodPractice:
    """The practice with everything its page shows, in a fixed number of queries."""
    return (
        GoodPractice.objects.select_related("author")
        .prefetch_related(
            "themes",
            "exploitation_forms",
            "target_groups",
            "organisations",
            "regions",
            "sources",
            "attachments",
            "assessments",
            Prefetch(
                "country_roles",
                queryset=PracticeCountry.objects.select_related("country").order_by(
                    "country__name"
                ),
            ),
        )
        .get(pk=practice_id)
    )


def event_list(*, user: User, kind: str = "") -> QuerySet[Event]:
    qs = Event.objects.select_related("country", "host").annotate(
        outcome_count=Count("outcomes", distinct=True),
        open_count=Count(
            "outcomes", filter=Q(outcomes__status__in=["open", "in_progress"]), distinct=True
        ),
    )
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-start_date", "-id")


def follow_ups(*, user: User, status: str = "") -> QuerySet[Outcome]:
    """Outcomes that need following up, soonest due first."""
    qs = Outcome.objects.select_related("event", "owner_user", "owner_organisation")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("due_date", "id")


def listing_choices() -> dict[str, Any]:
    return {
        "themes": Theme.objects.order_by("name"),
        "regions": IloRegion.choices,
        "statuses": PracticeStatus.choices,
        "evidence_levels": EvidenceLevel.choices,
    }


@dataclass(frozen=True)
class RelatedPractice:
    practice: GoodPractice
    forms: int  # forms of exploitation in common (under SDG 8.7)
    groups: int  # target groups in common


def practices_matching(
    *, user: Visitor, forms: list[str], groups: list[str], limit: int = 5
) -> list[RelatedPractice]:
    """Published practices on the same forms of exploitation or target groups (codes of
    ``core.vocab``), those sharing more first: what a project team reads before it starts."""
    if not forms and not groups:
        return []
    qs = (
        visible_practices(user)
        .filter(status=PracticeStatus.PUBLISHED)
        .annotate(
            same_forms=Count(
                "exploitation_forms", filter=Q(exploitation_forms__form__in=forms), distinct=True
            ),
            same_groups=Count(
                "target_groups", filter=Q(target_groups__group__in=groups), distinct=True
            ),
        )
        .filter(Q(same_forms__gt=0) | Q(same_groups__gt=0))
        .alias(shared=F("same_forms") + F("same_groups"))
        .order_by("-shared", "-same_groups", F("published_at").desc(nulls_last=True), "pk")
    )
    return [RelatedPractice(p, p.same_forms, p.same_groups) for p in qs[:limit]]
