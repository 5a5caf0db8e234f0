"""Fetch-and-check of CLMS records: the only way views, the API and exports fetch them.

Who sees a child, household or visit (``access_child`` etc.):
- members of the registering organisation: case workers and partner managers read and write,
  viewers (and other member roles except analysts and service providers) read only (403 on
  write);
- national coordinators of the record's country, and system administrators: read and write;
- everyone else - analysts (aggregates only), service providers, other partners: 404, so the
  record's existence is not revealed.
A service provider organisation sees a referral made to it through ``access_referral`` only,
and through it only the fields of selectors.ReferralForProvider - never the child's record.

Records are addressed by ``public_id`` (UUID); a malformed id is a 404 like an unknown one.
Children merged into another record (``merged_into``) are reached through the survivor only.
"""

from __future__ import annotations

import uuid
from typing import NoReturn

from django.core.exceptions import PermissionDenied
from django.http import Http404

from synergy.core import roles
from synergy.core.models import Role, User
from synergy.monitoring.models import Child, Household, Referral, Visit

# Member roles that may change the organisation's CLMS records.
WRITE_ROLES = frozenset({Role.CASE_WORKER, Role.PARTNER_MANAGER})
# Member roles that never see personal records, even of their own organisation.
NO_RECORD_ROLES = frozenset({Role.ANALYST, Role.SERVICE_PROVIDER})
# Member roles that may export personal data (besides coordinators and admins).
EXPORT_ROLES = frozenset({Role.PARTNER_MANAGER})


def _uuid(value: object) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Http404("Not found") from None


def _org_roles(user: User, organisation_id: int) -> set[str]:
    return {m.role for m in roles.memberships(user) if m.organisation_id == organisation_id}


def record_rights(user: User, *, organisation_id: int, country_id: str) -> tuple[bool, bool]:
    """(may read, may write) a personal record owned by ``organisation_id`` in ``country_id``."""
    if not user.is_authenticated:
        return False, False
    if roles.is_system_admin(user) or country_id in roles.coordinated_country_ids(user):
        return True, True
    member = _org_roles(user, organisation_id) - NO_RECORD_ROLES
    if not member:
        return False, False
    return True, bool(member & WRITE_ROLES)


def can_export(user: User, *, organisation_id: int | None = None) -> bool:
    """Exports of personal data: partner managers (of that organisation, when given),
    national coordinators and system administrators."""
    if roles.is_system_admin(user) or roles.coordinated_country_ids(user):
        return True
    managed = {m.organisation_id for m in roles.memberships(user) if m.role in EXPORT_ROLES}
    return bool(managed) if organisation_id is None else organisation_id in managed


def can_see_access_log(user: User, child: Child) -> bool:
    return roles.is_system_admin(user) or child.country_id in roles.coordinated_country_ids(user)


def _check(user: User, *, organisation_id: int, country_id: str, write: bool, what: str) -> None:
    may_read, may_write = record_rights(
        user, organisation_id=organisation_id, country_id=country_id
    )
    if not may_read:
        raise Http404(f"No such {what}")
    if write and not may_write:
        raise PermissionDenied(f"Your role does not allow changing this {what}")


def _not_found(what: str) -> NoReturn:
    raise Http404(f"No such {what}")


def access_child(user: User, child_id: object, *, write: bool = False) -> Child:
    """The child with public id ``child_id`` if ``user`` may read it (and write, if asked)."""
    child = (
        Child.objects.select_related("organisation", "country", "area", "household", "case_worker")
        .filter(public_id=_uuid(child_id), merged_into__isnull=True)
        .first()
    )
    if child is None:
        _not_found("child")
    _check(
        user,
        organisation_id=child.organisation_id,
        country_id=child.country_id,
        write=write,
        what="child",
    )
    return child


def access_household(user: User, household_id: object, *, write: bool = False) -> Household:
    household = (
        Household.objects.select_related("organisation", "country", "area")
        .filter(public_id=_uuid(household_id))
        .first()
    )
    if household is None:
        _not_found("household")
    _check(
        user,
        organisation_id=household.organisation_id,
        country_id=household.country_id,
        write=write,
        what="household",
    )
    return household


def access_visit(user: User, visit_id: object, *, write: bool = False) -> Visit:
    """A visit is readable and writable exactly as its child is."""
    visit = (
        Visit.objects.select_related("child", "child__organisation", "organisation")
        .filter(public_id=_uuid(visit_id), child__merged_into__isnull=True)
        .first()
    )
    if visit is None:
        _not_found("visit")
    _check(
        user,
        organisation_id=visit.child.organisation_id,
        country_id=visit.child.country_id,
        write=write,
        what="visit",
    )
    return visit


def referral_side(user: User, referral: Referral) -> str:
    """ "owner" when the user may see the child's whole record (and so the referral),
    "provider" when the user is a member of the provider organisation only, "" otherwise."""
    child = referral.child
    may_read, _ = record_rights(
        user, organisation_id=child.organisation_id, country_id=child.country_id
    )
    if may_read:
        return "owner"
    provider_roles = _org_roles(user, referral.to_organisation_id) - {Role.ANALYST}
    if provider_roles:
        return "provider"
    return ""


def provider_may_act(user: User, referral: Referral) -> bool:
    """Accept, decline and record services: provider members other than viewers."""
    provider_roles = _org_roles(user, referral.to_organisation_id)
    return bool(provider_roles & {Role.SERVICE_PROVIDER, Role.CASE_WORKER, Role.PARTNER_MANAGER})


def access_referral(
    user: User, referral_id: object, *, write: bool = False, side: str = ""
) -> tuple[Referral, str]:
    """The referral and the side the user is on ("owner" or "provider").

    ``write`` asks for the right to act on the referral: for the provider side, accepting,
    declining and recording services; for the owner side, changing or cancelling it. Pass
    ``side`` to require one side (e.g. "provider" for the accept page): a user on the other
    side gets 404 (owner pages) or 403 (provider actions by the referring organisation)."""
    referral = (
        Referral.objects.select_related(
            "child", "child__organisation", "from_organisation", "to_organisation", "contact"
        )
        .filter(public_id=_uuid(referral_id), child__merged_into__isnull=True)
        .first()
    )
    if referral is None:
        _not_found("referral")
    actual = referral_side(user, referral)
    if not actual:
        _not_found("referral")
    if side == "owner" and actual != "owner":
        _not_found("referral")
    if side == "provider" and actual != "provider":
        # A coordinator or the referring organisation may be looking: not theirs to accept.
        if _org_roles(user, referral.to_organisation_id):
            actual = "provider"
        else:
            raise PermissionDenied("Only the service provider acts on this referral")
    if write:
        if actual == "provider":
            if not provider_may_act(user, referral):
                raise PermissionDenied("Your role does not allow acting on this referral")
        else:
            _check(
                user,
                organisation_id=referral.child.organisation_id,
                country_id=referral.child.country_id,
                write=True,
                what="referral",
            )
    return referral, actual
