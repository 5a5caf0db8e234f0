"""What the CLMS writes share: the stale-save error, the right to write, the country's rules,
name indexes, status changes and system fields."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from synergy.classification import Policy, PolicyError
from synergy.core.errors import StaleVersionError
from synergy.core.models import AuditEvent, User
from synergy.monitoring import crypto, rules
from synergy.monitoring.access import record_rights
from synergy.monitoring.models import (
    Child,
    ChildNameToken,
    Household,
    NationalPolicy,
    ProjectRules,
    Referral,
    StatusChange,
    Visit,
)

CHILD_OBJECT = "monitoring.child"


class StaleRecordError(StaleVersionError):
    """A stale save, naming the fields somebody else changed since the form was opened."""

    def __init__(self, fields: Sequence[str], labels: Sequence[str]) -> None:
        super().__init__()
        self.fields = list(fields)
        if labels:
            self.message = format_lazy(
                "{} {}",
                self.message,
                format_lazy(_("They changed: {}."), ", ".join(str(label) for label in labels)),
            )


def require_write(user: User, *, organisation_id: int, country_id: str) -> None:
    _, may_write = record_rights(user, organisation_id=organisation_id, country_id=country_id)
    if not may_write:
        raise PermissionDenied("Your role does not allow changing this organisation's records")


@dataclass(frozen=True)
class CountryRules:
    framework: str
    policy: Policy
    params: rules.RuleParams


@functools.lru_cache(maxsize=64)
def _parsed_policy(country_id: str, version: int, policy_json: str) -> Policy:
    import json

    return Policy.from_json(json.loads(policy_json))


def country_rules(country_id: str, project_ids: Iterable[int] = ()) -> CountryRules:
    """The classification framework, policy and status-rule parameters for a country (and its
    projects' overrides; the first project with rules wins)."""
    import json

    row = NationalPolicy.objects.filter(country_id=country_id).first()
    if row is None:
        policy = Policy(country=country_id)
        framework = "icls-sna"
        country_params: Mapping[str, Any] = {}
    else:
        try:
            policy = _parsed_policy(
                country_id, row.version, json.dumps(row.policy or {}, sort_keys=True)
            )
        except PolicyError as exc:
            raise ValidationError({"policy": str(exc)}) from exc
        framework = row.framework
        country_params = row.rules or {}
    project_params: Mapping[str, Any] = {}
    ids = list(project_ids)
    if ids:
        override = ProjectRules.objects.filter(project_id__in=ids).order_by("project_id").first()
        project_params = override.rules if override else {}
    try:
        params = rules.RuleParams.from_mappings(country_params, project_params)
    except rules.RuleError as exc:
        raise ValidationError({"rules": str(exc)}) from exc
    return CountryRules(framework, policy, params)


def age_on(child: Child, day: date) -> int | None:
    dob = child.date_of_birth
    if dob is None:
        return None
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def set_name_index(child: Child) -> None:
    child.name_fp = crypto.name_fingerprint(child.first_name, child.last_name, child.other_names)
    child.phonetic_fp = crypto.phonetic_fingerprint(
        child.first_name, child.last_name, child.other_names
    )


def write_name_tokens(child: Child, *, replace: bool) -> None:
    if replace:
        ChildNameToken.objects.filter(child=child).delete()
    ChildNameToken.objects.bulk_create(
        [
            ChildNameToken(child=child, kind=kind, digest=digest)
            for kind, digest in crypto.token_digests(
                child.first_name, child.last_name, child.other_names
            )
        ]
    )


def record_status_change(
    child: Child,
    *,
    to: str,
    reason: str,
    actor: User | None,
    visit: Visit | None = None,
    referral: Referral | None = None,
    from_status: str | None = None,
) -> StatusChange:
    change = StatusChange.objects.create(
        child=child,
        from_status=child.status if from_status is None else from_status,
        to_status=to,
        reason=reason,
        visit=visit,
        referral=referral,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )
    return change


def set_system_fields(child: Child, **values: Any) -> None:
    """Write fields the rules maintain (status, track, follow-up dates, merged_into).

    The version is left alone on purpose: it guards the registration fields a person edits,
    and an edit only writes the fields it changed, so a status change made meanwhile is never
    overwritten and need not make the open form stale."""
    values["updated_at"] = timezone.now()
    Child.objects.filter(pk=child.pk).update(**values)
    for key, value in values.items():
        setattr(child, key, value)


def changed_since(object_type: str, object_id: int, version: int) -> list[str]:
    fields: set[str] = set()
    for detail in AuditEvent.objects.filter(
        object_type=object_type, object_id=str(object_id), action="update"
    ).values_list("detail", flat=True):
        if isinstance(detail, dict) and int(detail.get("version", 0)) > version:
            fields.update(detail.get("fields", []))
    return sorted(fields)


def stale_record(obj: Household | Child, version: int) -> Callable[[], StaleRecordError]:
    """The error of ``versioned_update`` for a person's record: it names the fields others
    changed since ``version``."""
    model = type(obj)

    def stale() -> StaleRecordError:
        others = changed_since(model._meta.label_lower, obj.pk, version)
        return StaleRecordError(others, field_labels(model, others))

    return stale


def field_labels(model: type[Household] | type[Child], names: Sequence[str]) -> list[str]:
    out = []
    for name in names:
        try:
            field = model._meta.get_field(name)
        except LookupError:
            out.append(name)
            continue
        out.append(str(getattr(field, "verbose_name", name)))
    return out
