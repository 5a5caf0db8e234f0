"""Writes of the CLMS. Every function is keyword-only, atomic, validates with ``full_clean()``,
checks the actor's rights and writes its audit event (object id = the record's internal id,
never a name) in the same transaction.

The rules themselves are ``casework``'s (pure functions) and ``rules``' (the status rules):
the services load what a rule needs, call it and write what it returns, one record at a time;
the import's batch path (``importing.batch``) calls the same functions for many records and
writes them in bulk. Pass ``today`` to fix the registration date of historical records.

Modules: ``common`` (rights, the country's rules, name indexes, status changes), ``households``,
``children``, ``outcomes`` (enrolment, outcomes counted once), ``visits`` (classification and
the status rules), ``referrals``, ``duplicates`` (dismiss, merge) and ``configuration``
(national policy, default risk factors).
"""

from synergy.monitoring.casework import estimated_birth_date
from synergy.monitoring.services.children import (
    CHILD_FIELDS,
    NAME_FIELDS,
    DuplicateCheck,
    child_exported,
    child_register,
    child_update,
    child_viewed,
    duplicate_check,
    household_viewed,
    referral_viewed_by_provider,
)
from synergy.monitoring.services.common import (
    CHILD_OBJECT,
    CountryRules,
    StaleRecordError,
    age_on,
    changed_since,
    country_rules,
    field_labels,
    record_status_change,
    require_write,
    set_name_index,
    set_system_fields,
    write_name_tokens,
)
from synergy.monitoring.services.configuration import (
    DEFAULT_RISK_FACTORS,
    ensure_default_risk_factors,
    national_policy_set,
)
from synergy.monitoring.services.duplicates import (
    child_merge,
    duplicate_dismiss,
)
from synergy.monitoring.services.households import (
    HOUSEHOLD_FIELDS,
    household_register,
    household_update,
)
from synergy.monitoring.services.outcomes import (
    child_enrol,
    count_outcomes,
    project_facts,
)
from synergy.monitoring.services.referrals import (
    referral_accept,
    referral_create,
    referral_decline,
    service_record,
)
from synergy.monitoring.services.visits import (
    VISIT_FIELDS,
    apply_rules,
    case_state,
    classify_into,
    classify_visit,
    rules_on_visit,
    visit_preview,
    visit_record,
)

__all__ = [
    "CHILD_FIELDS",
    "CHILD_OBJECT",
    "CountryRules",
    "DEFAULT_RISK_FACTORS",
    "DuplicateCheck",
    "HOUSEHOLD_FIELDS",
    "NAME_FIELDS",
    "StaleRecordError",
    "VISIT_FIELDS",
    "age_on",
    "apply_rules",
    "case_state",
    "changed_since",
    "child_enrol",
    "child_exported",
    "child_merge",
    "child_register",
    "child_update",
    "child_viewed",
    "classify_into",
    "classify_visit",
    "count_outcomes",
    "country_rules",
    "duplicate_check",
    "duplicate_dismiss",
    "ensure_default_risk_factors",
    "estimated_birth_date",
    "field_labels",
    "household_register",
    "household_update",
    "household_viewed",
    "national_policy_set",
    "project_facts",
    "record_status_change",
    "referral_accept",
    "referral_create",
    "referral_decline",
    "referral_viewed_by_provider",
    "require_write",
    "rules_on_visit",
    "service_record",
    "set_name_index",
    "set_system_fields",
    "visit_preview",
    "visit_record",
    "write_name_tokens",
]
