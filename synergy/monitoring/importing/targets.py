"""What a file's columns may be mapped to, the words read as yes and no, and the guesses
of a mapping from common KoBo/ODK column names."""

from __future__ import annotations

from synergy.core.tabular import TableError

MAX_ERRORS = 200

HOUSEHOLD_TARGETS = (
    "household_ref",
    "head_name",
    "address",
    "contact_phone",
    "member_count",
    "livelihood",
    "consent_given",
    "consent_by",
    "consent_date",
)
CHILD_TARGETS = (
    "child_ref",
    "first_name",
    "last_name",
    "other_names",
    "sex",
    "date_of_birth",
    "age",
    "area",
    "school_status",
    "grade",
    "risk_factors",
    "project",
    "registered_on",
)
VISIT_TARGETS = (
    # A visit of a child Synergy knows: its number (the public id, or its first 8 characters)
    # instead of the child's registration fields.
    "synergy_child",
    "visit_date",
    "visit_kind",
    "monitor_role",
    "activities",
    "industry_code",
    "occupation_code",
    "econ_hours",
    "chore_hours",
    "hazardous_conditions",
    "hazards",
    "night_work",
    "worst_forms",
    "attendance_percent",
)
FIELDS = HOUSEHOLD_TARGETS + CHILD_TARGETS + VISIT_TARGETS
BOOLEAN_TARGETS = ("consent_given", "hazardous_conditions", "night_work", "worst_forms")
DATE_TARGETS = ("consent_date", "date_of_birth", "registered_on", "visit_date")
CHOICE_TARGETS = (
    "sex",
    "livelihood",
    "consent_by",
    "school_status",
    "visit_kind",
    "monitor_role",
)
HOUSEHOLD_DATA = tuple(t for t in HOUSEHOLD_TARGETS if t != "household_ref")

# Codes that KoBo/ODK forms commonly use, lower case.
DEFAULT_CODES: dict[str, dict[str, str]] = {
    "sex": {
        "1": "M",
        "2": "F",
        "m": "M",
        "f": "F",
        "male": "M",
        "female": "F",
        "boy": "M",
        "girl": "F",
    },
}
TRUE_WORDS = {"1", "yes", "y", "true", "oui", "si", "sí", "sim", "نعم"}
FALSE_WORDS = {"0", "no", "n", "false", "non", "não", "nao", "لا"}

# Likely source columns (last part of the name, lower case) for each target.
GUESSES: dict[str, tuple[str, ...]] = {
    # Not KoBo's _index / _parent_index: they number the rows of one export, and the join of a
    # repeat sheet to its submission is made from them already (``exports``).
    "household_ref": ("household_ref", "household_id", "hh_id", "hhid"),
    "head_name": ("head_name", "hh_head", "head", "household_head", "name_head"),
    "address": ("address", "hh_address"),
    "contact_phone": ("contact_phone", "phone", "telephone"),
    "member_count": ("member_count", "hh_size", "household_size", "members"),
    "livelihood": ("livelihood", "main_livelihood"),
    "consent_given": ("consent_given", "consent"),
    "consent_by": ("consent_by",),
    "consent_date": ("consent_date",),
    "child_ref": ("child_ref", "child_id", "childid"),
    "first_name": ("first_name", "name_first", "firstname", "given_name", "child_name"),
    "last_name": ("last_name", "name_last", "lastname", "surname", "family_name"),
    "other_names": ("other_names", "middle_name", "name_other"),
    "sex": ("sex", "gender", "child_sex"),
    "date_of_birth": ("date_of_birth", "dob", "birth_date", "birthdate"),
    "age": ("age", "child_age", "age_years"),
    "area": ("area", "area_code", "pcode", "village_pcode", "admin_code"),
    "school_status": ("school_status", "schooling"),
    "grade": ("grade", "school_grade"),
    "risk_factors": ("risk_factors", "risks"),
    "project": ("project", "project_code"),
    "registered_on": ("registered_on", "today", "registration_date"),
    "visit_date": ("visit_date", "date_visit", "interview_date", "today"),
    "visit_kind": ("visit_kind", "visit_type"),
    "monitor_role": ("monitor_role",),
    "activities": ("activities", "work_activities"),
    "industry_code": ("industry_code", "isic"),
    "occupation_code": ("occupation_code", "isco"),
    "econ_hours": ("econ_hours", "hours_work", "work_hours", "hours_week"),
    "chore_hours": ("chore_hours", "hours_chores", "chores_hours"),
    "hazardous_conditions": ("hazardous_conditions", "hazardous", "haz_conditions"),
    "night_work": ("night_work", "works_at_night"),
    "worst_forms": ("worst_forms", "wfcl"),
    "attendance_percent": ("attendance_percent", "attendance", "school_attendance"),
}


class MappingError(TableError):
    """The mapping itself is wrong (unknown target, missing column, ambiguous name)."""
