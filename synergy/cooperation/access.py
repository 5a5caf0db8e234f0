"""Who may see and change what in South-South cooperation.

- Country profiles, offers, non-confidential needs and their exchanges are read by every
  signed-in member: they exist to be found.
- A confidential need (and its exchanges and matches) is seen only by its country's national
  coordinators and system administrators, and by the coordinators of a provider country once
  an exchange names it; everyone else gets 404, as if it did not exist.
- A country's national coordinators (and administrators) edit its profile and write its needs
  and offers; the coordinators of either country move an exchange along.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from synergy.cooperation.models import CountryProfile, Exchange, Need, Offer
from synergy.core import roles
from synergy.core.models import Country, User


def may_write_for(user: User, country_id: str) -> bool:
    return roles.is_system_admin(user) or country_id in roles.coordinated_country_ids(user)


def may_see_need(user: User, need: Need) -> bool:
    if not need.confidential:
        return True
    if may_write_for(user, need.country_id):
        return True
    coordinated = roles.coordinated_country_ids(user)
    return bool(coordinated) and need.exchanges.filter(provider_id__in=coordinated).exists()


def may_move_exchange(user: User, exchange: Exchange) -> bool:
    return may_write_for(user, exchange.need.country_id) or may_write_for(
        user, exchange.provider_id
    )


def access_country(country_id: str) -> Country:
    country = Country.objects.filter(pk=country_id.upper()).first()
    if country is None:
        raise Http404("No such country")
    return country


def access_profile(user: User, country_id: str) -> CountryProfile | None:
    """The country's profile, None when it has none yet (a profile page still shows what the
    libraries know); 404 for an unknown country."""
    country = access_country(country_id)
    return (
        CountryProfile.objects.filter(country=country)
        .select_related("country")
        .prefetch_related("measures")
        .first()
    )


def access_need(user: User, need_id: int, *, write: bool = False) -> Need:
    need = Need.objects.select_related("country", "theme").filter(pk=need_id).first()
    if need is None or not may_see_need(user, need):
        raise Http404("No such need")
    if write and not may_write_for(user, need.country_id):
        raise PermissionDenied("Only the country's national coordinators change its needs")
    return need


def access_offer(user: User, offer_id: int, *, write: bool = False) -> Offer:
    offer = Offer.objects.select_related("country", "theme").filter(pk=offer_id).first()
    if offer is None:
        raise Http404("No such offer")
    if write and not may_write_for(user, offer.country_id):
        raise PermissionDenied("Only the country's national coordinators change its offers")
    return offer


def access_exchange(user: User, exchange_id: int, *, write: bool = False) -> Exchange:
    exchange = (
        Exchange.objects.select_related("need", "need__country", "provider", "partnership")
        .filter(pk=exchange_id)
        .first()
    )
    if exchange is None:
        raise Http404("No such exchange")
    visible = may_see_need(user, exchange.need) or may_write_for(user, exchange.provider_id)
    if not visible:
        raise Http404("No such exchange")
    if write and not may_move_exchange(user, exchange):
        raise PermissionDenied("Only the coordinators of the two countries move an exchange")
    return exchange
