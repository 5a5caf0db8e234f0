"""Projects as IATI 2.03 activities (``iati-activities`` XML).

One ``iati-activity`` per project, children in the order of the 2.03 schema's sequence:
iati-identifier, reporting-org, title, description, participating-org, activity-status,
activity-date, recipient-country, sector, tag, budget, result.

* The reporting organisation is the project's lead (else its first implementing partner,
  else its first donor). Its ``ref`` is its registered IATI organisation identifier (an
  org-id.guide agency prefix and number); a project whose reporting organisation has none is
  not exported but listed with the reason, as is a project without a start date or a
  recipient country (IATI rules 6.11.1 and 3.7.1). Nothing is invented: no currency, date or
  country the project does not have.
* ``iati-identifier`` is the project's own IATI identifier when set, else
  ``<reporting-org ref>-<project code>``; identifiers are trimmed.
* participating-org roles follow partners.models.IATI_PARTICIPANT_ROLE (donor 1, lead 2,
  implementing 4); projects have no "extending" (3) participants in Synergy.
* Dates: planned start (1) and, when known, planned end (3); Synergy records no actual dates,
  so none are written.
* Sector DAC 16070 "Labour rights" (vocabulary 1) and tag "8.7" (vocabulary 3, SDG targets).
* One budget per calendar year, or quarter (the project's ``budget_interval``), of the
  project's budget period (or its dates), type 1 original, status 1 indicative, valued at each
  period's start: the amount is shared by days (rule 7.5.3: a budget period is at most a year). A budget without a currency is left out
  and the reason given (rule 7.8.1).
* One output result (type 1) per target kind ("children withdrawn", "children prevented"),
  with one indicator (measure 1, unit) whose baseline, target and actual carry a ``sex``
  dimension (F, M); targets are summed over the implementing organisations.

A project without any participating organisation cannot be an IATI activity (reporting-org
and participating-org are mandatory) and is skipped; the count of skipped projects is returned.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from lxml import etree

from synergy.core.models import Organisation
from synergy.partners.models import (
    IATI_PARTICIPANT_ROLE,
    ParticipantRole,
    Project,
    ProjectParticipant,
    TargetKind,
)

IATI_VERSION = "2.03"
LANG = "en"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SECTOR_LABOUR_RIGHTS = "16070"
SDG_TARGET = "8.7"
RESULT_TITLES = {
    TargetKind.WITHDRAW: "Children withdrawn from child labour",
    TargetKind.PREVENT: "Children prevented from entering child labour",
}
ROLE_ORDER = (ParticipantRole.FUNDING, ParticipantRole.LEAD, ParticipantRole.IMPLEMENTING)


SCHEMA_DIR = Path(__file__).resolve().parent / "schemas" / "iati-2.03"


def schema_path() -> Path:
    """The official 2.03 activity schema, shipped in the package (see its NOTICE.md)."""
    return SCHEMA_DIR / "iati-activities-schema.xsd"


@functools.cache
def _official_schema() -> etree.XMLSchema:
    # Parsing the 4,000-line schema takes ~50 ms: once per process is enough.
    return etree.XMLSchema(etree.parse(str(schema_path())))


def load_schema(path: Path | None = None) -> etree.XMLSchema:
    if path is None:
        return _official_schema()
    return etree.XMLSchema(etree.parse(str(path)))


def schema_errors(xml: bytes) -> list[str]:
    """What the official 2.03 schema finds wrong in ``xml``, one ``line N: message`` each;
    an empty list when the file is valid. A file that is not XML at all is one error."""
    try:
        root = etree.fromstring(
            xml, parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError as exc:
        return [f"line {exc.lineno}: not well-formed XML: {exc.msg}"]
    schema = load_schema()
    if schema.validate(root):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


@dataclass
class IatiExport:
    xml: bytes
    count: int
    skipped: list[str]  # codes of the projects not exported
    reasons: dict[str, list[str]] = field(default_factory=dict)  # code -> why (or what is left out)


def _narrative(parent: etree._Element, text: str) -> None:
    etree.SubElement(parent, "narrative").text = text


def _iso(value: dt.date) -> str:
    return value.isoformat()


def _org_ref(org: Organisation) -> str:
    return (org.iati_identifier or "").strip()


def _reporting_org(participants: list[ProjectParticipant]) -> Organisation | None:
    for role in (ParticipantRole.LEAD, ParticipantRole.IMPLEMENTING, ParticipantRole.FUNDING):
        for p in participants:
            if p.role == role:
                return p.organisation
    return None


def _percentages(count: int) -> list[Decimal]:
    """Equal shares that add up to exactly 100."""
    share = (Decimal(100) / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    shares = [share] * count
    shares[-1] = Decimal(100) - share * (count - 1)
    return shares


def _missing(project: Project, reporter: Organisation | None) -> list[str]:
    """Why the project cannot be an IATI activity (empty when it can)."""
    if reporter is None:
        return ["no participating organisation"]
    problems = []
    if not _org_ref(reporter):
        problems.append(
            f"its reporting organisation ({reporter.name}) has no IATI organisation identifier"
        )
    if (project.start_date or project.budget_period_start) is None:
        problems.append("no start date")
    if not project.countries.all():
        problems.append("no recipient country")
    return problems


def _activity(project: Project, generated: dt.datetime, notes: list[str]) -> etree._Element | None:
    participants = list(project.participants.all())
    reporter = _reporting_org(participants)
    problems = _missing(project, reporter)
    if problems or reporter is None:
        notes.extend(problems)
        return None
    attrs = {
        "last-updated-datetime": project.updated_at.replace(microsecond=0).isoformat(),
        XML_LANG: LANG,
        "hierarchy": "1",
    }
    if project.budget_currency:
        attrs["default-currency"] = project.budget_currency
    activity = etree.Element("iati-activity", attrs)
    code = project.code.strip()
    identifier = (project.iati_identifier or "").strip() or f"{_org_ref(reporter)}-{code}"
    etree.SubElement(activity, "iati-identifier").text = identifier
    reporting = etree.SubElement(
        activity,
        "reporting-org",
        {"ref": _org_ref(reporter), "type": reporter.iati_organisation_type},
    )
    _narrative(reporting, reporter.name)
    _narrative(etree.SubElement(activity, "title"), project.title)
    _narrative(
        etree.SubElement(activity, "description", {"type": "1"}),
        project.description or project.title,
    )
    for role in ROLE_ORDER:
        for p in participants:
            if p.role != role:
                continue
            org_attrs = {
                "role": IATI_PARTICIPANT_ROLE[role],
                "type": p.organisation.iati_organisation_type,
            }
            if _org_ref(p.organisation):
                org_attrs["ref"] = _org_ref(p.organisation)
            _narrative(
                etree.SubElement(activity, "participating-org", org_attrs), p.organisation.name
            )
    etree.SubElement(activity, "activity-status", {"code": str(project.status)})
    _dates(activity, project, generated)
    countries = sorted(project.countries.all(), key=lambda c: c.iso2)
    shares: list[Decimal | None] = [None] * len(countries)
    if len(countries) > 1:
        shares = list(_percentages(len(countries)))
    for country, share in zip(countries, shares, strict=True):
        country_attrs = {"code": country.iso2}
        if share is not None:
            country_attrs["percentage"] = str(share)
        _narrative(etree.SubElement(activity, "recipient-country", country_attrs), country.name)
    sector = etree.SubElement(
        activity,
        "sector",
        {"vocabulary": "1", "code": SECTOR_LABOUR_RIGHTS, "percentage": "100"},
    )
    _narrative(sector, "Labour rights")
    tag = etree.SubElement(activity, "tag", {"vocabulary": "3", "code": SDG_TARGET})
    _narrative(tag, "Target 8.7: forced labour, modern slavery, human trafficking, child labour")
    _budget(activity, project, notes)
    _results(activity, project)
    _indicator_results(activity, project)
    return activity


def _dates(activity: etree._Element, project: Project, generated: dt.datetime) -> None:
    start = project.start_date or project.budget_period_start
    assert start is not None  # _missing refused the project otherwise
    etree.SubElement(activity, "activity-date", {"iso-date": _iso(start), "type": "1"})
    if project.end_date is not None:
        etree.SubElement(
            activity, "activity-date", {"iso-date": _iso(project.end_date), "type": "3"}
        )


def _period_end(day: dt.date, interval: str) -> dt.date:
    """The last day of the calendar year or quarter holding ``day``."""
    if interval == "quarter":
        last_month = (day.month - 1) // 3 * 3 + 3
        following = dt.date(day.year + last_month // 12, last_month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return dt.date(day.year, 12, 31)


def budget_periods(
    start: dt.date, end: dt.date, interval: str = "year"
) -> list[tuple[dt.date, dt.date]]:
    """The calendar years, or quarters, (cut to the period) from ``start`` to ``end``, both
    included."""
    periods = []
    period_start = start
    while period_start <= end:
        period_end = min(_period_end(period_start, interval), end)
        periods.append((period_start, period_end))
        period_start = period_end + dt.timedelta(days=1)
    return periods


def split_budget(amount: Decimal, periods: list[tuple[dt.date, dt.date]]) -> list[Decimal]:
    """The amount shared by days, in cents, the last period taking the remainder."""
    days = [(b - a).days + 1 for a, b in periods]
    total = sum(days)
    shares = [
        (amount * d / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for d in days[:-1]
    ]
    return [*shares, amount - sum(shares, Decimal(0))]


def _budget(activity: etree._Element, project: Project, notes: list[str]) -> None:
    start = project.budget_period_start or project.start_date
    end = project.budget_period_end or project.end_date
    if project.budget_amount is None or start is None or end is None:
        return
    if not project.budget_currency:
        notes.append("budget left out: it has no currency")
        return
    periods = budget_periods(start, end, project.budget_interval)
    for (period_start, period_end), value in zip(
        periods, split_budget(project.budget_amount, periods), strict=True
    ):
        budget = etree.SubElement(activity, "budget", {"type": "1", "status": "1"})
        etree.SubElement(budget, "period-start", {"iso-date": _iso(period_start)})
        etree.SubElement(budget, "period-end", {"iso-date": _iso(period_end)})
        etree.SubElement(
            budget, "value", {"value-date": _iso(period_start), "currency": project.budget_currency}
        ).text = str(value.quantize(Decimal("0.01")))


def _results(activity: etree._Element, project: Project) -> None:
    # kind → sex → [baseline, target, actual] summed over organisations (None = not reported)
    sums: dict[str, dict[str, list[int | None]]] = defaultdict(dict)
    for target in project.targets.all():
        cell = sums[target.kind].setdefault(target.sex, [None, 0, None])
        if target.baseline is not None:
            cell[0] = (cell[0] or 0) + target.baseline
        cell[1] = (cell[1] or 0) + target.number
        if target.actual is not None:
            cell[2] = (cell[2] or 0) + target.actual
    start, end = project.start_date, project.end_date
    for kind in (TargetKind.WITHDRAW, TargetKind.PREVENT):
        by_sex = sums.get(kind)
        if not by_sex:
            continue
        result = etree.SubElement(activity, "result", {"type": "1", "aggregation-status": "1"})
        _narrative(etree.SubElement(result, "title"), RESULT_TITLES[kind])
        indicator = etree.SubElement(result, "indicator", {"measure": "1", "ascending": "1"})
        _narrative(etree.SubElement(indicator, "title"), RESULT_TITLES[kind])
        sexes = sorted(by_sex)
        year = (start or project.created_at.date()).year
        for sex in sexes:
            baseline = by_sex[sex][0]
            if baseline is None:
                continue
            element = etree.SubElement(
                indicator, "baseline", {"year": str(year), "value": str(baseline)}
            )
            if start is not None:
                element.set("iso-date", _iso(start))
            etree.SubElement(element, "dimension", {"name": "sex", "value": sex})
        if start is None or end is None:
            continue
        period = etree.SubElement(indicator, "period")
        etree.SubElement(period, "period-start", {"iso-date": _iso(start)})
        etree.SubElement(period, "period-end", {"iso-date": _iso(end)})
        for column, name in ((1, "target"), (2, "actual")):
            for sex in sexes:
                value = by_sex[sex][column]
                if value is None:
                    continue
                element = etree.SubElement(period, name, {"value": str(value)})
                etree.SubElement(element, "dimension", {"name": "sex", "value": sex})


def _dimensions(parent: etree._Element, disaggregation: dict[str, str]) -> None:
    for name, value in sorted(disaggregation.items()):
        etree.SubElement(parent, "dimension", {"name": name, "value": value})


def _indicator_results(activity: etree._Element, project: Project) -> None:
    """The approved values of the indicators tracked for this project: one result a
    indicator, its baselines and, per reporting period, its targets and actuals, each with
    its breakdown as IATI dimensions."""
    from synergy.indicators.models import IndicatorValue, ValueStatus

    values = (
        IndicatorValue.objects.filter(project=project, current=True, status=ValueStatus.APPROVED)
        .select_related("indicator")
        .order_by("indicator__code", "period_start", "period_end", "kind", "cell")
    )
    by_indicator: dict[str, list[IndicatorValue]] = defaultdict(list)
    for value in values:
        by_indicator[value.indicator.code].append(value)
    for rows in by_indicator.values():
        indicator = rows[0].indicator
        percentage = indicator.value_type == "percentage"
        result = etree.SubElement(
            activity, "result", {"type": "1", "aggregation-status": "0" if percentage else "1"}
        )
        _narrative(etree.SubElement(result, "title"), indicator.name)
        element = etree.SubElement(
            result,
            "indicator",
            {
                "measure": "2" if percentage else "1",
                "ascending": "1" if indicator.direction == "up" else "0",
            },
        )
        _narrative(etree.SubElement(element, "title"), indicator.name)
        for row in rows:
            if row.kind == "baseline":
                baseline = etree.SubElement(
                    element,
                    "baseline",
                    {
                        "year": str(row.period_start.year),
                        "iso-date": _iso(row.period_start),
                        "value": _decimal(row.value),
                    },
                )
                _dimensions(baseline, row.disaggregation)
        periods: dict[tuple[dt.date, dt.date], list[IndicatorValue]] = defaultdict(list)
        for row in rows:
            if row.kind != "baseline":
                periods[(row.period_start, row.period_end)].append(row)
        for (start, end), in_period in periods.items():
            period = etree.SubElement(element, "period")
            etree.SubElement(period, "period-start", {"iso-date": _iso(start)})
            etree.SubElement(period, "period-end", {"iso-date": _iso(end)})
            for kind in ("target", "actual"):
                for row in in_period:
                    if row.kind == kind:
                        figure = etree.SubElement(period, kind, {"value": _decimal(row.value)})
                        _dimensions(figure, row.disaggregation)


def _decimal(value: Decimal) -> str:
    return f"{value.normalize():f}"


def projects_for_export(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.order_by("code").prefetch_related(
        "countries",
        "targets",
        Prefetch(
            "participants",
            queryset=ProjectParticipant.objects.select_related("organisation").order_by(
                "role", "organisation__name", "pk"
            ),
        ),
    )


def activities_xml(
    projects: QuerySet[Project] | Iterable[Project], *, generated: dt.datetime | None = None
) -> IatiExport:
    generated = (generated or timezone.now()).replace(microsecond=0)
    if isinstance(projects, QuerySet):
        projects = projects_for_export(projects)
    root = etree.Element(
        "iati-activities",
        {"version": IATI_VERSION, "generated-datetime": generated.isoformat()},
    )
    skipped: list[str] = []
    reasons: dict[str, list[str]] = {}
    count = 0
    for project in projects:
        notes: list[str] = []
        element = _activity(project, generated, notes)
        if notes:
            reasons[project.code] = notes
        if element is None:
            skipped.append(project.code)
            continue
        root.append(element)
        count += 1
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return IatiExport(xml=xml, count=count, skipped=skipped, reasons=reasons)
