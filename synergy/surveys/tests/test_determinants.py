"""The determinants table: odds ratios of child labour by sex, age group and the dataset's
breakdowns beside the 8.7.1 table, downloadable, audited, and equal to R's svyglm."""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from django.urls import reverse

from synergy.classification import is_child_labour
from synergy.core.models import AuditEvent
from synergy.surveys import services, storage
from synergy.surveys.childlabour import age_groups, classify_frame
from synergy.surveys.tests.test_estimation_gold_more import _r_available, needs_r
from synergy.surveys.tests.test_views_surveys import SurveyViewTestCase

R_SCRIPT = """
suppressPackageStartupMessages(library(survey))
d <- read.csv(commandArgs(TRUE)[1], stringsAsFactors = FALSE)
d$age_group <- factor(d$age_group, levels = c("5-11", "12-14", "15-17"))
des <- svydesign(ids = ~psu, strata = ~strata, weights = ~weight, data = d, nest = TRUE)
fit <- svyglm(cl ~ sex + age_group + region, design = subset(des, in_scope == 1),
              family = quasibinomial(), control = glm.control(epsilon = 1e-16, maxit = 1000))
ci <- exp(confint(fit))
out <- data.frame(term = names(coef(fit)), or = exp(coef(fit)), low = ci[, 1], high = ci[, 2],
                  se = sqrt(diag(vcov(fit))), df = fit$df.residual)
write.csv(out, commandArgs(TRUE)[2], row.names = FALSE)
"""


def varied_survey() -> bytes:
    """A survey in the shape of test_views_surveys' (same columns and mapping) whose child
    labour depends on age, sex and region without determining it (no separation)."""
    rng = np.random.default_rng(87)
    n = 480
    age = rng.integers(5, 18, n)
    sex = rng.integers(1, 3, n)
    west = rng.random(n) < 0.4
    working = rng.random(n) < 0.15 + 0.02 * (age - 5) + 0.1 * west
    hours = np.where(working, rng.choice([25, 50], n), 0)
    return (
        pd.DataFrame(
            {
                "HH1": rng.integers(1, 7, n),
                "stratum": rng.integers(1, 3, n),
                "HH7": np.where(west, "West", "East"),
                "CB3": age,
                "HL4": sex,
                "CL3": hours,
                "fsweight": np.round(rng.uniform(0.8, 1.6, n), 3),
            }
        )
        .to_csv(index=False)
        .encode()
    )


class DeterminantsTest(SurveyViewTestCase):
    def test_the_table_page_shows_odds_ratios_and_downloads_them(self) -> None:
        dataset = self.ready_dataset(varied_survey())
        self.client.force_login(self.alice)
        page = self.client.get(reverse("surveys-table", args=[dataset.pk]))
        result = page.context["determinants"]
        labels = [(r.variable, r.level, r.reference) for r in result.rows]
        self.assertIn(("region", "West", "East"), labels)
        self.assertIn("sex", {r.variable for r in result.rows})
        self.assertEqual([lvl for v, lvl, _ref in labels if v == "age_group"], ["12-14", "15-17"])
        for row in result.rows:
            self.assertAlmostEqual(row.odds_ratio, float(np.exp(row.coefficient)))
            self.assertLess(row.or_low, row.odds_ratio)
            self.assertLess(row.odds_ratio, row.or_high)
        self.assertContains(page, 'id="determinants-table"')
        download = self.client.get(
            reverse("surveys-download", args=[dataset.pk, "determinants-csv"])
        )
        frame = pd.read_csv(io.BytesIO(download.content))
        self.assertEqual(len(frame), len(result.rows))
        self.assertEqual(list(frame.columns[:4]), ["variable", "level", "reference", "odds_ratio"])
        excel = self.client.get(reverse("surveys-download", args=[dataset.pk, "determinants-xlsx"]))
        self.assertEqual(len(pd.read_excel(io.BytesIO(excel.content))), len(result.rows))
        self.assertTrue(
            AuditEvent.objects.filter(
                actor=self.alice, action="export", detail__format="determinants-csv"
            ).exists()
        )

    def test_an_outsider_cannot_download_them(self) -> None:
        dataset = self.ready_dataset(varied_survey())
        self.client.force_login(self.charlie)
        response = self.client.get(
            reverse("surveys-download", args=[dataset.pk, "determinants-csv"])
        )
        self.assertEqual(response.status_code, 404)

    @needs_r
    def test_the_odds_ratios_equal_r(self) -> None:
        assert _r_available()
        dataset = self.ready_dataset(varied_survey())
        result = services.dataset_determinants(dataset=dataset)
        frame = storage.read_data(dataset.pk)
        labels = classify_frame(frame, framework=dataset.framework)
        groups = age_groups(frame["age"].to_numpy(dtype=float))
        export = pd.DataFrame(
            {
                "cl": [float(is_child_labour(x)) for x in labels.tolist()],
                "in_scope": ((labels != "OOS") & (groups != "")).astype(int),
                "sex": frame["sex"].astype(str),
                "age_group": groups,
                "region": frame["region"].astype(str),
                "weight": frame["weight"],
                "strata": frame["strata"].astype(str),
                "psu": frame["strata"].astype(str) + "/" + frame["psu"].astype(str),
            }
        )
        with tempfile.TemporaryDirectory() as folder:
            data, out, script = (Path(folder) / n for n in ("d.csv", "r.csv", "fit.R"))
            export.to_csv(data, index=False)
            script.write_text(R_SCRIPT)
            subprocess.run(["Rscript", str(script), str(data), str(out)], check=True)
            r = pd.read_csv(out).set_index("term")
        for row in result.rows:
            name = {"age_group": "age_group", "sex": "sex", "region": "region"}[row.variable]
            term = r.loc[f"{name}{row.level}"]
            # On the coefficients' scale (log odds). R's IRLS is run to full convergence: with
            # glm's usual stopping rule its coefficients stop ~1e-9 short here.
            for ours, theirs in (
                (np.log(row.odds_ratio), np.log(term["or"])),
                (row.se, term["se"]),
                (np.log(row.or_low), np.log(term["low"])),
                (np.log(row.or_high), np.log(term["high"])),
            ):
                self.assertLess(abs(ours - theirs), 1e-9 * max(1.0, abs(theirs)), (row, term))
        self.assertEqual(result.df, int(r["df"].iloc[0]))
