"""Writing the 8.7.1 table: CSV, Excel (openpyxl) and SDMX-CSV.

SDMX series. The SDG global database has two series for indicator 8.7.1, each with a number
series beside it: SL_TLF_CHLDEA ("proportion of children engaged in economic activity") and
SL_TLF_CHLDEAN (their number), SL_TLF_CHLDEC ("... in economic activity and household chores")
and SL_TLF_CHLDECN. Child-labour prevalence computed under an ICLS framework goes to
SL_TLF_CHLDEA and under a MICS framework (whose child labour counts household chores) to
SL_TLF_CHLDEC. The ICLS general production boundary ("icls-gpb") also counts hazardous unpaid
household services; it is still reported as SL_TLF_CHLDEA here, so that one framework family
maps to one series; callers who disagree can pass ``series``.

Each observation carries the full series key of the SDG data structure (``sdg_codes``: FREQ,
REPORTING_TYPE, SERIES, REF_AREA, SEX, AGE and the other breakdowns at "_T", TIME_PERIOD) and
its attributes (UNIT_MEASURE, UNIT_MULT, OBS_STATUS, NATURE, LOWER_BOUND / UPPER_BOUND: the
confidence interval). Every code is checked against the SDG codelists shipped in the package:
an age group the codelist lacks (5-11: there is no Y5T11) is refused, or left out when the
caller says so; REF_AREA must be in CL_AREA (written as the M49 code, the SDG database's
convention) and TIME_PERIOD a year, the survey's when it is known. Only the national rows go
to SDMX (any further breakdown, such as region, at its total).
"""

from __future__ import annotations

import csv
import io
import math
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from synergy.surveys import sdg_codes
from synergy.surveys.childlabour import MICS_FRAMEWORKS, TOTAL, ChildLabourTable

SDG_DATAFLOW = "IAEG-SDGs:DF_SDG_GLH(1.0)"
SERIES_ICLS = "SL_TLF_CHLDEA"
SERIES_MICS = "SL_TLF_CHLDEC"
SDMX_ATTRIBUTES = (
    "OBS_VALUE",
    "UNIT_MEASURE",
    "UNIT_MULT",
    "OBS_STATUS",
    "NATURE",
    "LOWER_BOUND",
    "UPPER_BOUND",
)
UNLISTED_AGES = ("refuse", "omit")
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


def _number(value: float) -> float | str:
    return "" if math.isnan(value) else round(value)


class SdmxError(ValueError):
    """The table cannot be written as SDG SDMX: the message names the code at fault."""


def sdmx_columns() -> tuple[str, ...]:
    return ("DATAFLOW", *sdg_codes.structure().dimensions, *SDMX_ATTRIBUTES)


def age_code(age_group: str) -> str:
    """The SDG code of an age group: "12-14" -> "Y12T14"."""
    low, _sep, high = age_group.partition("-")
    return f"Y{low}T{high}"


def unlisted_age_groups(table: ChildLabourTable) -> list[str]:
    """The table's age groups that the SDG codelist CL_AGE has no code for."""
    codes = sdg_codes.structure().codes("AGE")
    groups = dict.fromkeys(row.age_group for row in table.rows)
    return [g for g in groups if age_code(g) not in codes]


def sdmx_area(ref_area: str) -> str:
    """REF_AREA as the SDG database writes it: the M49 code ("524" for Nepal), from an M49 or
    ISO alpha-2 code of CL_AREA (or an ISO alpha-3 code)."""
    areas = sdg_codes.structure().codes("REF_AREA")
    code = ref_area.strip().upper()
    if code.isdigit():
        code = str(int(code))  # "040" -> "40"
    elif len(code) == 3:
        import pycountry

        country = pycountry.countries.get(alpha_3=code)
        code = country.alpha_2 if country is not None else code
    if code not in areas:
        raise SdmxError(
            f"REF_AREA {ref_area!r} is not in the SDG codelist CL_AREA "
            "(give the country's M49 or ISO code)"
        )
    if code.isdigit():
        return code
    numeric = [c for c, name in areas.items() if c.isdigit() and name == areas[code]]
    return numeric[0] if numeric else code


