"""Reading survey microdata files and standardising them with a variable mapping.

Pure functions, no database: the background task and the ``survey childlabour`` command share
them. ``load_standardised`` reads a CSV, Excel, Stata or SPSS file, checks every mapped column
of every row, and either returns the standardised columns or raises ``ImportValidationError``
listing every problem with its row and column, so that an import commits all or nothing.

Standardised columns: ``age`` (whole years), ``sex`` ("M"/"F"), ``econ_hours`` and
``chore_hours`` (weekly hours), the flags ``hazardous_industry``, ``hazardous_conditions``,
``night_work`` and ``other_wfcl`` (booleans), ``weight``, ``strata`` and ``psu`` (codes as
text), then one text column per domain (region, residence, wealth...).

The mapping, as JSON::

    {"age": "CB3", "sex": "HL4", "econ_hours": "CL3", "weight": "fsweight",
     "strata": "stratum", "psu": "HH1",
     "domains": {"region": "HH7", "residence": "HH6"},
     "values": {"sex": {"1": "M", "2": "F"}, "hazardous_conditions": {"1": 1, "2": 0}}}

Only age, sex and econ_hours are required. An unmapped chore-hours column counts as 0 hours, an
unmapped flag as "no", an unmapped weight as 1 (unweighted), no strata as one stratum and no PSU
as every row its own PSU. Blank hours and flags (the skip patterns of MICS questionnaires) count
as 0 and are reported as data-quality warnings; a blank age, sex, weight, stratum or PSU is an
error.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synergy.surveys.replicates import REPLICATE_TYPES

NUMERIC_VARIABLES = ("age", "econ_hours", "chore_hours", "weight")
FLAG_VARIABLES = ("hazardous_industry", "hazardous_conditions", "night_work", "other_wfcl")
CODE_VARIABLES = ("strata", "psu")
VARIABLES = ("age", "sex", "econ_hours", "chore_hours", *FLAG_VARIABLES, "weight", *CODE_VARIABLES)
REQUIRED_VARIABLES = ("age", "sex", "econ_hours")
HOURS_IN_A_WEEK = 168
MAX_ERRORS = 200
FORMATS = ("csv", "xlsx", "dta", "sav")
EXTENSIONS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".dta": "dta", ".sav": "sav"}
WHOLE_NUMBER_TEXT = re.compile(r"^-?\d+\.0+$")
DOMAIN_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
DEFAULT_SEX_CODES = {"1": "M", "2": "F", "m": "M", "f": "F", "male": "M", "female": "F"}

# Common names, lower case, most specific first: MICS6 standard names, then plain English.
GUESSES: dict[str, tuple[str, ...]] = {
    "age": ("age", "cb3", "child_age", "age_years", "hl6"),
    "sex": ("sex", "hl4", "gender"),
    "econ_hours": ("econ_hours", "cl3", "economic_hours", "hours_economic", "work_hours"),
    "chore_hours": ("chore_hours", "chores_hours", "hours_chores", "household_chores"),
    "hazardous_industry": ("hazardous_industry", "haz_industry", "haz_industry_occ"),
    "hazardous_conditions": ("hazardous_conditions", "haz_conditions", "haz_cond"),
    "night_work": ("night_work", "night"),
    "other_wfcl": ("other_wfcl", "wfcl_other", "wfcl"),
    "weight": ("fsweight", "weight", "wt", "chweight", "hhweight"),
    "strata": ("stratum", "strata", "strat"),
    "psu": ("psu", "hh1", "cluster"),
}
DOMAIN_GUESSES: dict[str, tuple[str, ...]] = {
    "region": ("region", "hh7"),
    "residence": ("residence", "hh6", "area", "urban_rural"),
    "wealth": ("wealth", "windex5", "wealth_quintile"),
}


class MappingError(ValueError):
    """The mapping itself is malformed (unknown variable, missing required one...)."""


@dataclass(frozen=True)
class RowError:
    """One validation problem. ``row`` is None for a problem with a whole column."""

    row: int | None
    column: str
    message: str
    row_label: str = "Row"

    def __str__(self) -> str:
        if self.row is None:
            return f"Column {self.column}: {self.message}"
        return f"{self.row_label} {self.row}, column {self.column}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message, "text": str(self)}


class ImportValidationError(ValueError):
    def __init__(self, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors
        self.total = len(errors) if total is None else total
        more = f" (and {self.total - len(errors)} more)" if self.total > len(errors) else ""
        super().__init__("; ".join(str(e) for e in errors[:5]) + more)


@dataclass(frozen=True)
class VariableMapping:
    columns: dict[str, str]
    domains: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Hour values that are codes, not hours: MICS uses 97-99 for "don't know" and "missing".
    # They never count towards economic activity (unknown) and count as 0 hours of chores, as
    # the MICS6 tabulation syntax does.
    hour_missing_codes: tuple[float, ...] = ()
    # Replicate weights instead of strata and PSUs: {"pattern": regular expression naming the
    # columns, "type": JK1|JKn|BRR|Fay|bootstrap, "rho": Fay's rho, "rscales": [..], "mse"}.
    replicates: dict[str, Any] | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any] | str | Path) -> VariableMapping:
        """From a dict, a JSON text or a path to a JSON file. Raises MappingError."""
        if isinstance(data, Path) or (isinstance(data, str) and not data.lstrip().startswith("{")):
            try:
                data = json.loads(Path(data).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise MappingError(f"Cannot read the mapping: {exc}") from None
        elif isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError as exc:
                raise MappingError(f"The mapping is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise MappingError("The mapping must be a JSON object")
        raw = dict(data)
        nested = raw.pop("columns", {})
        domains = raw.pop("domains", {}) or {}
        values = raw.pop("values", {}) or {}
        hour_codes = raw.pop("hour_missing_codes", []) or []
        replicates = _replicate_spec(raw.pop("replicates", None))
        if not isinstance(hour_codes, list) or not all(
            isinstance(c, int | float) and not isinstance(c, bool) for c in hour_codes
        ):
            raise MappingError("'hour_missing_codes' must be a list of numbers, e.g. [97, 98, 99]")
        if not isinstance(nested, dict) or not isinstance(domains, dict):
            raise MappingError("'columns' and 'domains' must be objects")
        if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
            raise MappingError("'values' must map a variable to an object of codes")
        columns = {**nested, **raw}
        unknown = sorted(set(columns) - set(VARIABLES))
        if unknown:
            raise MappingError(f"Unknown variable(s) in the mapping: {', '.join(unknown)}")
        columns = {k: str(v) for k, v in columns.items() if v not in (None, "")}
        missing = [v for v in REQUIRED_VARIABLES if v not in columns]
        if missing:
            raise MappingError(f"The mapping must name a column for: {', '.join(missing)}")
        domains = {str(k): str(v) for k, v in domains.items() if v not in (None, "")}
        for name in domains:
            if not DOMAIN_NAME.match(name) or name in VARIABLES or name == "age_group":
                raise MappingError(
                    f"Domain name {name!r} must be lower-case letters, digits and _ and differ "
                    "from the standard variables"
                )
        unknown_values = sorted(set(values) - set(columns) - set(domains))
        if unknown_values:
            raise MappingError(f"Value maps for unmapped variable(s): {', '.join(unknown_values)}")
        return cls(
            columns=columns,
            domains=domains,
            values={k: {str(code): v for code, v in m.items()} for k, m in values.items()},
            hour_missing_codes=tuple(float(c) for c in hour_codes),
            replicates=replicates,
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.columns)
        if self.domains:
            out["domains"] = dict(self.domains)
        if self.values:
            out["values"] = {k: dict(v) for k, v in self.values.items()}
        if self.hour_missing_codes:
            out["hour_missing_codes"] = [
                int(c) if c.is_integer() else c for c in self.hour_missing_codes
            ]
        if self.replicates:
            out["replicates"] = dict(self.replicates)
        return out


def _replicate_spec(raw: Any) -> dict[str, Any] | None:
    """The mapping's replicate weights, checked (MappingError names what is wrong)."""
    if raw in (None, {}, ""):
        return None
    if not isinstance(raw, dict):
        raise MappingError("'replicates' must be an object: pattern, type, rho, rscales, mse")
    unknown = sorted(set(raw) - {"pattern", "type", "rho", "rscales", "mse"})
    if unknown:
        raise MappingError(f"Unknown replicate setting(s): {', '.join(unknown)}")
    pattern = str(raw.get("pattern") or "")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise MappingError(
            f"The replicate weight pattern is not a regular expression: {exc}"
        ) from None
    if not pattern:
        raise MappingError("The replicate weights need a pattern naming their columns")
    kind = str(raw.get("type") or "JK1")
    if kind not in REPLICATE_TYPES:
        raise MappingError(f"Replicate type must be one of {', '.join(REPLICATE_TYPES)}")
    rho = raw.get("rho")
    if kind == "Fay" and not (isinstance(rho, int | float) and 0 <= rho < 1):
        raise MappingError("Fay's method needs rho, at least 0 and below 1")
    rscales = raw.get("rscales")
    if kind == "JKn" and not isinstance(rscales, list):
        raise MappingError("JKn replicate weights need their rscales, one per replicate")
    spec: dict[str, Any] = {"pattern": pattern, "type": kind, "mse": bool(raw.get("mse"))}
    if rho is not None:
        spec["rho"] = float(rho)
    if rscales is not None:
        spec["rscales"] = [float(v) for v in rscales]
    return spec


