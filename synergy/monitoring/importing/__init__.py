"""Importing households, children and visits from a CSV or Excel file (a KoBoToolbox or ODK
export, or any table) with a column mapping; all rows or none.

The file: one row per child, or per visit of a child (several rows with the same ``child_ref``
are several visits of one child; several children with the same ``household_ref`` share one
household). Column names may carry the group prefixes of KoBo/ODK exports
(``child/name_first``, ``group_hh/head``); a mapping may name the full column or, when it is
unambiguous, only its last part (``name_first``). ``select_one`` answers are codes: ``values``
translates them (``{"sex": {"1": "M", "2": "F"}}``); ``select_multiple`` answers are
space-separated codes (risk factors).

The mapping, as JSON::

    {"columns": {"first_name": "child/name_first", "last_name": "child/name_last",
                 "sex": "child/sex", "age": "child/age", "household_ref": "hh/hh_id",
                 "head_name": "hh/head", "area": "hh/village_pcode",
                 "visit_date": "today", "econ_hours": "work/hours_week"},
     "values": {"sex": {"1": "M", "2": "F"}},
     "defaults": {"consent_given": true, "consent_by": "head", "visit_kind": "identification"}}

Targets (``FIELDS``): household fields, child fields, visit fields. Required: ``first_name``,
``sex``, and ``date_of_birth`` or ``age``; the household's consent (``consent_given`` and
``consent_by``, from columns or as ``defaults`` the uploader confirms) whenever household
columns are mapped. A row with an empty ``visit_date`` registers the child without a visit.

``parse_rows`` + ``plan_import`` check every row (named errors: line of the file, column,
message; never the value, which may be personal data) and raise
``synergy.core.errors.ImportRowError``; ``run_import`` then writes everything in one
transaction through the CLMS services (encryption, blind indexes, duplicate flags,
classification of each visit, status rules, outcomes, audit), so an error on any row - even one
only a service detects - leaves nothing written.

A KoBoToolbox XLSX export with repeat groups and an ODK Central zip of CSV files are read
whole by ``exports`` (every sheet; each repeat row joined to its parents); their records keep
their identifier in the tool, so that ``sources`` can tell, on a second import, what is new,
changed or unchanged.

Modules: ``targets`` (what columns map to), ``exports`` (KoBo/ODK sheets), ``mapping``,
``plans`` (validation: rows to a plan, or every error), ``sources`` (records imported before),
``writing`` (through the services, one
record at a time), ``candidates`` and ``batch`` (a large plan at once, with COPY) and ``jobs``
(the upload, preview and confirmation, with progress).
"""

from synergy.core.tabular import (
    Table,
    TableError,
    read_table,
)
from synergy.core.tabular import (
    format_of as source_format,
)
from synergy.monitoring.importing.batch import (
    run_import_batch,
)
from synergy.monitoring.importing.jobs import (
    ACTIVE_JOB_STATUSES,
    JOB_STATUSES,
    ImportJob,
    import_job_run,
    job_check,
    job_create,
    job_execute,
    job_get,
    job_progress,
    job_save,
    jobs_of,
    jobs_purge,
)
from synergy.monitoring.importing.mapping import (
    Mapping,
    guess_mapping,
    parse_mapping,
    resolve_column,
)
from synergy.monitoring.importing.plans import (
    ChildPlan,
    HouseholdPlan,
    Plan,
    VisitPlan,
    plan_import,
)
from synergy.monitoring.importing.targets import (
    BOOLEAN_TARGETS,
    CHILD_TARGETS,
    CHOICE_TARGETS,
    DATE_TARGETS,
    DEFAULT_CODES,
    FALSE_WORDS,
    FIELDS,
    GUESSES,
    HOUSEHOLD_DATA,
    HOUSEHOLD_TARGETS,
    MAX_ERRORS,
    TRUE_WORDS,
    VISIT_TARGETS,
    MappingError,
)
from synergy.monitoring.importing.writing import (
    run_import,
)

__all__ = [
    "ACTIVE_JOB_STATUSES",
    "BOOLEAN_TARGETS",
    "CHILD_TARGETS",
    "CHOICE_TARGETS",
    "ChildPlan",
    "DATE_TARGETS",
    "DEFAULT_CODES",
    "FALSE_WORDS",
    "FIELDS",
    "GUESSES",
    "HOUSEHOLD_DATA",
    "HOUSEHOLD_TARGETS",
    "HouseholdPlan",
    "ImportJob",
    "JOB_STATUSES",
    "MAX_ERRORS",
    "Mapping",
    "MappingError",
    "Plan",
    "TRUE_WORDS",
    "Table",
    "TableError",
    "VISIT_TARGETS",
    "VisitPlan",
    "guess_mapping",
    "import_job_run",
    "job_check",
    "job_create",
    "job_execute",
    "job_get",
    "job_save",
    "job_progress",
    "jobs_of",
    "jobs_purge",
    "parse_mapping",
    "plan_import",
    "read_table",
    "resolve_column",
    "run_import",
    "run_import_batch",
    "source_format",
]
