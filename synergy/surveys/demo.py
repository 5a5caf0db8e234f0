"""A demo survey, generated: a child labour survey of the demo country last year, already
imported and estimated, so that the SDG 8.7.1 table and the indicator computed from it show
figures at once. The design has strata, clusters and weights like a real household survey;
the shares are invented (about one child in eight in child labour, more among older boys).
Idempotent."""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone

from synergy.core.models import Country, Organisation, User
from synergy.surveys import storage
from synergy.surveys.models import DatasetStatus, SourceFormat, SurveyDataset

NAME = "Demo child labour survey (generated)"
STRATA, CLUSTERS_PER_STRATUM, CHILDREN_PER_CLUSTER = 6, 10, 40


def frame(seed: int = 87) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = STRATA * CLUSTERS_PER_STRATUM * CHILDREN_PER_CLUSTER
    stratum = np.repeat(np.arange(1, STRATA + 1), CLUSTERS_PER_STRATUM * CHILDREN_PER_CLUSTER)
    cluster = np.repeat(np.arange(1, STRATA * CLUSTERS_PER_STRATUM + 1), CHILDREN_PER_CLUSTER)
    age = rng.integers(5, 18, n)
    sex = rng.choice(["F", "M"], n)
    # A cluster effect: some villages send many more children to work.
    village = rng.gamma(2.0, 0.5, STRATA * CLUSTERS_PER_STRATUM)[cluster - 1]
    works = rng.random(n) < np.clip(
        0.05 + 0.012 * (age - 5) * village + 0.03 * (sex == "M"), 0, 0.9
    )
    hours = np.where(works, rng.choice([6.0, 15.0, 25.0, 45.0], n, p=[0.3, 0.3, 0.25, 0.15]), 0.0)
    return pd.DataFrame(
        {
            "age": age.astype("int16"),
            "sex": sex,
            "econ_hours": hours,
            "chore_hours": rng.choice([0.0, 5.0, 10.0, 25.0], n, p=[0.4, 0.3, 0.2, 0.1]),
            "hazardous_industry": works & (rng.random(n) < 0.2),
            "hazardous_conditions": works & (rng.random(n) < 0.15),
            "night_work": works & (rng.random(n) < 0.05),
            "other_wfcl": np.zeros(n, dtype=bool),
            "weight": rng.uniform(80, 160, n).round(2) * (1 + 0.1 * stratum),
            "strata": stratum.astype(str),
            "psu": cluster.astype(str),
            "region": np.where(stratum <= 3, "Hills", "Terai"),
        }
    )


def load() -> None:
    country = Country.objects.filter(pk="NP").first()
    organisation = Organisation.objects.filter(acronym="UCLR").first()
    analyst = User.objects.filter(username="analyst").first()
    if country is None or organisation is None or SurveyDataset.objects.filter(name=NAME).exists():
        return
    data = frame()
    with transaction.atomic():
        dataset = SurveyDataset.objects.create(
            name=NAME,
            country=country,
            year=timezone.localdate().year - 1,
            organisation=organisation,
            uploaded_by=analyst,
            source_format=SourceFormat.CSV,
            original_filename="demo-survey.csv",
            source_columns=list(data.columns),
            status=DatasetStatus.READY,
            row_count=len(data),
        )
        storage.write_data(dataset.pk, data)
