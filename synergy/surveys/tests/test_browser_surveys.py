"""In a real browser: upload a CSV, map its variables, wait for the import and see the chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from synergy.browser import screenshot, sign_in


def write_survey(path: Path, n: int = 240) -> Path:
    rng = np.random.default_rng(4)
    pd.DataFrame(
        {
            "HH1": rng.integers(1, 13, n),
            "stratum": rng.integers(1, 3, n),
            "HH7": rng.choice(["Koshi", "Bagmati", "Lumbini"], n),
            "CB3": rng.integers(5, 18, n),
            "HL4": rng.integers(1, 3, n),
            "CL3": rng.choice([0, 0, 0, 5, 20, 50], n),
            "fsweight": rng.uniform(0.5, 2.0, n).round(4),
        }
    ).to_csv(path, index=False)
    return path


@pytest.mark.browser
def test_it_uploads_maps_and_draws_the_table(
    live_server: Any, page: Any, countries: None, settings: Any, tmp_path: Path
) -> None:
    from synergy.core.models import Country, Organisation, Role
    from synergy.surveys.models import DatasetStatus, SurveyDataset
    from synergy.testing import make_user

    settings.MEDIA_ROOT = str(tmp_path / "media")
    partner = Organisation.objects.create(
        name="Partner A", kind="ngo", country=Country.objects.get(iso2="NP")
    )
    make_user("alice", partner, Role.PARTNER_MANAGER)
    source = write_survey(tmp_path / "mics-nepal.csv")

    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/surveys/")
    page.get_by_role("link", name="Upload a survey").click()
    page.locator("#id_name").fill("MICS Nepal 2019")
    page.locator("#id_country").select_option("NP")
    page.locator("#id_year").fill("2019")
    page.locator("#id_file").set_input_files(str(source))
    screenshot(page, "surveys-upload")
    with page.expect_navigation(url="**/map/"):
        page.get_by_role("button", name="Upload").click()
    # htmx followed HX-Redirect to the mapping page, where the MICS names were guessed.
    assert page.locator("#id_age").input_value() == "CB3"
    assert page.locator("#id_weight").input_value() == "fsweight"
    assert page.locator("#id_domain_region").input_value() == "HH7"
    screenshot(page, "surveys-map")

    page.get_by_role("button", name="Import").click()
    page.wait_for_url("**/surveys/*/")
    dataset = SurveyDataset.objects.get()
    # The immediate task backend has run the import by now; with the database worker the
    # status fragment polls until it sends the browser on.
    assert dataset.status == DatasetStatus.READY, dataset.errors
    page.get_by_role("link", name="See the SDG 8.7.1 table").click()
    page.wait_for_selector("canvas#cl-chart[data-drawn='1']")
    assert page.locator("#table-871 tbody tr").count() == 12
    assert page.get_by_role("link", name="SDMX-CSV").is_visible()
    screenshot(page, "surveys-table")

    with page.expect_download() as download:
        page.get_by_role("link", name="SDMX-CSV").click()
    frame = pd.read_csv(download.value.path(), dtype=str)
    assert set(frame["SERIES"]) == {"SL_TLF_CHLDEA", "SL_TLF_CHLDEAN"}
    # The page's 5-11 group has no SDG code: left out, as the page says.
    assert "Y5T11" not in set(frame["AGE"])
    assert set(frame["REF_AREA"]) == {"524"}


@pytest.mark.browser
def test_it_shows_upload_progress(
    live_server: Any, page: Any, countries: None, settings: Any, tmp_path: Path
) -> None:
    from synergy.core.models import Country, Organisation, Role
    from synergy.testing import make_user

    settings.MEDIA_ROOT = str(tmp_path / "media")
    partner = Organisation.objects.create(
        name="Partner A", kind="ngo", country=Country.objects.get(iso2="NP")
    )
    make_user("alice", partner, Role.PARTNER_MANAGER)
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/surveys/upload/")
    # Record the highest value the progress bar reaches before htmx replaces the page.
    page.evaluate(
        """() => document.addEventListener('htmx:xhr:progress', () => {
             window.__maxProgress = Math.max(window.__maxProgress || 0,
               document.getElementById('upload-progress').value);
           })"""
    )
    page.locator("#id_name").fill("Bad file")
    page.locator("#id_country").select_option("NP")
    page.locator("#id_year").fill("2019")
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"this is not a workbook" * 2000)
    page.locator("#id_file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_selector("text=Cannot read this xlsx file")
    assert page.evaluate("() => window.__maxProgress") == 100
    screenshot(page, "surveys-upload-error")
