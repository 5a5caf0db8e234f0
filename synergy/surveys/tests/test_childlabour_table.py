"""The 8.7.1 table on generated data whose answer is known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synergy.surveys.childlabour import child_labour_table
from synergy.surveys.estimation import Design, estimate


def generated(n: int = 600, *, seed: int = 7) -> pd.DataFrame:
    """Children whose ICLS-SNA label follows from econ_hours alone: 0 h is not working, 20 h
    is child labour below 15 and permissible work from 15, 50 h is hazardous (long hours)."""
    rng = np.random.default_rng(seed)
    age = rng.integers(3, 20, n)  # includes out-of-scope ages 3, 4, 18 and 19
    return pd.DataFrame(
        {
            "age": age.astype("int16"),
            "sex": rng.choice(["M", "F"], n),
            "econ_hours": rng.choice([0.0, 20.0, 50.0], n, p=[0.6, 0.3, 0.1]),
            "chore_hours": np.zeros(n),
            "hazardous_industry": np.zeros(n, dtype=bool),
            "hazardous_conditions": np.zeros(n, dtype=bool),
            "night_work": np.zeros(n, dtype=bool),
            "other_wfcl": np.zeros(n, dtype=bool),
            "weight": np.full(n, 3.0),
            "strata": np.full(n, "1"),
            "psu": [str(i) for i in range(n)],
            "region": rng.choice(["North", "South"], n),
        }
    )


def expected_flags(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    age, hours = frame["age"].to_numpy(), frame["econ_hours"].to_numpy()
    scope = (age >= 5) & (age <= 17)
    haz = hours == 50
    cl = haz | ((hours == 20) & (age < 15))
    return scope, cl, haz


GROUPS = {"5-11": (5, 11), "12-14": (12, 14), "15-17": (15, 17), "5-17": (5, 17)}


def test_it_equals_the_simple_share_with_equal_weights_and_no_clusters() -> None:
    frame = generated()
    scope, cl, haz = expected_flags(frame)
    table = child_labour_table(frame, framework="icls-sna")
    # 2 sexes + total, times 3 age groups + total.
    assert len(table.rows) == 12
    assert table.n_in_scope == int(scope.sum())
    age, sex = frame["age"].to_numpy(), frame["sex"].to_numpy()
    for sex_code in ("M", "F", "_T"):
        for group, (low, high) in GROUPS.items():
            domain = scope & (age >= low) & (age <= high)
            if sex_code != "_T":
                domain &= sex == sex_code
            row = table.row(sex=sex_code, age_group=group)
            assert row.n == int(domain.sum())
            assert row.population == pytest.approx(3.0 * domain.sum())
            assert row.child_labour.estimate == pytest.approx(cl[domain].mean(), abs=1e-12)
            assert row.hazardous is not None and row.hazardous_number is not None
            assert row.hazardous.estimate == pytest.approx(haz[domain].mean(), abs=1e-12)
            assert row.child_labour_number.estimate == pytest.approx(3.0 * cl[domain].sum())
            assert row.hazardous_number.estimate == pytest.approx(3.0 * haz[domain].sum())
            # Every row its own PSU, one stratum of N rows, domain of m rows: the domain is a
            # subpopulation of the whole design, so SE^2 = N/(N-1) * p(1-p)/m (rows outside
            # the domain count as zero scores rather than being dropped).
            p, m, big_n = cl[domain].mean(), domain.sum(), len(frame)
            assert row.child_labour.se == pytest.approx(
                np.sqrt(big_n / (big_n - 1) * p * (1 - p) / m), rel=1e-9
            )
            assert row.child_labour.ci_low <= p <= row.child_labour.ci_high
            # Wald intervals of counts are cut at zero: no count of children is negative.
            assert row.child_labour_number.ci_low >= 0 and row.hazardous_number.ci_low >= 0


def test_it_matches_a_direct_call_of_the_estimator_for_one_cell() -> None:
    frame = generated(seed=11)
    rng = np.random.default_rng(3)
    frame["weight"] = rng.uniform(0.5, 4.0, len(frame))
    frame["strata"] = rng.choice(["a", "b", "c"], len(frame))
    frame["psu"] = rng.integers(1, 8, len(frame)).astype(str)
    scope, cl, _ = expected_flags(frame)
    table = child_labour_table(frame, framework="icls-sna", ci="logit")
    row = table.row(sex="F", age_group="12-14")

    age = frame["age"].to_numpy()
    cell = scope & (frame["sex"].to_numpy() == "F") & (age >= 12) & (age <= 14)
    design = Design(
        weights=frame["weight"].to_numpy(),
        strata=frame["strata"].to_numpy(),
        psu=frame["psu"].to_numpy(),
    )
    [direct] = estimate(
        y=cl.astype(float), design=design, statistic="mean", ci="logit", subset=cell
    )
    assert row.child_labour.estimate == pytest.approx(direct.estimate, rel=1e-12)
    assert row.child_labour.se == pytest.approx(direct.se, rel=1e-9)
    assert row.child_labour.ci_low == pytest.approx(direct.ci_low, rel=1e-9)
    assert row.child_labour.ci_high == pytest.approx(direct.ci_high, rel=1e-9)
    [total] = estimate(y=cl.astype(float), design=design, statistic="total", subset=cell)
    assert row.child_labour_number.estimate == pytest.approx(total.estimate, rel=1e-12)
    assert row.child_labour_number.se == pytest.approx(total.se, rel=1e-9)


def test_it_breaks_down_by_region_with_national_totals() -> None:
    frame = generated()
    scope, cl, _ = expected_flags(frame)
    table = child_labour_table(frame, by=["sex", "age_group", "region"])
    # (2 regions + total) x (2 sexes + total) x (3 age groups + total)
    assert len(table.rows) == 36
    region = frame["region"].to_numpy()
    north = table.row(region="North")
    domain = scope & (region == "North")
    assert north.child_labour.estimate == pytest.approx(cl[domain].mean())
    national = table.row()
    assert national.child_labour.estimate == pytest.approx(cl[scope].mean())


def test_it_leaves_hazardous_work_empty_under_mics() -> None:
    table = child_labour_table(generated(), framework="mics")
    assert not table.has_hazardous
    assert all(row.hazardous is None for row in table.rows)
    # MICS: 20 h is child labour at 5-14 (>= 14 h from 12), not at 15-17 (< 43 h).
    frame = generated()
    scope, _, _ = expected_flags(frame)
    age, hours = frame["age"].to_numpy(), frame["econ_hours"].to_numpy()
    cl = ((hours >= 1) & (age < 12)) | ((hours >= 14) & (age < 15)) | (hours >= 43)
    assert table.row().child_labour.estimate == pytest.approx(cl[scope].mean())


def test_it_refuses_an_unknown_framework_or_dimension() -> None:
    with pytest.raises(ValueError, match="Unknown framework"):
        child_labour_table(generated(), framework="ilo-1999")
    with pytest.raises(ValueError, match="No column 'district'"):
        child_labour_table(generated(), by=["sex", "district"])
