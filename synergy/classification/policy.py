"""National classification policy: every threshold of the ICLS and MICS rules is a parameter.

Defaults are those of the ILO-UNICEF global estimates and MICS6 (reference document, Tables 1
and 2). A country overrides them in a JSON file; `Policy.from_json` refuses unknown keys and bad
values with a message naming the key, so a typo can never fall back silently to a default.
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from synergy.classification.hazard_list import is_hazardous_code, normalise_code

COMPARATORS = (">=", ">")

# A step function of age: ((start_age, hours), ...); hours None means "no criterion".
AgeSchedule = tuple[tuple[int, float | None], ...]


class PolicyError(ValueError):
    """A policy parameter is unknown or has a bad value; the message names the key."""


def _schedule_lookup(schedule: AgeSchedule, age: float) -> float:
    starts = [start for start, _ in schedule]
    index = bisect.bisect_right(starts, age) - 1
    if index < 0:
        return math.inf
    hours = schedule[index][1]
    return math.inf if hours is None else hours


@dataclass(frozen=True)
class Policy:
    name: str = "ILO-UNICEF reference"
    country: str = ""
    # R0: scope is scope_min_age <= age < hazardous_age (5-17).
    scope_min_age: int = 5
    hazardous_age: int = 18
    # R4/R5: C138 minimum ages (light work 12 or 13; general 14, 15 or 16).
    min_age_light: int = 12
    min_age_general: int = 15
    # R1: one hour in the reference week makes a child "working".
    emp_min_hours: float = 1.0
    # R5: light work is under 14 h/week.  R2: 43 h or more is hazardous (long hours).
    light_max_hours: float = 14.0
    long_hours: float = 43.0
    # R6 (general production boundary only): hazardous unpaid household services.
    huhs_hours: AgeSchedule = ((5, 21.0), (15, 43.0))
    # Table 2 (MICS6, SDG 8.7.1): economic thresholds 1/14/43 h; chores 21 h for 5-14 only.
    mics_econ_hours: AgeSchedule = ((5, 1.0), (12, 14.0), (15, 43.0))
    mics_chore_hours: AgeSchedule = ((5, 21.0), (15, None))
    # Original MICS6 (2017 to mid-2019): chores 28 h for 5-14, 43 h for 15-17.
    mics2017_chore_hours: AgeSchedule = ((5, 28.0), (15, 43.0))
    # MICS syntax uses >=; some documentation says "more than" -- hence the switches.
    work_comparator: str = ">="
    light_comparator: str = ">="
    long_hours_comparator: str = ">="
    chores_comparator: str = ">="
    mics_econ_comparator: str = ">="
    # National hazardous work lists (C182 Art. 4), ISIC and ISCO codes at any level.
    hazardous_industries: tuple[str, ...] = ()
    hazardous_occupations: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            checked = _CHECKS[f.name](f.name, value)
            if checked is not value:
                object.__setattr__(self, f.name, checked)
        order = ("scope_min_age", "min_age_light", "min_age_general", "hazardous_age")
        for lower, upper in zip(order, order[1:], strict=False):
            if getattr(self, lower) > getattr(self, upper):
                raise PolicyError(f"{lower} ({getattr(self, lower)}) must not exceed {upper}")
        if self.scope_min_age == self.hazardous_age:
            raise PolicyError("hazardous_age must exceed scope_min_age (empty scope)")

    # -- thresholds by age -------------------------------------------------------------------
    def huhs_threshold(self, age: float) -> float:
        return _schedule_lookup(self.huhs_hours, age)

    def mics_econ_threshold(self, age: float) -> float:
        return _schedule_lookup(self.mics_econ_hours, age)

    def mics_chore_threshold(self, age: float, *, version: str = "2019") -> float:
        schedule = self.mics2017_chore_hours if version == "2017" else self.mics_chore_hours
        return _schedule_lookup(schedule, age)

    def is_hazardous_code(self, *, industry: str = "", occupation: str = "") -> bool:
        return is_hazardous_code(
            hazardous_industries=self.hazardous_industries,
            hazardous_occupations=self.hazardous_occupations,
            industry=industry,
            occupation=occupation,
        )

    # -- JSON -------------------------------------------------------------------------------
    @classmethod
    def from_json(cls, source: str | Path | Mapping[str, Any]) -> Policy:
        """A policy from a JSON file path or an already-parsed mapping; missing keys default."""
        if isinstance(source, Mapping):
            data: Any = source
        else:
            try:
                data = json.loads(Path(source).read_text(encoding="utf-8"))
            except OSError as exc:
                raise PolicyError(f"cannot read policy file {source}: {exc.strerror}") from exc
            except json.JSONDecodeError as exc:
                raise PolicyError(f"policy file {source} is not valid JSON: {exc}") from exc
        if not isinstance(data, Mapping):
            raise PolicyError("a policy must be a JSON object of parameter names to values")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise PolicyError(
                f"unknown policy key {unknown[0]!r} (known: {', '.join(sorted(known))})"
            )
        return cls(**dict(data))

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("huhs_hours", "mics_econ_hours", "mics_chore_hours", "mics2017_chore_hours"):
            out[key] = {str(start): hours for start, hours in getattr(self, key)}
        for key in ("hazardous_industries", "hazardous_occupations"):
            out[key] = list(out[key])
        return out

    def to_json(self, path: str | Path | None = None) -> str:
        text = json.dumps(self.to_dict(), indent=2) + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text


# -- validation of single values; each returns the (possibly normalised) value ----------------
def _check_str(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        raise PolicyError(f"{key} must be a string, not {value!r}")
    return value


def _check_age(key: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 30:
        raise PolicyError(f"{key} must be a whole number of years between 0 and 30, not {value!r}")
    return value


def _hours(key: str, value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 <= value <= 168
    ):
        raise PolicyError(
            f"{key} must be a number of weekly hours between 0 and 168, not {value!r}"
        )
    return float(value)


def _check_hours(key: str, value: Any) -> Any:
    hours = _hours(key, value)
    return value if isinstance(value, float) else hours


def _check_comparator(key: str, value: Any) -> Any:
    if value not in COMPARATORS:
        raise PolicyError(f"{key} must be one of {', '.join(COMPARATORS)}, not {value!r}")
    return value


def _check_schedule(key: str, value: Any) -> Any:
    """Accept ((start, hours), ...), [[start, hours], ...] or {"start": hours, ...}."""
    pairs: list[Any]
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, list | tuple):
        pairs = list(value)
    else:
        raise PolicyError(f"{key} must map start ages to weekly hours, not {value!r}")
    if not pairs:
        raise PolicyError(f"{key} must have at least one age band")
    schedule: list[tuple[int, float | None]] = []
    for pair in pairs:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise PolicyError(f"{key} entries must be (start age, hours) pairs, not {pair!r}")
        start, hours = pair
        if isinstance(start, str) and start.strip().isdigit():
            start = int(start)
        _check_age(f"{key} start age", start)
        schedule.append((start, None if hours is None else _hours(f"{key}[{start}]", hours)))
    starts = [start for start, _ in schedule]
    if starts != sorted(set(starts)):
        raise PolicyError(f"{key} start ages must be strictly increasing, not {starts}")
    result = tuple(schedule)
    return value if result == value else result


def _check_codes(key: str, value: Any) -> Any:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise PolicyError(f"{key} must be a list of codes, not {value!r}")
    codes: list[str] = []
    for code in value:
        # Strings only: a number would lose ISIC's leading zero ("0510" -> 510).
        if not isinstance(code, str) or not normalise_code(code):
            raise PolicyError(f"{key} must hold non-empty code strings, not {code!r}")
        codes.append(normalise_code(code))
    result = tuple(sorted(set(codes)))
    return value if result == value else result


_CHECKS = {
    "name": _check_str,
    "country": _check_str,
    "scope_min_age": _check_age,
    "hazardous_age": _check_age,
    "min_age_light": _check_age,
    "min_age_general": _check_age,
    "emp_min_hours": _check_hours,
    "light_max_hours": _check_hours,
    "long_hours": _check_hours,
    "huhs_hours": _check_schedule,
    "mics_econ_hours": _check_schedule,
    "mics_chore_hours": _check_schedule,
    "mics2017_chore_hours": _check_schedule,
    "work_comparator": _check_comparator,
    "light_comparator": _check_comparator,
    "long_hours_comparator": _check_comparator,
    "chores_comparator": _check_comparator,
    "mics_econ_comparator": _check_comparator,
    "hazardous_industries": _check_codes,
    "hazardous_occupations": _check_codes,
}

REFERENCE_POLICY = Policy()