def replicate_columns(columns: list[str], pattern: str) -> list[str]:
    return [c for c in columns if re.search(pattern, str(c))]


@dataclass
class SourceData:
    frame: pd.DataFrame
    value_labels: dict[str, dict[str, str]]
    source_format: str

    @property
    def row_label(self) -> str:
        # Spreadsheets number the header as row 1; statistical packages number observations.
        return "Row" if self.source_format in ("csv", "xlsx") else "Observation"

    @property
    def row_offset(self) -> int:
        return 2 if self.source_format in ("csv", "xlsx") else 1


def detect_format(filename: str | Path) -> str:
    suffix = Path(filename).suffix.lower()
    try:
        return EXTENSIONS[suffix]
    except KeyError:
        raise ValueError(
            f"Unsupported file type {suffix or '(none)'}: use .csv, .xlsx, .dta or .sav"
        ) from None


def _read_csv(path: Path, **kwargs: Any) -> pd.DataFrame:
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, **kwargs)
        except UnicodeDecodeError:
            continue
        if len(frame.columns) == 1 and ";" in str(frame.columns[0]):
            frame = pd.read_csv(
                path, dtype=str, keep_default_na=False, encoding=encoding, sep=";", **kwargs
            )
        return frame
    raise ValueError("The CSV file is neither UTF-8 nor Latin-1 text")


