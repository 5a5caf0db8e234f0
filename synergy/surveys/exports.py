"""Writing the 8.7.1 table: CSV, Excel (openpyxl) and SDMX-CSV.

SDMX series. The SDG global database has two series for indicator 8.7.1:
SL_TLF_CHLDEA, "proportion of children engaged in economic activity", and SL_TLF_CHLDEC,
"proportion of children engaged in economic activity and household chores". Child-labour
prevalence computed under an ICLS framework goes to SL_TLF_CHLDEA and under a MICS framework
(whose child labour counts household chores) to SL_TLF_CHLDEC, as the issue asks. Note that
the ICLS general production boundary ("icls-gpb") also counts hazardous unpaid household
services; it is still reported as SL_TLF_CHLDEA here, so that one framework family maps to one
series; callers who disagree can pass ``series``.

Only the prevalence goes to SDMX (no SDG series holds the numbers or hazardous work), and only
the national rows (any further breakdown such as region at its total); REF_AREA is the
country's ISO alpha-2 or M49 code as given, OBS_VALUE is a percentage (UNIT_MEASURE PT) and
LOWER_BOUND / UPPER_BOUND the confidence interval in percent.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

import pandas as pd

from synergy.surveys.childlabour import AGE_TOTAL, MICS_FRAMEWORKS, TOTAL, ChildLabourTable

SDG_DATAFLOW = "IAEG-SDGs:DF_SDG_GLH(1.0)"
SERIES_ICLS = "SL_TLF_CHLDEA"
SERIES_MICS = "SL_TLF_CHLDEC"
SDMX_COLUMNS = (
    "DATAFLOW",
    "REF_AREA",
    "TIME_PERIOD",
    "SERIES",
    "SEX",
    "AGE",
    "OBS_VALUE",
    "UNIT_MEASURE",
    "LOWER_BOUND",
    "UPPER_BOUND",
    "NATURE",
)
AGE_CODES = {"5-11": "Y5T11", "12-14": "Y12T14", "15-17": "Y15T17", AGE_TOTAL: "Y5T17"}
STAT_COLUMNS = (
    ("child_labour", "child_labour_pct", 100.0),
    ("child_labour_number", "child_labour_number", 1.0),
    ("hazardous", "hazardous_pct", 100.0),
    ("hazardous_number", "hazardous_number", 1.0),
)


def series_for(framework: str) -> str:
    return SERIES_MICS if framework in MICS_FRAMEWORKS else SERIES_ICLS


def table_frame(table: ChildLabourTable) -> pd.DataFrame:
    """The table as one row per domain; proportions in percent."""
    records = []
    for row in table.rows:
        record: dict[str, Any] = {"framework": table.framework, **row.domain}
        record["n"] = row.n
        record["population"] = row.population
        for attr, prefix, scale in STAT_COLUMNS:
            if attr.startswith("hazardous") and not table.has_hazardous:
                continue
            stat = getattr(row, attr)
            for part, suffix in (
                ("estimate", ""),
                ("se", "_se"),
                ("ci_low", "_ci_low"),
                ("ci_high", "_ci_high"),
            ):
                record[prefix + suffix] = None if stat is None else getattr(stat, part) * scale
        records.append(record)
    return pd.DataFrame.from_records(records)


def table_to_csv(table: ChildLabourTable) -> str:
    return table_frame(table).to_csv(index=False, lineterminator="\n")


def table_to_xlsx(table: ChildLabourTable, *, title: str = "") -> bytes:
    from openpyxl.styles import Font

    buffer = io.BytesIO()
    frame = table_frame(table)
    about = [
        ("title", title),
        ("framework", table.framework),
        ("breakdown", ", ".join(table.by)),
        ("confidence interval", f"{table.ci}, level {table.level}"),
        ("children aged 5-17 in the sample", table.n_in_scope),
        ("SDG series of the prevalence", series_for(table.framework)),
        *((f"label {k}", v) for k, v in sorted(table.label_counts.items())),
        *(("warning", w) for w in table.warnings),
    ]
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="8.7.1", index=False)
        pd.DataFrame(about, columns=["item", "value"]).to_excel(
            writer, sheet_name="About", index=False
        )
        sheet = writer.sheets["8.7.1"]
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(frame.columns, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = max(10, len(str(column)) + 2)
            if column.endswith(("_pct", "_se", "_ci_low", "_ci_high")) or column == "population":
                for cell in sheet[letter][1:]:
                    cell.number_format = "0.00"
    return buffer.getvalue()


def _percent(value: float) -> float | str:
    """Percent with four decimals; an undefined value (NaN) is left empty, not "nan"."""
    return "" if math.isnan(value) else round(value * 100, 4)


def sdmx_records(
    table: ChildLabourTable,
    *,
    ref_area: str,
    time_period: str | int,
    series: str | None = None,
    nature: str = "C",
    dataflow: str = SDG_DATAFLOW,
) -> list[dict[str, Any]]:
    records = []
    for row in table.rows:
        others = {k: v for k, v in row.domain.items() if k not in ("sex", "age_group")}
        if any(v != TOTAL for v in others.values()):
            continue
        stat = row.child_labour
        records.append(
            {
                "DATAFLOW": dataflow,
                "REF_AREA": ref_area,
                "TIME_PERIOD": str(time_period),
                "SERIES": series or series_for(table.framework),
                "SEX": row.sex,
                "AGE": AGE_CODES[row.age_group],
                "OBS_VALUE": _percent(stat.estimate),
                "UNIT_MEASURE": "PT",
                "LOWER_BOUND": _percent(stat.ci_low),
                "UPPER_BOUND": _percent(stat.ci_high),
                "NATURE": nature,
            }
        )
    return records


def table_to_sdmx_csv(
    table: ChildLabourTable,
    *,
    ref_area: str,
    time_period: str | int,
    series: str | None = None,
    nature: str = "C",
) -> str:
    """SDMX-CSV (version 1.0 layout: a DATAFLOW column, then one column per component)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SDMX_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(
        sdmx_records(
            table, ref_area=ref_area, time_period=time_period, series=series, nature=nature
        )
    )
    return buffer.getvalue()
