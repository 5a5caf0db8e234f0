"""synergy.surveys.estimation: behaviour beyond the R gold (errors, types, edge cases)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synergy.surveys.estimation import Design, Estimate, LonelyPsuError, estimate

DATA = pd.read_csv(Path(__file__).parent / "gold" / "survey_data.csv")


def design(strata: str = "stratum2", lonely: str = "fail") -> Design:
    return Design(
        weights=DATA["w"].to_numpy(),
        strata=DATA[strata].to_numpy(),
        psu=DATA["psu"].to_numpy(),
        lonely_psu=lonely,
    )


def test_lonely_psu_error_names_the_stratum():
    with pytest.raises(LonelyPsuError, match=r"Stratum \(S5\)") as info:
        estimate(y=DATA["y"].to_numpy(), design=design("stratum"))
    assert isinstance(info.value, ValueError)
    assert info.value.stratum == "S5"


def test_lonely_stratum_outside_the_population_is_no_error():
    """As in R: only strata holding analysed rows are visited."""
    outside = (DATA["stratum"] != "S5").to_numpy()
    res = estimate(y=DATA["y"].to_numpy(), design=design("stratum"), subset=outside)
    assert len(res) == 1 and res[0].n == int(outside.sum())


def test_missing_y_only_matters_inside_the_population():
    hours = DATA["hours"].to_numpy()
    with pytest.raises(ValueError, match="hours has 69 missing values"):
        estimate(y=hours, design=design(), name="hours")
    ok = estimate(y=hours, design=design(), subset=(DATA["age"] >= 5).to_numpy(), name="hours")
    assert ok[0].n == 400 and np.isfinite(ok[0].se)


def test_subset_keeps_design_rows():
    """Subsetting the data first (dropping PSUs) is not the same as a subpopulation."""
    keep = (DATA["region"] == "East").to_numpy()
    sub = estimate(y=DATA["y"].to_numpy(), design=design(), subset=keep)[0]
    dropped = Design(
        weights=DATA["w"].to_numpy()[keep],
        strata=DATA["stratum2"].to_numpy()[keep],
        psu=DATA["psu"].to_numpy()[keep],
        lonely_psu="adjust",
    )
    naive = estimate(y=DATA["y"].to_numpy()[keep], design=dropped)[0]
    assert sub.estimate == pytest.approx(naive.estimate, abs=1e-12)
    assert sub.se != pytest.approx(naive.se, abs=1e-6)


def test_domain_values_are_python_scalars_and_sorted():
    res = estimate(y=DATA["y"].to_numpy(), design=design(), by={"psu": DATA["psu"].to_numpy()})
    assert [r.domain["psu"] for r in res] == [1, 2, 3, 4, 5, 6]
    assert all(type(r.domain["psu"]) is int for r in res)
    assert all(isinstance(r, Estimate) and isinstance(r.df, int) for r in res)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"statistic": "median"}, "statistic"),
        ({"ci": "wilson"}, "ci must be"),
        ({"level": 1.5}, "level"),
        ({"statistic": "total", "ci": "logit"}, "proportions"),
        ({"subset": np.ones(3, dtype=bool)}, "subset"),
        ({"subset": np.zeros(len(DATA), dtype=bool)}, "no rows"),
        ({"by": {"sex": np.array(["F"])}}, "sex"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        estimate(y=DATA["y"].to_numpy(), design=design(), **kwargs)


def test_bad_design():
    y = DATA["y"].to_numpy()
    w = DATA["w"].to_numpy().copy()
    with pytest.raises(ValueError, match="lonely_psu"):
        estimate(y=y, design=design(lonely="collapse"))
    w[3] = np.nan
    with pytest.raises(ValueError, match="weights"):
        estimate(y=y, design=Design(weights=w))
    strata = DATA["stratum"].to_numpy().astype(object)
    strata[0] = None
    with pytest.raises(ValueError, match="strata has 1 missing"):
        estimate(y=y, design=Design(weights=DATA["w"].to_numpy(), strata=strata))
    with pytest.raises(ValueError, match="between 0 and 1"):
        estimate(y=DATA["age"].to_numpy(), design=design(), ci="beta", name="age")


def test_by_missing_value_is_named():
    region = DATA["region"].to_numpy().astype(object)
    region[5] = None
    with pytest.raises(ValueError, match="by variable 'region'.*1 missing"):
        estimate(y=DATA["y"].to_numpy(), design=design(), by={"region": region})