def _labels(meta: Any) -> dict[str, dict[str, str]]:
    labels = getattr(meta, "variable_value_labels", None) or {}
    return {col: {_code(k): str(v) for k, v in m.items()} for col, m in labels.items()}


def _unreadable(fmt: str) -> str:
    if fmt == "xlsx":
        return (
            "Cannot read this xlsx file: it is not a valid Excel workbook "
            "(an old .xls file must be saved again as .xlsx)"
        )
    return f"Cannot read this {fmt} file: it is damaged or not in that format"


def read_columns(path: str | Path, source_format: str | None = None) -> list[str]:
    """The column names of a file, read without loading its rows."""
    import pyreadstat

    path = Path(path)
    fmt = source_format or detect_format(path)
    try:
        if fmt == "csv":
            columns = list(_read_csv(path, nrows=0).columns)
        elif fmt == "xlsx":
            columns = list(pd.read_excel(path, nrows=0, engine="openpyxl").columns)
        elif fmt == "dta":
            columns = list(pyreadstat.read_dta(str(path), metadataonly=True)[1].column_names)
        elif fmt == "sav":
            columns = list(pyreadstat.read_sav(str(path), metadataonly=True)[1].column_names)
        else:
            raise ValueError(f"Unsupported format {fmt}")
    except (ValueError, OSError, pyreadstat.ReadstatError, pd.errors.ParserError) as exc:
        raise ValueError(f"Cannot read this {fmt} file: {exc}") from None
    except Exception:  # noqa: BLE001 - openpyxl/zip raise many kinds on a bad file
        raise ValueError(_unreadable(fmt)) from None
    if not columns:
        raise ValueError("The file has no columns")
    return [str(c) for c in columns]


def read_source(path: str | Path, source_format: str | None = None) -> SourceData:
    import pyreadstat

    path = Path(path)
    fmt = source_format or detect_format(path)
    labels: dict[str, dict[str, str]] = {}
    try:
        if fmt == "csv":
            frame = _read_csv(path)
        elif fmt == "xlsx":
            frame = pd.read_excel(path, dtype=object, engine="openpyxl")
        elif fmt == "dta":
            frame, meta = pyreadstat.read_dta(str(path))
            labels = _labels(meta)
        elif fmt == "sav":
            frame, meta = pyreadstat.read_sav(str(path))
            labels = _labels(meta)
        else:
            raise ValueError(f"Unsupported format {fmt}")
    except (ValueError, OSError, pyreadstat.ReadstatError, pd.errors.ParserError) as exc:
        raise ValueError(f"Cannot read this {fmt} file: {exc}") from None
    except Exception:  # noqa: BLE001 - openpyxl/zip raise many kinds on a bad file
        raise ValueError(_unreadable(fmt)) from None
    frame.columns = [str(c) for c in frame.columns]
    return SourceData(frame=frame.reset_index(drop=True), value_labels=labels, source_format=fmt)


