"""The column mapping: parsed, checked against the file's columns, or guessed."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from synergy.monitoring.importing.targets import FIELDS, GUESSES, HOUSEHOLD_DATA, MappingError


def last_part(column: str) -> str:
    # Group paths: KoBo joins them with "/", ODK Central and Briefcase with "-".
    return re.split(r"[/:.-]", column)[-1].strip().lower()


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str]  # target -> source column (resolved against the file)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "values": self.values, "defaults": self.defaults}


def parse_mapping(data: dict[str, Any] | str, columns: Sequence[str]) -> Mapping:
    """Check a mapping against the file's columns; raises MappingError naming the problem."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise MappingError(
                _("The mapping is not valid JSON: %(error)s") % {"error": exc}
            ) from None
    if not isinstance(data, dict):
        raise MappingError(_("The mapping must be a JSON object."))
    raw_columns = data.get("columns", {})
    values = data.get("values", {}) or {}
    defaults = data.get("defaults", {}) or {}
    if not isinstance(raw_columns, dict) or not isinstance(defaults, dict):
        raise MappingError("'columns' and 'defaults' must be objects.")
    if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
        raise MappingError("'values' must map a field to an object of codes.")
    unknown = sorted((set(raw_columns) | set(values) | set(defaults)) - set(FIELDS))
    if unknown:
        raise MappingError(
            _("Unknown field(s) in the mapping: %(fields)s") % {"fields": ", ".join(unknown)}
        )
    resolved: dict[str, str] = {}
    for target, wanted in raw_columns.items():
        if wanted in (None, ""):
            continue
        resolved[target] = resolve_column(str(wanted), columns)
    missing = [t for t in ("first_name", "sex") if t not in resolved and t not in defaults]
    if "date_of_birth" not in resolved and "age" not in resolved:
        missing.append("date_of_birth or age")
    if "synergy_child" in resolved:
        # Visits of children Synergy knows: no registration fields, but a visit date.
        missing = [] if "visit_date" in resolved else ["visit_date"]
    if missing:
        raise MappingError(
            _("The mapping must name a column for: %(fields)s") % {"fields": ", ".join(missing)}
        )
    if any(t in resolved for t in HOUSEHOLD_DATA) or "household_ref" in resolved:
        for target in ("consent_given", "consent_by"):
            if target not in resolved and target not in defaults:
                raise MappingError(
                    _(
                        "Households need their consent: map consent_given and consent_by, or "
                        "confirm that consent was recorded for every household."
                    )
                )
    return Mapping(
        resolved,
        {str(k): {str(c).strip().lower(): str(v) for c, v in m.items()} for k, m in values.items()},
        dict(defaults),
    )


def resolve_column(wanted: str, columns: Sequence[str]) -> str:
    if wanted in columns:
        return wanted
    lowered = [c for c in columns if c.lower() == wanted.lower()]
    if len(lowered) == 1:
        return lowered[0]
    by_last = [c for c in columns if last_part(c) == last_part(wanted)]
    if len(by_last) == 1:
        return by_last[0]
    if len(by_last) > 1:
        raise MappingError(
            _("Column %(name)s is ambiguous (%(columns)s): give the full name.")
            % {"name": wanted, "columns": ", ".join(by_last)}
        )
    raise MappingError(_("The file has no column %(name)s.") % {"name": wanted})


def guess_mapping(columns: Sequence[str]) -> dict[str, str]:
    """A first mapping for the form: the first column whose last part is a known name."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for target in FIELDS:
        for guess in GUESSES.get(target, ()):
            hits = [c for c in columns if last_part(c) == guess and c not in used]
            if hits:
                out[target] = hits[0]
                used.add(hits[0])
                break
    return out
