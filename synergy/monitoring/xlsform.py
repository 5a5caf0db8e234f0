"""KoBoToolbox / ODK Collect forms (XLSForm) built from a country's CLMS setup, whose exports
import with no mapping step.

Two forms: ``registration`` (a household, its consent and a repeat of its children, each with
the identification visit) and ``visit`` (a follow-up visit of a child Synergy knows, by the
child number on its page). Choices come from the country's setup: its administrative areas as
cascading selects (each level filtered by the one above), the active risk factors, the
hazardous industries and occupations of its national policy, the hazards a monitor can tick,
school status, livelihoods and who gave consent. Labels and hints are in the five languages of
Synergy (``label::French (fr)`` …).

Each question is named after the import target it fills (``first_name``, ``econ_hours``,
``hazards`` …), and a hidden ``synergy_form`` question says which form a submission came from,
so that ``builtin_mapping`` maps an export of these forms by itself.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from synergy.core.models import AdminArea, Country

FORMS = ("registration", "visit")
LANGUAGES = (
    ("en", "English (en)"),
    ("fr", "French (fr)"),
    ("es", "Spanish (es)"),
    ("pt", "Portuguese (pt)"),
    ("ar", "Arabic (ar)"),
)
FORM_MARKER = "synergy_form"


@dataclass
class Sheet:
    """An XLSForm sheet: rows of column -> value (text, or a lazy translatable string that
    becomes one column per language)."""

    translated: tuple[str, ...]
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, **values: Any) -> None:
        self.rows.append(values)

    def header(self) -> list[str]:
        out: list[str] = []
        for column in self.columns:
            if column in self.translated:
                out += [f"{column}::{name}" for _code, name in LANGUAGES]
            else:
                out.append(column)
        return out

    def cells(self, row: dict[str, Any]) -> list[str]:
        out: list[str] = []
        for column in self.columns:
            value = row.get(column, "")
            if column in self.translated:
                for code, _name in LANGUAGES:
                    with translation.override(code):
                        out.append(str(value) if value != "" else "")
            else:
                out.append(str(value))
        return out


def _label(model: Any, name: str) -> Any:
    return capfirst(model._meta.get_field(name).verbose_name)


class _Builder:
    def __init__(self, country: Country) -> None:
        self.country = country
        self.survey = Sheet(
            ("label", "hint", "constraint_message"),
            [
                "type",
                "name",
                "label",
                "hint",
                "required",
                "relevant",
                "constraint",
                "constraint_message",
                "choice_filter",
                "calculation",
                "default",
                "appearance",
            ],
        )
        self.choices = Sheet(("label",), ["list_name", "name", "label", "parent"])
        self.lists: set[str] = set()

    def choice_list(self, name: str, options: Sequence[tuple[str, Any]]) -> str:
        if name not in self.lists:
            self.lists.add(name)
            for value, label in options:
                self.choices.add(list_name=name, name=value, label=label)
        return name

    def yes_no(self) -> str:
        return self.choice_list("yes_no", [("yes", _("Yes")), ("no", _("No"))])

    def enum(self, name: str, enum: Any) -> str:
        return self.choice_list(name, [(str(v), label) for v, label in enum.choices])

    def areas(self) -> None:
        """One select per level of the country's areas, each filtered by the level above, and
        ``area``: the deepest chosen."""
        areas = list(
            AdminArea.objects.filter(country=self.country, valid_to__isnull=True)
            .select_related("parent")
            .order_by("level", "code")
        )
        levels = sorted({a.level for a in areas})
        if not levels:
            return
        for area in areas:
            list_name = f"area{area.level}"
            self.lists.add(list_name)
            self.choices.add(
                list_name=list_name,
                name=area.code,
                label=area.name,
                parent=area.parent.code if area.parent else "",
            )
        for position, level in enumerate(levels):
            above = levels[position - 1] if position else None
            self.survey.add(
                type=f"select_one area{level}",
                name=f"area_l{level}",
                label=_("Area (level %(level)s)") % {"level": level},
                required="yes" if position == 0 else "",
                choice_filter=f"parent=${{area_l{above}}}" if above is not None else "",
                relevant=f"${{area_l{above}}} != ''" if above is not None else "",
                appearance="minimal",
            )
        expression = f"${{area_l{levels[0]}}}"
        for level in levels[1:]:
            expression = f"if(${{area_l{level}}} != '', ${{area_l{level}}}, {expression})"
        self.survey.add(type="calculate", name="area", calculation=expression)

    def work_questions(self) -> None:
        from synergy.classification import Policy
        from synergy.monitoring.models import HAZARD_LABELS, NationalPolicy, Visit

        stored = NationalPolicy.objects.filter(country=self.country).first()
        policy = Policy.from_json(stored.policy) if stored and stored.policy else Policy()
        self.survey.add(
            type="decimal",
            name="econ_hours",
            label=_label(Visit, "econ_hours"),
            required="yes",
            constraint=". >= 0 and . <= 168",
            constraint_message=_("Between 0 and 168 hours."),
        )
        self.survey.add(
            type="decimal",
            name="chore_hours",
            label=_label(Visit, "chore_hours"),
            constraint=". >= 0 and . <= 168",
            constraint_message=_("Between 0 and 168 hours."),
        )
        self.survey.add(type="text", name="activities", label=_label(Visit, "activities"))
        for kind, codes, prefix in (
            ("industry_code", policy.hazardous_industries, "ISIC"),
            ("occupation_code", policy.hazardous_occupations, "ISCO"),
        ):
            options = [(code, f"{prefix} {code}") for code in codes] + [("other", _("Other"))]
            pick = f"{kind}_pick"
            self.survey.add(
                type=f"select_one {self.choice_list(kind, options)}",
                name=pick,
                label=_label(Visit, kind),
                hint=_("The codes of the national hazardous work list; Other for any other."),
                appearance="minimal",
            )
            self.survey.add(
                type="text",
                name=f"{kind}_other",
                label=_label(Visit, kind),
                relevant=f"${{{pick}}} = 'other'",
            )
            self.survey.add(
                type="calculate",
                name=kind,
                calculation=f"if(${{{pick}}} = 'other', ${{{kind}_other}}, ${{{pick}}})",
            )
        hazards = self.choice_list("hazards", list(HAZARD_LABELS.items()))
        self.survey.add(
            type=f"select_multiple {hazards}", name="hazards", label=_label(Visit, "hazards")
        )
        for name in ("night_work", "worst_forms"):
            self.survey.add(
                type=f"select_one {self.yes_no()}",
                name=name,
                label=_label(Visit, name),
                required="yes",
            )
        self.survey.add(
            type="decimal",
            name="attendance_percent",
            label=_label(Visit, "attendance_percent"),
            constraint=". >= 0 and . <= 100",
            constraint_message=_("Between 0 and 100."),
        )


def build(country: Country, form: str) -> bytes:
    """The XLSForm (.xlsx) of ``form`` for ``country``."""
    from openpyxl import Workbook

    from synergy.monitoring.models import (
        Child,
        ConsentBy,
        Household,
        Livelihood,
        RiskFactor,
        SchoolStatus,
        Sex,
    )

    if form not in FORMS:
        raise ValueError(f"form must be one of {', '.join(FORMS)}")
    b = _Builder(country)
    survey = b.survey
    survey.add(type="start", name="start")
    survey.add(type="end", name="end")
    survey.add(type="calculate", name=FORM_MARKER, calculation=f"'{form}'")
    survey.add(
        type="date",
        name="visit_date",
        label=_("Date of the visit"),
        required="yes",
        default="today()",
        constraint=". <= today()",
        constraint_message=_("The date cannot be in the future."),
    )
    if form == "registration":
        survey.add(type="begin_group", name="household", label=_("Household"))
        b.areas()
        for name in ("head_name", "address", "contact_phone"):
            survey.add(type="text", name=name, label=_label(Household, name))
        survey.add(
            type="integer",
            name="member_count",
            label=_label(Household, "member_count"),
            constraint=". >= 0",
        )
        survey.add(
            type="select_one " + b.enum("livelihood", Livelihood),
            name="livelihood",
            label=_label(Household, "livelihood"),
        )
        survey.add(
            type=f"select_one {b.yes_no()}",
            name="consent_given",
            label=_label(Household, "consent_given"),
            hint=_("Synergy records a household only with its consent."),
            required="yes",
            constraint=". = 'yes'",
            constraint_message=_("Without consent, do not register the household."),
        )
        survey.add(
            type="select_one " + b.enum("consent_by", ConsentBy),
            name="consent_by",
            label=_label(Household, "consent_by"),
            required="yes",
        )
        survey.add(type="end_group", name="household")
        survey.add(type="begin_repeat", name="children", label=_("Children"))
        survey.add(
            type="text", name="first_name", label=_label(Child, "first_name"), required="yes"
        )
        survey.add(type="text", name="last_name", label=_label(Child, "last_name"))
        survey.add(
            type="select_one " + b.enum("sex", Sex),
            name="sex",
            label=_label(Child, "sex"),
            required="yes",
        )
        survey.add(
            type="date",
            name="date_of_birth",
            label=_label(Child, "date_of_birth"),
            constraint=". <= today()",
            constraint_message=_("The date cannot be in the future."),
        )
        survey.add(
            type="integer",
            name="age",
            label=_("Age in completed years"),
            hint=_("Only when the date of birth is not known."),
            relevant="${date_of_birth} = ''",
            required="yes",
            constraint=". >= 0 and . <= 25",
        )
        survey.add(
            type="select_one " + b.enum("school_status", SchoolStatus),
            name="school_status",
            label=_label(Child, "school_status"),
        )
        survey.add(type="text", name="grade", label=_label(Child, "grade"))
        risks = [(r.code, r.label) for r in RiskFactor.objects.filter(active=True)]
        if risks:
            survey.add(
                type="select_multiple " + b.choice_list("risk_factors", risks),
                name="risk_factors",
                label=_label(Child, "risk_factors"),
            )
        survey.add(type="begin_group", name="work", label=_("Work and school"))
        b.work_questions()
        survey.add(type="end_group", name="work")
        survey.add(type="end_repeat", name="children")
    else:
        survey.add(
            type="text",
            name="synergy_child",
            label=_("Child number in Synergy"),
            hint=_("On the child's page and in the work list (the first 8 characters are enough)."),
            required="yes",
            constraint="string-length(.) >= 8",
            constraint_message=_("At least 8 characters."),
        )
        survey.add(type="begin_group", name="work", label=_("Work and school"))
        b.work_questions()
        survey.add(type="end_group", name="work")
    settings_rows = [
        ["form_title", "form_id", "version", "default_language"],
        [
            f"Synergy {form} {country.iso2}",
            f"synergy_{form}_{country.iso2.lower()}",
            timezone.now().strftime("%Y%m%d%H"),
            LANGUAGES[0][1],
        ],
    ]
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(survey.header())
    for row in survey.rows:
        sheet.append(survey.cells(row))
    choices = book.create_sheet("choices")
    choices.append(b.choices.header())
    for row in b.choices.rows:
        choices.append(b.choices.cells(row))
    settings_sheet = book.create_sheet("settings")
    for values in settings_rows:
        settings_sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def builtin_mapping(columns: Sequence[str]) -> dict[str, Any] | None:
    """The mapping of an export of a Synergy form (it has the ``synergy_form`` column), or
    None for any other file."""
    from synergy.monitoring.importing.mapping import last_part
    from synergy.monitoring.importing.targets import FIELDS

    by_last: dict[str, list[str]] = {}
    for column in columns:
        by_last.setdefault(last_part(column), []).append(column)
    if FORM_MARKER not in by_last:
        return None
    mapped = {t: by_last[t][0] for t in FIELDS if len(by_last.get(t, [])) == 1}
    return {"columns": mapped, "values": {}, "defaults": {}}