def guess_mapping(columns: list[str]) -> dict[str, Any]:
    """A starting mapping from common MICS and plain names, for the mapping form."""
    by_lower = {c.lower(): c for c in columns}
    guess: dict[str, Any] = {}
    for variable, names in GUESSES.items():
        for name in names:
            if name in by_lower:
                guess[variable] = by_lower[name]
                break
    domains = {}
    for domain, names in DOMAIN_GUESSES.items():
        for name in names:
            if name in by_lower and by_lower[name] not in guess.values():
                domains[domain] = by_lower[name]
                break
    if domains:
        guess["domains"] = domains
    if guess.get("econ_hours", "").lower() == "cl3":
        # A MICS6 file: its hour questions code "don't know"/missing as 97-99.
        guess["hour_missing_codes"] = [97, 98, 99]
    return guess


def _code(value: Any) -> str:
    """A cell as a code: 1, 1.0 and "1" are all "1"; blank is ""."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        if float(value).is_integer():
            return str(int(value))
        return repr(float(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    text = str(value).strip()
    # A float column written out as text: "1.0" is the code "1".
    return text.split(".")[0] if WHOLE_NUMBER_TEXT.match(text) else text


def _codes(series: pd.Series) -> np.ndarray:
    return np.array([_code(v) for v in series.tolist()], dtype=object)


def _numbers(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Numbers from codes: values (NaN where blank or bad), blank mask, bad mask."""
    blank = codes == ""
    values = pd.to_numeric(pd.Series(codes, dtype=object), errors="coerce")
    numbers = np.asarray(values.to_numpy(dtype="float64", na_value=np.nan), dtype=float)
    bad = np.isnan(numbers) & ~blank
    return numbers, blank, bad


class _Collector:
    def __init__(self, source: SourceData) -> None:
        self.errors: list[RowError] = []
        self.total = 0
        self.warnings: list[str] = []
        self.label = source.row_label
        self.offset = source.row_offset

    def add(self, mask: np.ndarray, column: str, message: str) -> None:
        rows = np.flatnonzero(mask)
        self.total += len(rows)
        for index in rows[: max(0, MAX_ERRORS - len(self.errors))]:
            self.errors.append(RowError(int(index) + self.offset, column, message, self.label))

    def add_column(self, column: str, message: str) -> None:
        self.total += 1
        self.errors.append(RowError(None, column, message, self.label))


def _mapped(codes: np.ndarray, value_map: dict[str, Any] | None) -> np.ndarray:
    if not value_map:
        return codes
    lookup = {str(k).strip().lower(): _code(v) for k, v in value_map.items()}
    return np.array([lookup.get(c.lower(), c) for c in codes], dtype=object)


