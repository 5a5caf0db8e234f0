"""Export files in the shapes KoBoToolbox and ODK Central write, built from submissions:
a main sheet (one row per household visit) and a repeat sheet (one row per child)."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from openpyxl import Workbook


@dataclass
class ChildAnswer:
    first: str
    last: str
    sex: str  # "1" boy, "2" girl (the form's codes)
    dob: str
    hours: str
    hazardous: str = "no"


@dataclass
class Submission:
    uuid: str
    head: str
    village: str
    visit_date: str
    submitted: str  # as the tool writes the submission time
    children: list[ChildAnswer] = field(default_factory=list)


MAIN_FORM = "Household visit"
REPEAT = "children"


def kobo_xlsx(submissions: list[Submission]) -> bytes:
    """KoBoToolbox's XLSX export: group paths joined by "/", the repeat in its own sheet,
    linked by _parent_index and _submission__uuid."""
    book = Workbook()
    main = book.active
    main.title = MAIN_FORM
    main.append(
        [
            "start",
            "today",
            "group_hh/head_name",
            "group_hh/village_pcode",
            "group_hh/consent",
            "_id",
            "_uuid",
            "_submission_time",
            "_validation_status",
            "_index",
        ]
    )
    repeat = book.create_sheet(REPEAT)
    repeat.append(
        [
            "children/name_first",
            "children/name_last",
            "children/sex",
            "children/dob",
            "children/hours_week",
            "children/hazardous",
            "_index",
            "_parent_table_name",
            "_parent_index",
            "_submission__id",
            "_submission__uuid",
            "_submission__submission_time",
        ]
    )
    child_index = 0
    for index, s in enumerate(submissions, start=1):
        main.append(
            [
                s.submitted,
                s.visit_date,
                s.head,
                s.village,
                "yes",
                1000 + index,
                s.uuid,
                s.submitted,
                "",
                index,
            ]
        )
        for c in s.children:
            child_index += 1
            repeat.append(
                [
                    c.first,
                    c.last,
                    c.sex,
                    c.dob,
                    c.hours,
                    c.hazardous,
                    child_index,
                    MAIN_FORM,
                    index,
                    1000 + index,
                    s.uuid,
                    s.submitted,
                ]
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def odk_central_zip(submissions: list[Submission]) -> bytes:
    """ODK Central's CSV export: a zip with the main file and one file per repeat, groups
    joined by "-", KEY and PARENT_KEY linking them."""
    main = [
        [
            "SubmissionDate",
            "today",
            "hh-head_name",
            "hh-village_pcode",
            "hh-consent",
            "meta-instanceID",
            "KEY",
            "SubmitterID",
            "ReviewState",
        ]
    ]
    repeat = [
        [
            "children-name_first",
            "children-name_last",
            "children-sex",
            "children-dob",
            "children-hours_week",
            "children-hazardous",
            "PARENT_KEY",
            "KEY",
        ]
    ]
    for s in submissions:
        key = f"uuid:{s.uuid}"
        main.append([s.submitted, s.visit_date, s.head, s.village, "yes", key, key, "7", ""])
        for place, c in enumerate(s.children, start=1):
            repeat.append(
                [
                    c.first,
                    c.last,
                    c.sex,
                    c.dob,
                    c.hours,
                    c.hazardous,
                    key,
                    f"{key}/children[{place}]",
                ]
            )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hh_visit.csv", _csv(main))
        archive.writestr("hh_visit-children.csv", _csv(repeat))
    return buffer.getvalue()


def kobo_mapping() -> dict[str, object]:
    return {
        "columns": {
            "head_name": "group_hh/head_name",
            "area": "group_hh/village_pcode",
            "consent_given": "group_hh/consent",
            "first_name": "children/name_first",
            "last_name": "children/name_last",
            "sex": "children/sex",
            "date_of_birth": "children/dob",
            "visit_date": "today",
            "econ_hours": "children/hours_week",
            "hazardous_conditions": "children/hazardous",
        },
        "defaults": {"consent_by": "head"},
    }


def odk_mapping() -> dict[str, object]:
    # The last part of a column is enough when it is unambiguous ("name_first").
    return {
        "columns": {
            "head_name": "head_name",
            "area": "village_pcode",
            "consent_given": "consent",
            "first_name": "name_first",
            "last_name": "name_last",
            "sex": "sex",
            "date_of_birth": "dob",
            "visit_date": "SubmissionDate",
            "econ_hours": "hours_week",
            "hazardous_conditions": "hazardous",
        },
        "defaults": {"consent_by": "head"},
    }
