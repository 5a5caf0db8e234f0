"""The SDG 8.7.1 table: children in child labour and in hazardous work, by sex and age group.

Every child is classified with ``synergy.classification.classify_arrays`` under the chosen
framework; then the design-based estimator gives, per domain, the prevalence (statistic
"mean" of the 0/1 flag with the analysis population ``subset`` = ages 5-17 in scope, so that no
design row is dropped before the variance is computed) and the number of children (statistic
"total"). Child labour is CL or HAZ; hazardous work is HAZ. MICS measures no hazardous
industry or night work and its hazardous-conditions label (HC) is not child labour, so under
the MICS frameworks the hazardous-work columns are left empty rather than shown as zero.

Results are plain dataclasses; ``exports`` writes them as CSV, Excel, JSON or SDMX-CSV.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from synergy.classification import FRAMEWORKS, Policy, classify_arrays, is_child_labour

AGE_GROUPS: tuple[tuple[str, int, int], ...] = (
    ("5-11", 5, 11),
    ("12-14", 12, 14),
    ("15-17", 15, 17),
)
AGE_TOTAL = "5-17"
SEXES = ("M", "F")
TOTAL = "_T"
MICS_FRAMEWORKS = ("mics", "mics-2017")
CI_METHODS = ("wald", "logit", "beta")


@dataclass(frozen=True)
class Stat:
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    df: float | None = None
    deff: float | None = None


@dataclass(frozen=True)
class TableRow:
    """One domain. Proportions are fractions (0-1); numbers are weighted counts of children."""

    domain: dict[str, str]
    n: int
    population: float
    child_labour: Stat
    child_labour_number: Stat
    hazardous: Stat | None
    hazardous_number: Stat | None

    @property
    def sex(self) -> str:
        return self.domain.get("sex", TOTAL)

    @property
    def age_group(self) -> str:
        return self.domain.get("age_group", AGE_TOTAL)

    def flat(self) -> dict[str, Any]:
        """One flat record, as the CSV and Excel exports write it."""
        record: dict[str, Any] = dict(self.domain)
        record["n"] = self.n
        record["population"] = self.population
        for name in ("child_labour", "child_labour_number", "hazardous", "hazardous_number"):
            stat: Stat | None = getattr(self, name)
            for part in ("estimate", "se", "ci_low", "ci_high"):
                record[f"{name}_{part}"] = None if stat is None else getattr(stat, part)
        return record


@dataclass
class ChildLabourTable:
    framework: str
    by: tuple[str, ...]
    rows: list[TableRow]
    ci: str
    level: float
    n_in_scope: int
    label_counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)

    @property
    def has_hazardous(self) -> bool:
        return self.framework not in MICS_FRAMEWORKS

    def to_json(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "by": list(self.by),
            "ci": self.ci,
            "level": self.level,
            "n_in_scope": self.n_in_scope,
            "label_counts": self.label_counts,
            "warnings": self.warnings,
            "rows": [asdict(row) for row in self.rows],
        }

    def row(self, **domain: str) -> TableRow:
        """The row of one domain; unnamed dimensions are totals."""
        for row in self.rows:
            if all(row.domain.get(k, _total(k)) == v for k, v in domain.items()) and all(
                v == _total(k) for k, v in row.domain.items() if k not in domain
            ):
                return row
        raise KeyError(domain)


def _total(key: str) -> str:
    return AGE_TOTAL if key == "age_group" else TOTAL


def age_groups(age: np.ndarray) -> np.ndarray:
    out = np.full(age.shape, "", dtype=object)
    for label, low, high in AGE_GROUPS:
        out[(age >= low) & (age <= high)] = label
    return out


def classify_frame(
    frame: pd.DataFrame, *, framework: str, policy: Policy | None = None
) -> np.ndarray:
    """Labels for every row of a standardised frame (see ``importing``)."""
    return classify_arrays(
        age=frame["age"].to_numpy(dtype=float),
        econ_hours=frame["econ_hours"].to_numpy(dtype=float),
        chore_hours=frame["chore_hours"].to_numpy(dtype=float),
        hazardous_industry=frame["hazardous_industry"].to_numpy(dtype=bool),
        hazardous_conditions=frame["hazardous_conditions"].to_numpy(dtype=bool),
        night_work=frame["night_work"].to_numpy(dtype=bool),
        other_wfcl=frame["other_wfcl"].to_numpy(dtype=bool) if "other_wfcl" in frame else None,
        framework=framework,
        policy=policy,
    )


def make_design(
    frame: pd.DataFrame, *, lonely_psu: str = "fail", replicates: dict[str, Any] | None = None
) -> Any:
    """The survey design of a standardised frame. PSU codes are made unique within strata,
    since surveys number clusters from 1 in each stratum. With ``replicates`` (the mapping's
    replicate settings) the design is the replicate weights (columns rep_1, rep_2…)."""
    from synergy.surveys.estimation import Design
    from synergy.surveys.replicates import ReplicateDesign

    if replicates:
        names = sorted(
            (c for c in frame.columns if str(c).startswith("rep_")), key=lambda c: int(c[4:])
        )
        return ReplicateDesign(
            weights=frame["weight"].to_numpy(dtype=float),
            replicates=frame[names].to_numpy(dtype=float),
            type=replicates.get("type", "JK1"),
            rho=replicates.get("rho"),
            rscales=np.asarray(replicates["rscales"]) if replicates.get("rscales") else None,
            mse=bool(replicates.get("mse")),
        )

    strata_codes, strata_levels = pd.factorize(frame["strata"].astype(str), sort=True)
    psu_key = frame["strata"].astype(str) + "\x1f" + frame["psu"].astype(str)
    psu_codes, _ = pd.factorize(psu_key, sort=True)
    return Design(
        weights=frame["weight"].to_numpy(dtype=float),
        strata=strata_codes if len(strata_levels) > 1 else None,
        psu=psu_codes,
        lonely_psu=lonely_psu,
    )


def _stat(est: Any, *, counts: bool = False) -> Stat:
    def num(value: Any) -> float | None:
        return None if value is None else float(value)

    ci_low = float(est.ci_low)
    if counts and ci_low < 0:
        # A Wald interval of a small count can reach below zero; no count of children can.
        ci_low = 0.0
    return Stat(
        estimate=float(est.estimate),
        se=float(est.se),
        ci_low=ci_low,
        ci_high=float(est.ci_high),
        df=num(getattr(est, "df", None)),
        deff=num(getattr(est, "deff", None)),
    )


def child_labour_table(
    frame: pd.DataFrame,
    *,
    framework: str = "icls-sna",
    by: Sequence[str] = ("sex", "age_group"),
    policy: Policy | None = None,
    ci: str = "logit",
    level: float = 0.95,
    lonely_psu: str = "fail",
    warnings: list[str] | None = None,
    replicates: dict[str, Any] | None = None,
) -> ChildLabourTable:
    """The 8.7.1 table of a standardised frame.

    ``by`` names the dimensions: ``sex``, ``age_group`` and any domain column of the frame
    (region, residence...). Each dimension also gets its total ("_T"; "5-17" for age), so the
    table holds every combination of values and totals, the national all-sexes 5-17 row
    included.
    """
    from synergy.surveys.estimation import estimate
    from synergy.surveys.replicates import ReplicateDesign, estimate_replicate

    if framework not in FRAMEWORKS:
        raise ValueError(f"Unknown framework {framework!r}: use one of {', '.join(FRAMEWORKS)}")
    if ci not in CI_METHODS:
        raise ValueError(f"Unknown interval method {ci!r}: use one of {', '.join(CI_METHODS)}")
    by = tuple(dict.fromkeys(by))
    for key in by:
        if key not in ("sex", "age_group") and key not in frame.columns:
            raise ValueError(f"No column {key!r} to break the table down by")
    labels = classify_frame(frame, framework=framework, policy=policy)
    age = frame["age"].to_numpy(dtype=float)
    groups = age_groups(age)
    in_scope = (labels != "OOS") & (groups != "")
    cl = np.array([is_child_labour(label) for label in labels.tolist()], dtype=float)
    haz = (labels == "HAZ").astype(float)
    dims: dict[str, np.ndarray] = {}
    for key in by:
        if key == "sex":
            dims[key] = frame["sex"].astype(str).to_numpy(dtype=object)
        elif key == "age_group":
            dims[key] = groups
        else:
            dims[key] = frame[key].fillna("").astype(str).to_numpy(dtype=object)

    design = make_design(frame, lonely_psu=lonely_psu, replicates=replicates)
    estimator = estimate_replicate if isinstance(design, ReplicateDesign) else estimate
    weights = frame["weight"].to_numpy(dtype=float)

    # Domain sizes, to keep only domains with children in scope.
    counts: dict[tuple[str, ...], tuple[int, float]] = {}
    for combo in _combos(by):
        sub = pd.DataFrame({"w": weights[in_scope], **{k: dims[k][in_scope] for k in combo}})
        if not combo:
            counts[_full_key(by, {})] = (len(sub), float(sub["w"].sum()))
            continue
        agg = sub.groupby(list(combo), sort=False)["w"].agg(["size", "sum"])
        for values, size, total in zip(agg.index, agg["size"], agg["sum"], strict=True):
            values = values if isinstance(values, tuple) else (values,)
            domain = dict(zip(combo, (str(v) for v in values), strict=True))
            counts[_full_key(by, domain)] = (int(size), float(total))

    results: dict[tuple[str, ...], dict[str, Stat]] = {}
    indicators: list[tuple[str, np.ndarray, str]] = [
        ("child_labour", cl, "mean"),
        ("child_labour_number", cl, "total"),
    ]
    if framework not in MICS_FRAMEWORKS:
        indicators += [("hazardous", haz, "mean"), ("hazardous_number", haz, "total")]
    for combo in _combos(by):
        by_arrays = {k: dims[k] for k in combo} or None
        for name, y, statistic in indicators:
            for est in estimator(
                y=y,
                design=design,
                statistic=statistic,
                by=by_arrays,
                # Logit and beta intervals are for proportions; totals take Wald intervals.
                ci=ci if statistic == "mean" else "wald",
                level=level,
                subset=in_scope,
            ):
                domain = {k: str(v) for k, v in (est.domain or {}).items()}
                domain_key = _full_key(by, domain)
                if domain_key in counts:
                    results.setdefault(domain_key, {})[name] = _stat(
                        est, counts=statistic == "total"
                    )

    rows = []
    for row_key in sorted(counts, key=lambda k: _sort_key(by, k)):
        stats = results.get(row_key, {})
        if "child_labour" not in stats:
            continue
        n, population = counts[row_key]
        rows.append(
            TableRow(
                domain=dict(zip(by, row_key, strict=True)),
                n=n,
                population=population,
                child_labour=stats["child_labour"],
                child_labour_number=stats["child_labour_number"],
                hazardous=stats.get("hazardous"),
                hazardous_number=stats.get("hazardous_number"),
            )
        )
    label_values, label_counts = np.unique(labels, return_counts=True)
    return ChildLabourTable(
        framework=framework,
        by=by,
        rows=rows,
        ci=ci,
        level=level,
        n_in_scope=int(in_scope.sum()),
        label_counts={str(k): int(v) for k, v in zip(label_values, label_counts, strict=True)},
        warnings=list(warnings or []),
    )


def _combos(by: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [combo for r in range(len(by), -1, -1) for combo in itertools.combinations(by, r)]


def _full_key(by: tuple[str, ...], domain: dict[str, str]) -> tuple[str, ...]:
    return tuple(domain.get(k, _total(k)) for k in by)


def _sort_key(by: tuple[str, ...], key: tuple[str, ...]) -> tuple[Any, ...]:
    out: list[Any] = []
    for dim, value in zip(by, key, strict=True):
        if dim == "sex":
            out.append(("M", "F", TOTAL).index(value) if value in ("M", "F", TOTAL) else 3)
        elif dim == "age_group":
            order = [g[0] for g in AGE_GROUPS] + [AGE_TOTAL]
            out.append(order.index(value) if value in order else len(order))
        else:
            out.append((value != TOTAL, value))
    # The first dimension of a regional breakdown reads best outermost.
    extra = [i for i, dim in enumerate(by) if dim not in ("sex", "age_group")]
    return tuple(out[i] for i in extra) + tuple(
        out[i] for i, dim in enumerate(by) if dim in ("sex", "age_group")
    )
