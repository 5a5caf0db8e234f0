"""What a user may do, derived from their memberships. Small, cached per request object."""

from __future__ import annotations

from django.db.models import QuerySet

from synergy.core.models import Membership, Organisation, Role, RolePolicy, User

# Roles that may change the organisation directory, and whose scope is a whole country.
DIRECTORY_EDITORS = {Role.SYSTEM_ADMIN, Role.NATIONAL_COORDINATOR}


def memberships(user: User) -> list[Membership]:
    cached: list[Membership] | None = getattr(user, "_synergy_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user).select_related(
                "organisation", "organisation__country"
            )
        )
        user._synergy_memberships = cached  # type: ignore[attr-defined]
    return cached


def roles(user: User) -> set[str]:
    return {m.role for m in memberships(user)}


def is_system_admin(user: User) -> bool:
    return bool(user.is_superuser) or Role.SYSTEM_ADMIN in roles(user)


def coordinated_country_ids(user: User) -> set[str]:
    """Countries in which the user is a national coordinator."""
    return {
        m.organisation.country_id
        for m in memberships(user)
        if m.role == Role.NATIONAL_COORDINATOR and m.organisation.country_id
    }


def member_organisation_ids(user: User) -> set[int]:
    return {m.organisation_id for m in memberships(user)}


def managed_organisation_ids(user: User) -> set[int]:
    """Organisations in which the user is a partner manager."""
    return {m.organisation_id for m in memberships(user) if m.role == Role.PARTNER_MANAGER}


def can_create_organisation(user: User) -> bool:
    return is_system_admin(user) or bool(coordinated_country_ids(user))


def can_edit_organisation(user: User, organisation: Organisation) -> bool:
    if is_system_admin(user):
        return True
    return organisation.country_id in coordinated_country_ids(user)


def two_factor_required(user: User) -> bool:
    user_roles = roles(user)
    if user.is_superuser:
        user_roles.add(Role.SYSTEM_ADMIN)
    if not user_roles:
        return False
    return RolePolicy.objects.filter(role__in=user_roles, require_two_factor=True).exists()


def organisations_of(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user)
