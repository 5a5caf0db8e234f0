"""Scoped reads: the lists a user may see, with their filters."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from synergy.cooperation.models import (
    CountryProfile,
    Exchange,
    ExchangeStatus,
    Need,
    Offer,
    RequestStatus,
)
from synergy.core import roles
from synergy.core.models import Country, User
from synergy.knowledge.models import CountryRole, PracticeCountry, PracticeStatus, Theme


def visible_needs(user: User) -> QuerySet[Need]:
    needs = Need.objects.select_related("country", "theme")
    if roles.is_system_admin(user):
        return needs
    coordinated = roles.coordinated_country_ids(user)
    return needs.filter(
        Q(confidential=False)
        | Q(country_id__in=coordinated)
        | Q(exchanges__provider_id__in=coordinated)
    ).distinct()


def needs_for(
    user: User,
    *,
    country: str = "",
    theme: str = "",
    status: str = "",
    region: str = "",
    q: str = "",
) -> QuerySet[Need]:
    needs = visible_needs(user)
    if country:
        needs = needs.filter(country_id=country.upper())
    if theme:
        needs = needs.filter(theme__slug=theme)
    if status:
        needs = needs.filter(status=status)
    if region:
        needs = needs.filter(country__ilo_region=region)
    if q:
        needs = needs.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return needs.order_by("-created_at", "-pk")


def offers_for(
    *, country: str = "", theme: str = "", status: str = "", region: str = "", q: str = ""
) -> QuerySet[Offer]:
    offers = Offer.objects.select_related("country", "theme")
    if country:
        offers = offers.filter(country_id=country.upper())
    if theme:
        offers = offers.filter(theme__slug=theme)
    if status:
        offers = offers.filter(status=status)
    if region:
        offers = offers.filter(country__ilo_region=region)
    if q:
        offers = offers.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return offers.order_by("-created_at", "-pk")


def exchanges_for(user: User, *, country: str = "", status: str = "") -> QuerySet[Exchange]:
    exchanges = Exchange.objects.select_related("need", "need__country", "provider")
    if not roles.is_system_admin(user):
        coordinated = roles.coordinated_country_ids(user)
        exchanges = exchanges.filter(
            Q(need__confidential=False)
            | Q(need__country_id__in=coordinated)
            | Q(provider_id__in=coordinated)
        )
    if country:
        code = country.upper()
        exchanges = exchanges.filter(Q(need__country_id=code) | Q(provider_id=code))
    if status:
        exchanges = exchanges.filter(status=status)
    return exchanges.order_by("-updated_at", "-pk")


def profiles(*, region: str = "", q: str = "") -> QuerySet[CountryProfile]:
    found = CountryProfile.objects.select_related("country").prefetch_related("measures")
    if region:
        found = found.filter(country__ilo_region=region)
    if q:
        found = found.filter(Q(country__name__icontains=q) | Q(country__iso2__iexact=q))
    return found.order_by("country__name")


def shared_practices(country_id: str) -> QuerySet[PracticeCountry]:
    """The country's part in published practices (shared first)."""
    return (
        PracticeCountry.objects.filter(
            country_id=country_id, practice__status=PracticeStatus.PUBLISHED
        )
        .select_related("practice")
        .order_by("role", "practice__title")
    )


@dataclass
class MatrixCell:
    offers: int = 0
    shared: int = 0
    needs: int = 0
    exchanges: int = 0

    def __bool__(self) -> bool:
        return bool(self.offers or self.shared or self.needs or self.exchanges)


@dataclass
class Matrix:
    themes: list[Theme]
    rows: list[tuple[Country, list[MatrixCell]]] = field(default_factory=list)


def matrix(user: User, *, region: str = "") -> Matrix:
    """Countries × themes: who offers (offers, and practices it shared), who needs, and what
    was exchanged; only countries with something in a cell, and needs the user may see."""
    themes = list(Theme.objects.order_by("name"))
    column = {t.pk: i for i, t in enumerate(themes)}
    cells: dict[str, list[MatrixCell]] = {}

    def cell(country_id: str, theme_id: int | None) -> MatrixCell | None:
        if theme_id not in column:
            return None
        row = cells.setdefault(country_id, [MatrixCell() for _t in themes])
        return row[column[theme_id]]

    for country_id, theme_id in offers_for(status=RequestStatus.OPEN).values_list(
        "country_id", "theme_id"
    ):
        if (c := cell(country_id, theme_id)) is not None:
            c.offers += 1
    shared = PracticeCountry.objects.filter(
        role=CountryRole.SHARED, practice__status=PracticeStatus.PUBLISHED
    ).values_list("country_id", "practice__themes")
    for country_id, theme_id in shared:
        if (c := cell(country_id, theme_id)) is not None:
            c.shared += 1
    for country_id, theme_id in needs_for(user, status=RequestStatus.OPEN).values_list(
        "country_id", "theme_id"
    ):
        if (c := cell(country_id, theme_id)) is not None:
            c.needs += 1
    done = exchanges_for(user).exclude(status=ExchangeStatus.CANCELLED)
    for learner, provider, theme_id in done.values_list(
        "need__country_id", "provider_id", "need__theme_id"
    ):
        for country_id in (learner, provider):
            if (c := cell(country_id, theme_id)) is not None:
                c.exchanges += 1
    countries = Country.objects.filter(pk__in=cells.keys())
    if region:
        countries = countries.filter(ilo_region=region)
    result = Matrix(themes)
    for country in sorted(countries, key=lambda c: c.name):
        result.rows.append((country, cells[country.iso2]))
    return result