def standardise(source: SourceData, mapping: VariableMapping) -> tuple[pd.DataFrame, list[str]]:
    """The standardised columns and data-quality warnings, or ImportValidationError."""
    frame = source.frame
    n = len(frame)
    check = _Collector(source)
    used = {**{v: c for v, c in mapping.columns.items()}, **mapping.domains}
    for variable, column in used.items():
        if column not in frame.columns:
            check.add_column(column, f"mapped to {variable} but not in the file")
    if check.errors:
        raise ImportValidationError(check.errors, check.total)
    if n == 0:
        raise ImportValidationError([RowError(None, "(file)", "the file has no data rows")])

    def codes_of(variable: str) -> np.ndarray:
        return _mapped(_codes(frame[mapping.columns[variable]]), mapping.values.get(variable))

    out: dict[str, Any] = {}
    for variable in NUMERIC_VARIABLES:
        mapped = mapping.columns.get(variable)
        if mapped is None:
            out[variable] = np.full(n, 1.0 if variable == "weight" else 0.0)
            continue
        column = mapped
        numbers, blank, bad = _numbers(codes_of(variable))
        check.add(bad, column, "not a number")
        if variable in ("age", "weight"):
            check.add(blank, column, "missing")
        elif blank.any():
            check.warnings.append(
                f"{int(blank.sum())} blank value(s) in {column} ({variable}) counted as 0 hours"
            )
            numbers = np.where(blank, 0.0, numbers)
        valid = ~np.isnan(numbers)
        check.add(valid & (numbers < 0), column, "negative")
        if variable == "age":
            check.add(
                valid & (numbers >= 0) & (numbers != np.floor(numbers)),
                column,
                "age must be whole years",
            )
        if variable in ("econ_hours", "chore_hours") and mapping.hour_missing_codes:
            coded = valid & np.isin(numbers, mapping.hour_missing_codes)
            if coded.any():
                check.warnings.append(
                    f"{int(coded.sum())} value(s) of {column} ({variable}) are "
                    "don't-know/missing codes: "
                    + ("not counted as work" if variable == "econ_hours" else "counted as 0 hours")
                )
                numbers = np.where(coded, np.nan if variable == "econ_hours" else 0.0, numbers)
                valid = ~np.isnan(numbers)
        if variable in ("econ_hours", "chore_hours"):
            check.add(
                valid & (numbers > HOURS_IN_A_WEEK),
                column,
                f"more than {HOURS_IN_A_WEEK} hours in a week",
            )
        out[variable] = numbers

    sex_column = mapping.columns["sex"]
    sex_codes = _codes(frame[sex_column])
    sex_map = {**DEFAULT_SEX_CODES} if "sex" not in mapping.values else {}
    sex_map.update(
        {str(k).strip().lower(): str(v) for k, v in mapping.values.get("sex", {}).items()}
    )
    sex = np.array([sex_map.get(c.lower(), "") for c in sex_codes], dtype=object)
    check.add(sex_codes == "", sex_column, "missing")
    check.add(
        (sex_codes != "") & ~np.isin(sex, ["M", "F"]), sex_column, "sex code not mapped to M or F"
    )
    out["sex"] = sex

    for variable in FLAG_VARIABLES:
        mapped = mapping.columns.get(variable)
        if mapped is None:
            out[variable] = np.zeros(n, dtype=bool)
            continue
        column = mapped
        numbers, blank, bad = _numbers(codes_of(variable))
        check.add(
            bad | (~np.isnan(numbers) & ~np.isin(numbers, [0.0, 1.0])), column, "must be 0 or 1"
        )
        if blank.any():
            check.warnings.append(
                f"{int(blank.sum())} blank value(s) in {column} ({variable}) counted as 0 (no)"
            )
        out[variable] = numbers == 1.0

    for variable in CODE_VARIABLES:
        mapped = mapping.columns.get(variable)
        if mapped is None:
            out[variable] = (
                np.full(n, "1", dtype=object)
                if variable == "strata"
                else np.array([str(i + 1) for i in range(n)], dtype=object)
            )
            continue
        column = mapped
        codes = codes_of(variable)
        check.add(codes == "", column, "missing")
        out[variable] = codes

    for domain, column in mapping.domains.items():
        codes = _mapped(_codes(frame[column]), mapping.values.get(domain))
        labels = source.value_labels.get(column, {})
        if labels and domain not in mapping.values:
            codes = np.array([labels.get(c, c) for c in codes], dtype=object)
        out[domain] = codes

    replicates: dict[str, np.ndarray] = {}
    if mapping.replicates:
        names = replicate_columns(list(frame.columns), mapping.replicates["pattern"])
        if len(names) < 2:
            check.add_column(
                mapping.replicates["pattern"],
                f"the replicate weight pattern names {len(names)} column(s); at least 2 needed",
            )
        for k, column in enumerate(names, start=1):
            numbers, blank, bad = _numbers(_codes(frame[column]))
            check.add(bad, column, "not a number")
            check.add(blank, column, "missing")
            check.add(~np.isnan(numbers) & (numbers < 0), column, "negative")
            replicates[f"rep_{k}"] = numbers
    if check.errors:
        raise ImportValidationError(check.errors, check.total)
    if "weight" not in mapping.columns:
        check.warnings.append("No weight column mapped: every row has weight 1 (unweighted)")
    result = pd.DataFrame(
        {
            "age": out["age"].astype("int16"),
            "sex": pd.array(out["sex"], dtype="string"),
            "econ_hours": out["econ_hours"],
            "chore_hours": out["chore_hours"],
            **{flag: out[flag] for flag in FLAG_VARIABLES},
            "weight": out["weight"],
            "strata": pd.array(out["strata"], dtype="string"),
            "psu": pd.array(out["psu"], dtype="string"),
            **{d: pd.array(out[d], dtype="string") for d in mapping.domains},
            **replicates,
        }
    )
    return result, check.warnings


def load_standardised(
    path: str | Path, mapping: VariableMapping, source_format: str | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Read and validate a file in one go. Raises ValueError (unreadable file),
    ImportValidationError (bad rows) or MappingError."""
    return standardise(read_source(path, source_format), mapping)
