"""Referrals to service providers: creation, acceptance, decline, services delivered."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from synergy.core.audit import audit_record
from synergy.core.errors import StaleVersionError
from synergy.core.models import Organisation, User
from synergy.core.versioning import versioned_update
from synergy.monitoring import casework, rules
from synergy.monitoring.models import (
    Child,
    Referral,
    ReferralStatus,
    ServiceDelivery,
)
from synergy.monitoring.services.common import CHILD_OBJECT, country_rules, require_write
from synergy.monitoring.services.visits import apply_rules, case_state


@transaction.atomic
def referral_create(
    *,
    actor: User,
    child: Child,
    to_organisation: Organisation,
    service_type: str,
    consent_given: bool,
    consent_by: str = "",
    notes: str = "",
    contact: User | None = None,
    referred_on: date | None = None,
) -> Referral:
    """Refer the child to a service provider. Consent to share with the provider is required."""
    require_write(actor, organisation_id=child.organisation_id, country_id=child.country_id)
    casework.referral_consent(consent_given, consent_by)
    casework.referral_provider(to_organisation.country_id, child.country_id)
    child = Child.objects.select_for_update().select_related("organisation").get(pk=child.pk)
    referral = Referral(
        child=child,
        from_organisation=child.organisation,
        to_organisation=to_organisation,
        service_type=service_type,
        consent_given=consent_given,
        consent_by=consent_by,
        notes=notes,
        contact=contact or actor,
        referred_on=referred_on or timezone.localdate(),
        created_by=actor,
    )
    referral.full_clean()
    referral.save()
    setup = country_rules(child.country_id)
    apply_rules(
        child,
        rules.on_referral(case_state(child), "sent"),
        actor=actor,
        setup=setup,
        on=referral.referred_on,
        referral=referral,
    )
    audit_record(
        actor=actor,
        action="refer",
        obj=child,
        object_type=CHILD_OBJECT,
        organisation=child.organisation,
        detail={"referral": referral.pk, "service_type": service_type, "to": to_organisation.pk},
    )
    return referral


def _answered(actor: User, referral: Referral, event: str) -> Referral:
    """The provider accepted or declined: the status rules act on the child's case, and the
    answer is audited."""
    child = Child.objects.select_for_update().get(pk=referral.child_id)
    apply_rules(
        child,
        rules.on_referral(case_state(child), event),
        actor=actor,
        setup=country_rules(child.country_id),
        on=timezone.localdate(),
        referral=referral,
    )
    audit_record(
        actor=actor,
        action="referral_accept" if event == "accepted" else "referral_decline",
        obj=referral,
        organisation=referral.to_organisation,
        detail={"child": referral.child_id},
    )
    return referral


def _require_provider(actor: User, referral: Referral) -> None:
    from synergy.monitoring.access import provider_may_act

    if not provider_may_act(actor, referral):
        raise PermissionDenied("Only the service provider acts on this referral")


@transaction.atomic
def referral_accept(*, actor: User, referral: Referral, version: int) -> Referral:
    _require_provider(actor, referral)
    if referral.version != version:
        raise StaleVersionError()
    if referral.status != ReferralStatus.PENDING:
        raise ValidationError({"status": _("Only a pending referral can be accepted.")})
    versioned_update(
        referral,
        version,
        status=ReferralStatus.ACCEPTED,
        responded_at=timezone.now(),
        responded_by=actor,
    )
    return _answered(actor, referral, "accepted")


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, version: int, reason: str) -> Referral:
    _require_provider(actor, referral)
    if referral.version != version:
        raise StaleVersionError()
    if referral.status != ReferralStatus.PENDING:
        raise ValidationError({"status": _("Only a pending referral can be declined.")})
    if not reason.strip():
        raise ValidationError({"decline_reason": _("Give the reason for declining.")})
    versioned_update(
        referral,
        version,
        status=ReferralStatus.DECLINED,
        decline_reason=reason.strip()[:500],
        responded_at=timezone.now(),
        responded_by=actor,
    )
    return _answered(actor, referral, "declined")


@transaction.atomic
def service_record(
    *,
    actor: User,
    referral: Referral,
    start_date: date,
    description: str,
    end_date: date | None = None,
    completed: bool = False,
) -> ServiceDelivery:
    """The provider records a service delivered under an accepted referral; ``completed``
    closes the referral (the services stay counted as received)."""
    _require_provider(actor, referral)
    if referral.status not in (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED):
        raise ValidationError({"status": _("Accept the referral before recording services.")})
    delivery = ServiceDelivery(
        referral=referral,
        start_date=start_date,
        end_date=end_date,
        description=description,
        recorded_by=actor,
    )
    delivery.full_clean()
    delivery.save()
    if completed and referral.status == ReferralStatus.ACCEPTED:
        versioned_update(referral, referral.version, status=ReferralStatus.COMPLETED)
    audit_record(
        actor=actor,
        action="service_record",
        obj=referral,
        organisation=referral.to_organisation,
        detail={"child": referral.child_id, "delivery": delivery.pk},
    )
    return delivery
