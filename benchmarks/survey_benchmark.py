"""Benchmark: child labour prevalence by sex x age group x region on a million children.

    .venv/bin/python benchmarks/survey_benchmark.py [--rows 1000000] [--psus 2000]
        [--strata 50] [--regions 10] [--seed 87] [--skip-r]

Generates a fixed-seed synthetic survey (stratified two-stage: strata nested in regions, PSUs of
varied size), writes it to Parquet (and CSV for R) in a temporary directory, then times, in this
process: reading the Parquet file, classifying every child, and estimating the prevalence with
its SE, df, logit CI and deff in each domain.  Peak memory is the process's maximum resident
set size and tracemalloc's peak during a second, untimed run of the same pipeline.  Finally it
runs benchmarks/survey_benchmark.R on the same data (timing only R's svydesign + svyby work,
not its CSV reading) and prints the speed ratio and the largest difference between the two.
Never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "synergy.settings")

from synergy.surveys.estimation import Design, Estimate, estimate  # noqa: E402

HERE = Path(__file__).resolve().parent
AGE_GROUPS = np.array(["05-11", "12-14", "15-17"])


def generate(rows: int, psus: int, strata: int, regions: int, seed: int) -> pd.DataFrame:
    """A synthetic household survey of children aged 5-17 (fixed seed)."""
    rng = np.random.default_rng(seed)
    per_stratum = psus // strata
    psu_stratum = np.repeat(np.arange(strata), per_stratum)
    psu_number = np.tile(np.arange(1, per_stratum + 1), strata)
    psu_region = psu_stratum * regions // strata
    size_p = rng.gamma(4.0, 1.0, psus)
    psu_of = np.sort(rng.choice(psus, size=rows, p=size_p / size_p.sum()))
    effect = rng.normal(0.0, 0.6, psus)[psu_of]
    age = rng.integers(5, 18, rows)
    sex = rng.integers(0, 2, rows)
    lp = -1.3 + 0.15 * (age - 11) + 0.3 * sex + effect + 0.08 * psu_region[psu_of]
    works = rng.random(rows) < 1.0 / (1.0 + np.exp(-lp))
    econ = np.where(works, np.round(rng.gamma(2.0, 9.0, rows), 1), 0.0)
    chores = np.round(rng.gamma(1.5, 5.0, rows), 1)
    base_w = rng.uniform(80.0, 400.0, psus)
    weight = np.round(base_w[psu_of] * rng.uniform(0.85, 1.2, rows), 4)
    return pd.DataFrame(
        {
            "stratum": pd.Categorical.from_codes(
                psu_stratum[psu_of], [f"S{i:02d}" for i in range(strata)]
            ),
            "psu": psu_number[psu_of].astype(np.int32),
            "region": pd.Categorical.from_codes(
                psu_region[psu_of], [f"R{i:02d}" for i in range(regions)]
            ),
            "sex": pd.Categorical.from_codes(sex, ["F", "M"]),
            "age": age.astype(np.int16),
            "econ_hours": econ,
            "chore_hours": chores,
            "hazardous_industry": works & (rng.random(rows) < 0.08),
            "hazardous_conditions": works & (rng.random(rows) < 0.10),
            "night_work": works & (rng.random(rows) < 0.03),
            "weight": weight,
        }
    )


def classify(frame: pd.DataFrame) -> tuple[np.ndarray, str]:
    """1.0 for child labour (incl. hazardous work), else 0.0; which classifier was used."""
    try:
        from synergy.classification.rules import CL, HAZ
        from synergy.classification.vector import classify_arrays
    except ImportError:  # classification engine not available: ILO/ICLS-style inline rule
        age = frame["age"].to_numpy()
        econ = frame["econ_hours"].to_numpy()
        hazardous = (
            frame["hazardous_industry"].to_numpy()
            | frame["hazardous_conditions"].to_numpy()
            | frame["night_work"].to_numpy()
            | (econ >= 43)
        )
        cl = (econ > 0) & (hazardous | (age < 12) | ((age < 15) & (econ >= 14)))
        return cl.astype(np.float64), "inline rule"
    labels = classify_arrays(
        age=frame["age"].to_numpy(),
        econ_hours=frame["econ_hours"].to_numpy(),
        chore_hours=frame["chore_hours"].to_numpy(),
        hazardous_industry=frame["hazardous_industry"].to_numpy(),
        hazardous_conditions=frame["hazardous_conditions"].to_numpy(),
        night_work=frame["night_work"].to_numpy(),
    )
    return np.isin(labels, [CL, HAZ]).astype(np.float64), "synergy.classification.classify_arrays"


def agegroup(age: np.ndarray) -> np.ndarray:
    return AGE_GROUPS[np.searchsorted([12, 15], age, side="right")]


def pipeline(path: Path) -> tuple[list[Estimate], dict[str, float], str]:
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    frame = pd.read_parquet(path)
    times["read"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    y, classifier = classify(frame)
    times["classify"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    design = Design(
        weights=frame["weight"].to_numpy(),
        strata=frame["stratum"].cat.codes.to_numpy(),
        psu=frame["psu"].to_numpy(),
    )
    results = estimate(
        y=y,
        design=design,
        by={
            "sex": frame["sex"].to_numpy(),
            "agegroup": agegroup(frame["age"].to_numpy()),
            "region": frame["region"].to_numpy(),
        },
        ci="logit",
        name="child_labour",
    )
    times["estimate"] = time.perf_counter() - t0
    return results, times, classifier


def timed(label: str, fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - t0
    print(f"  {label:<34} {elapsed:8.3f} s")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--psus", type=int, default=2000)
    parser.add_argument("--strata", type=int, default=50)
    parser.add_argument("--regions", type=int, default=10)
    parser.add_argument("--seed", type=int, default=87)
    parser.add_argument("--skip-r", action="store_true", help="do not run the R comparison")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="synergy-survey-bench-"))
    try:
        parquet = tmp / "children.parquet"
        print(
            f"{args.rows:,} children, {args.psus:,} PSUs, {args.strata} strata, "
            f"{args.regions} regions (seed {args.seed}); files in {tmp}"
        )
        t_start = time.perf_counter()
        holder: dict[str, pd.DataFrame] = {}
        timed(
            "generate",
            lambda: holder.update(
                frame=generate(args.rows, args.psus, args.strata, args.regions, args.seed)
            ),
        )
        timed("write Parquet", lambda: holder["frame"].to_parquet(parquet))
        results, times, classifier = pipeline(parquet)
        for key in ("read", "classify", "estimate"):
            print(f"  {key + (' Parquet' if key == 'read' else ''):<34} {times[key]:8.3f} s")
        total = time.perf_counter() - t_start
        pipeline_time = sum(times.values())
        print(f"  {'end to end (generate..estimate)':<34} {total:8.3f} s")
        print(f"  {'read + classify + estimate':<34} {pipeline_time:8.3f} s")
        print(f"  classifier: {classifier}; {len(results)} domains")
        print(f"  peak RSS (ru_maxrss)               {peak_rss_mb():8.1f} MB")

        tracemalloc.start()
        pipeline(parquet)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  tracemalloc peak (read..estimate)  {peak / 2**20:8.1f} MB")
        overall = [r for r in results][:3]
        for r in overall:
            print(
                f"    {r.domain}: {r.estimate:.4f} (se {r.se:.4f}, df {r.df}, "
                f"CI {r.ci_low:.4f}-{r.ci_high:.4f}, deff {r.deff:.2f}, n {r.n})"
            )
        if args.skip_r:
            return
        if shutil.which("Rscript") is None:
            print("Rscript not found: no R comparison")
            return
        csv_path = tmp / "children.csv"
        frame = holder["frame"]
        y, _ = classify(frame)
        frame.assign(child_labour=y.astype(np.int8), agegroup=agegroup(frame["age"].to_numpy()))[
            ["stratum", "psu", "region", "sex", "agegroup", "child_labour", "weight"]
        ].to_csv(csv_path, index=False)
        out_json = tmp / "r_results.json"
        t0 = time.perf_counter()
        proc = subprocess.run(
            ["Rscript", str(HERE / "survey_benchmark.R"), str(csv_path), str(out_json)],
            capture_output=True,
            text=True,
        )
        r_wall = time.perf_counter() - t0
        if proc.returncode != 0:
            print(proc.stderr)
            raise SystemExit("R benchmark failed")
        r = json.loads(out_json.read_text())
        print(
            f"  R read CSV {r['read_seconds']:.2f} s; R svydesign+svyby {r['seconds']:.2f} s "
            f"(Rscript wall {r_wall:.1f} s)"
        )
        ours = {(d.domain["sex"], d.domain["agegroup"], d.domain["region"]): d for d in results}
        diffs = {"estimate": 0.0, "se": 0.0, "deff": 0.0}
        for row in r["results"]:
            mine = ours[(row["sex"], row["agegroup"], row["region"])]
            for key in diffs:
                diffs[key] = max(diffs[key], abs(getattr(mine, key) - row[key]))
        print(
            "  max |Python - R|: "
            + ", ".join(f"{k} {v:.2e}" for k, v in diffs.items())
            + f" over {len(r['results'])} domains"
        )
        print(
            f"  ratio R svyby / Python estimate: {r['seconds'] / times['estimate']:.0f}x; "
            f"R svyby / Python read+classify+estimate: {r['seconds'] / pipeline_time:.0f}x"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


if __name__ == "__main__":
    main()