def sdmx_period(time_period: str | int, *, survey_year: int | None = None) -> str:
    """TIME_PERIOD of an annual observation: the year, the survey's when it is known."""
    text = str(time_period).strip()
    if not (len(text) == 4 and text.isdigit()):
        raise SdmxError(f"TIME_PERIOD {text!r} is not a year (FREQ is annual: write e.g. 2024)")
    if survey_year is not None and int(text) != survey_year:
        raise SdmxError(f"TIME_PERIOD {text} is not the survey's year ({survey_year})")
    this_year = datetime.now(tz=UTC).year
    if not 1990 <= int(text) <= this_year:
        raise SdmxError(f"TIME_PERIOD {text} is outside 1990-{this_year}")
    return text


def sdmx_records(
    table: ChildLabourTable,
    *,
    ref_area: str,
    time_period: str | int,
    survey_year: int | None = None,
    series: str | None = None,
    nature: str = "C",
    obs_status: str = "A",
    unlisted_ages: str = "refuse",
    dataflow: str = SDG_DATAFLOW,
) -> list[dict[str, Any]]:
    """One observation per national row and series (the share, then the number), with the
    full series key. Raises SdmxError naming the first code the SDG codelists lack."""
    structure = sdg_codes.structure()
    share_series = series or series_for(table.framework)
    number_series = share_series + "N"
    fixed = {
        "FREQ": "A",
        "REPORTING_TYPE": "N",
        "REF_AREA": sdmx_area(ref_area),
        "TIME_PERIOD": sdmx_period(time_period, survey_year=survey_year),
    }
    attributes = {"NATURE": nature, "OBS_STATUS": obs_status, "UNIT_MULT": "0"}
    for concept, code in attributes.items():
        if not structure.has(concept, code):
            raise SdmxError(f"{concept} {code!r} is not in the SDG codelist")
    for code in (share_series, number_series):
        if not structure.has("SERIES", code):
            raise SdmxError(f"SERIES {code!r} is not in the SDG codelist CL_SERIES")
    if unlisted_ages not in UNLISTED_AGES:
        raise SdmxError(f"unlisted_ages must be one of {', '.join(UNLISTED_AGES)}")
    unlisted = unlisted_age_groups(table)
    if unlisted and unlisted_ages == "refuse":
        raise SdmxError(
            "the SDG codelist CL_AGE has no code for the age group(s) "
            + ", ".join(f"{g} ({age_code(g)})" for g in unlisted)
            + ": leave them out (--sdmx-unlisted-ages omit) or break the table down by sex only"
        )
    # The breakdowns Synergy does not make are at their total.
    totals = {
        d: "_T"
        for d in structure.dimensions
        if d not in fixed and d not in ("SERIES", "SEX", "AGE")
    }
    records = []
    for row in table.rows:
        others = {k: v for k, v in row.domain.items() if k not in ("sex", "age_group")}
        if any(v != TOTAL for v in others.values()) or row.age_group in unlisted:
            continue
        if not structure.has("SEX", row.sex):
            raise SdmxError(f"SEX {row.sex!r} is not in the SDG codelist CL_SEX")
        key = {**fixed, **totals, "SEX": row.sex, "AGE": age_code(row.age_group)}
        share, number = row.child_labour, row.child_labour_number
        records.append(
            {
                "DATAFLOW": dataflow,
                **key,
                **attributes,
                "SERIES": share_series,
                "OBS_VALUE": _percent(share.estimate),
                "UNIT_MEASURE": "PT",
                "LOWER_BOUND": _percent(share.ci_low),
                "UPPER_BOUND": _percent(share.ci_high),
            }
        )
        records.append(
            {
                "DATAFLOW": dataflow,
                **key,
                **attributes,
                "SERIES": number_series,
                "OBS_VALUE": _number(number.estimate),
                "UNIT_MEASURE": "NUMBER",
                "LOWER_BOUND": _number(number.ci_low),
                "UPPER_BOUND": _number(number.ci_high),
            }
        )
    return records


def table_to_sdmx_csv(table: ChildLabourTable, **options: Any) -> str:
    """SDMX-CSV (version 1.0 layout: a DATAFLOW column, then one column per dimension in the
    order of the SDG data structure, the observation value and the attributes)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=sdmx_columns(), lineterminator="\n")
    writer.writeheader()
    writer.writerows(sdmx_records(table, **options))
    return buffer.getvalue()
