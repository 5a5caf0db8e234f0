"""A survey with replicate weights instead of strata and PSUs: the mapping page names the
columns by a pattern, the import keeps them, and the 8.7.1 table is estimated from them (the
same figures as ``estimate_replicate``, itself equal to R)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from django.urls import reverse

from synergy.surveys import storage
from synergy.surveys.childlabour import age_groups, classify_frame
from synergy.surveys.models import DatasetStatus
from synergy.surveys.replicates import ReplicateDesign, estimate_replicate
from synergy.surveys.tests.test_views_surveys import MAPPING_POST, SurveyViewTestCase, survey_csv


def survey_with_replicates() -> bytes:
    frame = pd.read_csv(io.BytesIO(survey_csv()))
    rng = np.random.default_rng(87)
    for r in range(1, 21):
        # A jackknife: each replicate drops one PSU and reweights the others.
        dropped = r % 6 + 1
        frame[f"repwt{r}"] = np.where(frame["HH1"] == dropped, 0.0, frame["fsweight"] * 1.2)
        frame[f"repwt{r}"] *= rng.uniform(0.99, 1.01)
    return frame.to_csv(index=False).encode()


class ReplicateDatasetTest(SurveyViewTestCase):
    def test_the_table_is_estimated_from_the_replicate_weights(self) -> None:
        dataset = self.upload(survey_with_replicates())
        self.client.force_login(self.alice)
        post = MAPPING_POST | {"replicate_pattern": "^repwt", "replicate_type": "JK1"}
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("surveys-map", args=[dataset.pk]), post)
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        dataset.refresh_from_db()
        self.assertEqual(dataset.status, DatasetStatus.READY, dataset.errors)
        self.assertEqual(dataset.mapping["replicates"]["type"], "JK1")
        frame = storage.read_data(dataset.pk)
        reps = frame[[f"rep_{k}" for k in range(1, 21)]].to_numpy()
        page = self.client.get(reverse("surveys-table", args=[dataset.pk]))
        national = next(
            row
            for row in page.context["table"].rows
            if row.domain == {"sex": "_T", "age_group": "5-17"}
        )
        labels = classify_frame(frame, framework="icls-sna")
        in_scope = (labels != "OOS") & (age_groups(frame["age"].to_numpy(float)) != "")
        cl = np.isin(labels, ["CL", "HAZ"]).astype(float)
        expected = estimate_replicate(
            y=cl,
            design=ReplicateDesign(frame["weight"].to_numpy(float), reps, type="JK1"),
            subset=in_scope,
            ci="logit",
        )[0]
        self.assertAlmostEqual(national.child_labour.estimate, expected.estimate, places=12)
        self.assertAlmostEqual(national.child_labour.se, expected.se, places=12)
        # 20 columns, but each is one of 6 jackknife patterns rescaled: rank 6, 5 df (as R).
        self.assertEqual(national.child_labour.df, 5)
        self.assertEqual(expected.df, 5)
        self.assertIn("replicate weights", page.context["determinants_error"])

    def test_a_pattern_naming_no_column_is_refused_on_the_form(self) -> None:
        dataset = self.upload(survey_with_replicates())
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("surveys-map", args=[dataset.pk]),
            MAPPING_POST | {"replicate_pattern": "^nothing", "replicate_type": "JK1"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("replicate_pattern", response.context["form"].errors)
        fay = self.client.post(
            reverse("surveys-map", args=[dataset.pk]),
            MAPPING_POST | {"replicate_pattern": "^repwt", "replicate_type": "Fay"},
        )
        self.assertIn("replicate_rho", fay.context["form"].errors)
