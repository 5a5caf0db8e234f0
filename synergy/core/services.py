"""Writes to the shared kernel. Each function is atomic and leaves an audit event."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from synergy.core import roles
from synergy.core.audit import audit_record
from synergy.core.models import ApiToken, Country, Membership, Organisation, Role, User
from synergy.core.staging import Staged, changed_fields, staged_save
from synergy.core.versioning import versioned_update


class OrganisationFields(TypedDict, total=False):
    """What the directory's pages, API and imports may set on an organisation."""

    name: str
    acronym: str
    kind: str
    country: Country | None
    website: str
    description: str
    iati_identifier: str


ORGANISATION_FIELDS = tuple(OrganisationFields.__annotations__)


@transaction.atomic
def organisation_create(*, actor: User, **fields: Unpack[OrganisationFields]) -> Organisation:
    country = fields.get("country")
    if not roles.is_system_admin(actor) and (
        country is None or country.pk not in roles.coordinated_country_ids(actor)
    ):
        raise PermissionDenied(
            "Only system administrators and national coordinators of the "
            "organisation's country create organisations"
        )
    organisation = Organisation(**{k: v for k, v in fields.items() if k in ORGANISATION_FIELDS})
    organisation.full_clean()
    organisation.save()
    audit_record(actor=actor, action="create", obj=organisation, organisation=organisation)
    return organisation


@transaction.atomic
def organisation_update(
    *, actor: User, organisation: Organisation, version: int, **changes: Unpack[OrganisationFields]
) -> Organisation:
    """Apply ``changes`` if nobody saved the organisation since ``version`` was read."""
    fields: dict[str, Any] = dict(changes)
    if not roles.can_edit_organisation(actor, organisation):
        raise PermissionDenied("Only system administrators and national coordinators edit this")
    new_country = fields.get("country", organisation.country)
    if not roles.is_system_admin(actor) and (
        new_country is None or new_country.pk not in roles.coordinated_country_ids(actor)
    ):
        raise PermissionDenied("A national coordinator keeps organisations in its own country")
    changed = sorted(
        k for k, v in fields.items() if k in ORGANISATION_FIELDS and getattr(organisation, k) != v
    )
    for key in changed:
        setattr(organisation, key, fields[key])
    organisation.full_clean()
    # A stale form never overwrites a newer save.
    versioned_update(organisation, version, **{k: getattr(organisation, k) for k in changed})
    audit_record(
        actor=actor,
        action="update",
        obj=organisation,
        organisation=organisation,
        detail={"fields": changed},
    )
    return organisation


def organisation_stage(found: Organisation | None, values: dict[str, Any]) -> Staged:
    """An imported row's organisation, not yet written (see ``core.staging``); the importer
    checks the actor's right to import it."""
    values = {k: v for k, v in values.items() if k in ORGANISATION_FIELDS}
    if found is None:
        return Staged(Organisation(**values), True, [], 1)
    return Staged(found, False, changed_fields(found, values), found.version)


def organisation_import_save(*, actor: User | None, staged: Staged) -> None:
    staged_save(actor, staged, staged.obj)


@transaction.atomic
def membership_set(
    *, actor: User | None, user: User, organisation: Organisation, role: Role
) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    audit_record(
        actor=actor,
        action="membership_set",
        obj=membership,
        organisation=organisation,
        detail={"role": str(role)},
    )
    return membership


TOKEN_PREFIX = "syn_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its plain text, which is never stored or shown again."""
    prefix = secrets.token_hex(4)
    plain = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(user=user, name=name.strip() or "token", prefix=prefix, digest=_digest(plain))
    token.full_clean()
    token.save()
    audit_record(actor=user, action="token_create", obj=token)
    return token, plain


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    if token.user_id != user.pk:
        raise PermissionDenied("Not your token")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=user, action="token_revoke", obj=token)
    return token


@transaction.atomic
def two_factor_disable(*, user: User, password: str, token: str) -> None:
    """Turn two-factor sign-in off for ``user``: only with the password and a current code
    (a borrowed, signed-in session is not enough), and never where a role requires it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    errors: dict[str, str] = {}
    if roles.two_factor_required(user):
        raise PermissionDenied(
            str(_("One of your roles requires two-factor sign-in: it cannot be turned off."))
        )
    if not user.check_password(password):
        errors["password"] = str(_("The password is not right."))
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if not any(device.verify_token(token) for device in devices):
        errors["token"] = str(_("That code is not valid."))
    if errors:
        raise ValidationError(errors)
    TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=user, action="two_factor_disable", obj=user)


def api_token_authenticate(plain: str) -> User | None:
    """The active user owning this token, or None. Records when the token was last used."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(plain), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Only touch the row once a minute, so a busy client does not write on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
