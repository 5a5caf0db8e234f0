"""Reads of the shared kernel, scoped to the user who asks."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from synergy.core.models import Country, Organisation, User


def organisation_list(
    *, user: User, search: str = "", kind: str = "", country: str = ""
) -> QuerySet[Organisation]:
    """The organisation directory, open to every signed-in user."""
    qs = Organisation.objects.select_related("country")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(acronym__icontains=search))
    if kind:
        qs = qs.filter(kind=kind)
    if country:
        qs = qs.filter(country_id=country.upper())
    return qs.order_by("name", "pk")


def countries_with_organisations() -> QuerySet[Country]:
    return Country.objects.filter(organisations__isnull=False).distinct().order_by("name")


@dataclass(frozen=True)
class DashboardCounts:
    organisations: int
    countries: int
    partners_by_kind: list[tuple[str, int]]
    users: int


def dashboard_counts(*, user: User) -> DashboardCounts:
    by_kind = Organisation.objects.values("kind").annotate(n=Count("id")).order_by("-n", "kind")
    labels = dict(Organisation._meta.get_field("kind").choices or [])
    return DashboardCounts(
        organisations=Organisation.objects.count(),
        countries=Organisation.objects.exclude(country=None).values("country").distinct().count(),
        partners_by_kind=[(str(labels.get(row["kind"], row["kind"])), row["n"]) for row in by_kind],
        users=User.objects.filter(is_active=True).count(),
    )
