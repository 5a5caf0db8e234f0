"""Configuration: national policy parameters and the default risk factors."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from synergy.classification import Policy, PolicyError
from synergy.core import roles
from synergy.core.audit import audit_record
from synergy.core.models import Country, User
from synergy.monitoring import rules
from synergy.monitoring.models import (
    NationalPolicy,
    RiskFactor,
)


@transaction.atomic
def national_policy_set(
    *,
    actor: User,
    country: Country,
    framework: str = "icls-sna",
    policy: Mapping[str, Any] | None = None,
    rule_params: Mapping[str, Any] | None = None,
) -> NationalPolicy:
    """Set a country's classification framework, Policy JSON and status-rule parameters
    (system administrators and the country's national coordinators)."""
    if not (roles.is_system_admin(actor) or country.pk in roles.coordinated_country_ids(actor)):
        raise PermissionDenied("Only the country's coordinators set its policy")
    try:
        Policy.from_json(dict(policy or {}))
    except PolicyError as exc:
        raise ValidationError({"policy": str(exc)}) from exc
    try:
        rules.RuleParams.from_mappings(rule_params)
    except rules.RuleError as exc:
        raise ValidationError({"rules": str(exc)}) from exc
    row, created = NationalPolicy.objects.get_or_create(country=country)
    row.framework = framework
    row.policy = dict(policy or {})
    row.rules = {
        k: (str(v) if isinstance(v, Decimal) else v) for k, v in (rule_params or {}).items()
    }
    if not created:
        row.version += 1
    row.updated_at = timezone.now()
    row.full_clean()
    row.save()
    audit_record(actor=actor, action="update", obj=row, detail={"framework": framework})
    return row


DEFAULT_RISK_FACTORS = (
    ("sibling_in_child_labour", "Sibling of a child labourer"),
    ("out_of_school", "Out of school or irregular attendance"),
    ("high_risk_area", "Lives in a high-risk area"),
    ("migrant_family", "Migrant or displaced family"),
    ("household_poverty", "Extreme household poverty"),
    ("orphan", "Orphan or living without parents"),
)


def ensure_default_risk_factors() -> None:
    """Create the default risk factors when none exist (the list is editable in the admin)."""
    if RiskFactor.objects.exists():
        return
    RiskFactor.objects.bulk_create(
        [
            RiskFactor(code=code, label=label, order=i)
            for i, (code, label) in enumerate(DEFAULT_RISK_FACTORS)
        ]
    )
