"""Indicator values in and out: DHIS2 ``dataValueSets`` JSON, ADX XML and HXL-tagged CSV/Excel.

Every format carries the same figure: indicator code, kind (baseline, target, actual), ISO
period, scope (a country or one of its areas, and optionally a project or an organisation),
disaggregation and value. How each format says it:

DHIS2 (see ``dhis2`` for the codes and the metadata package they need)
    ``dataElement`` is the indicator code, with ``.TARGET`` or ``.BASELINE`` for those kinds
    and ``.age_group+sex`` for a breakdown (a DHIS2 data element has one category
    combination); ``period`` in DHIS2's form (2025S1); ``orgUnit`` the country's ISO code or
    the area's code; ``categoryOptionCombo`` the breakdown as ``age_group:5-11,sex:F`` (left
    out for the total); ``attributeOptionCombo`` the partner as DHIS2 uses it for
    implementing mechanisms: ``PRJ:<project code>`` or ``ORG:<organisation name>`` (left out
    for national figures). Import into DHIS2 with ``idScheme=CODE``.
ADX (IHE QRPH, urn:ihe:qrph:adx:2015)
    one ``group`` per org unit, period (start/duration) and partner; each ``dataValue``
    carries the breakdown as attributes named by the category's code (``sex="sex:F"``).
CSV / Excel
    a label row, an HXL hashtag row, then one row a figure.

Imports check every row first and write all rows or none, through ``services.value_enter``
(so as drafts, with the same rights and rules as the entry grid).
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from synergy.core.errors import ImportRowError
from synergy.core.models import AdminArea, Organisation, User
from synergy.indicators import dhis2, services
from synergy.indicators.computed import Scope
from synergy.indicators.models import Indicator, IndicatorValue, ValueKind
from synergy.indicators.periods import PeriodError, parse_adx_period, parse_period
from synergy.interop.tabular import Table, read_table, write_csv, write_xlsx
from synergy.partners.models import Project

FORMATS = ("dhis2-json", "adx", "csv", "xlsx")
# The metadata DHIS2 needs before it takes the values: written, never read back.
EXPORT_FORMATS = (*FORMATS, "dhis2-metadata")
ADX_NS = "urn:ihe:qrph:adx:2015"
COLUMNS = [
    ("indicator", "Indicator", "#indicator+code"),
    ("kind", "Kind", "#indicator+type"),
    ("period", "Period", "#date+period"),
    ("country", "Country", "#country+code"),
    ("area", "Area", "#adm1+code"),
    ("project", "Project", "#activity+code"),
    ("organisation", "Organisation", "#org+name"),
    ("disaggregation", "Breakdown", "#indicator+disaggregation"),
    ("value", "Value", "#indicator+num+value"),
    ("comment", "Comment", "#meta+comment"),
    ("status", "Status", "#status"),
]


@dataclass(frozen=True)
class Row:
    """One figure as the formats write it: codes and names, no database keys."""

    indicator: str
    kind: str
    period: str
    country: str
    area: str = ""
    project: str = ""
    organisation: str = ""
    disaggregation: tuple[tuple[str, str], ...] = ()
    value: str = ""
    comment: str = ""
    status: str = ""

    def key(self) -> tuple[Any, ...]:
        return (
            self.indicator,
            self.kind,
            self.period,
            self.country,
            self.area,
            self.project,
            self.organisation,
            self.disaggregation,
        )


def _number(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def rows_of(values: Iterable[IndicatorValue]) -> list[Row]:
    return [
        Row(
            indicator=v.indicator.code,
            kind=v.kind,
            period=v.period,
            country=v.country_id,
            area=v.area.code if v.area else "",
            project=v.project.code if v.project else "",
            organisation=v.organisation.name if v.organisation else "",
            disaggregation=tuple(sorted((str(k), str(i)) for k, i in v.disaggregation.items())),
            value=_number(v.value),
            comment=v.comment,
            status=v.status,
        )
        for v in values
    ]


def export_values(*, country_id: str, user: User | None = None) -> list[Row]:
    """The current values of the country, as ``user`` may see them (every one for None)."""
    from synergy.indicators.selectors import values_for

    indicators = Indicator.objects.order_by("code")
    out: list[Row] = []
    for indicator in indicators:
        if user is None:
            qs = IndicatorValue.objects.filter(
                indicator=indicator, country_id=country_id, current=True
            )
        else:
            qs = values_for(user, indicator, country_id=country_id)
        out += rows_of(
            qs.select_related("indicator", "area", "project", "organisation").order_by(
                "period_start", "kind", "cell"
            )
        )
    return out


# Writing


def _partner(row: Row) -> str:
    return dhis2.partner_code(row.project, row.organisation)


def _element(row: Row) -> str:
    return dhis2.element_code(row.indicator, row.kind, [k for k, _v in row.disaggregation])


def write_dhis2(rows: list[Row]) -> bytes:
    values = []
    for row in rows:
        item: dict[str, str] = {
            "dataElement": _element(row),
            "period": parse_period(row.period).dhis2,
            "orgUnit": row.area or row.country,
        }
        # Left out, DHIS2 takes its default combination: the total, no partner.
        if row.disaggregation:
            item["categoryOptionCombo"] = dhis2.combo_code(row.disaggregation)
        if _partner(row) != "default":
            item["attributeOptionCombo"] = _partner(row)
        item["value"] = row.value
        if row.comment:
            item["comment"] = row.comment
        values.append(item)
    document = {"dataValues": values}
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def write_adx(rows: list[Row]) -> bytes:
    """One group per org unit, period and partner; the kind and the breakdown's dimensions
    are in the data element's code, and each dimension is an attribute named by its
    category's code with the category option's code as value, as DHIS2 reads ADX."""
    root = etree.Element(f"{{{ADX_NS}}}adx", nsmap={None: ADX_NS})
    root.set("exported", timezone.now().replace(microsecond=0).isoformat())
    groups: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for row in rows:
        groups[(row.area or row.country, row.period, _partner(row))].append(row)
    for (org_unit, period, partner), members in groups.items():
        group = etree.SubElement(root, f"{{{ADX_NS}}}group")
        group.set("orgUnit", org_unit)
        group.set("period", parse_period(period).adx)
        if partner != "default":
            group.set("attributeOptionCombo", partner)
        for row in members:
            value = etree.SubElement(group, f"{{{ADX_NS}}}dataValue")
            value.set("dataElement", _element(row))
            value.set("value", row.value)
            for dimension, item in row.disaggregation:
                value.set(dhis2.category_code(dimension), dhis2.option_code(dimension, item))
            if row.comment:
                value.set("comment", row.comment)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _cells(row: Row) -> list[str]:
    values = {**row.__dict__, "disaggregation": ";".join(f"{k}={v}" for k, v in row.disaggregation)}
    return [str(values[name]) for name, _label, _tag in COLUMNS]


def write_table(rows: list[Row], fmt: str) -> bytes:
    labels = [label for _name, label, _tag in COLUMNS]
    tags = [tag for _name, _label, tag in COLUMNS]
    cells = [_cells(r) for r in rows]
    if fmt == "xlsx":
        return write_xlsx(labels, tags, cells, title="indicator values")
    return write_csv(labels, tags, cells)


def write(rows: list[Row], fmt: str) -> bytes:
    """The rows in ``fmt``; raises ``dhis2.Dhis2Error`` for a figure DHIS2 cannot hold."""
    if fmt == "dhis2-metadata":
        package = dhis2.metadata(rows, timezone.localdate())
        return json.dumps(package, ensure_ascii=False, indent=1).encode()
    if fmt == "dhis2-json":
        return write_dhis2(rows)
    if fmt == "adx":
        return write_adx(rows)
    return write_table(rows, fmt)


# Reading


def _pairs(text: str, pair: str, sep: str) -> tuple[tuple[str, str], ...]:
    if not text or text == "default":
        return ()
    out = []
    for part in text.split(sep):
        key, _s, item = part.partition(pair)
        out.append((key.strip(), item.strip()))
    return tuple(sorted(out))


def _partner_fields(text: str) -> dict[str, str]:
    if text.startswith("PRJ:"):
        return {"project": text[4:]}
    if text.startswith("ORG:"):
        return {"organisation": text[4:]}
    return {}


def _org_unit(text: str) -> dict[str, str]:
    """An org unit is a country's ISO code, or an area's code (which starts with it)."""
    if len(text) == 2:
        return {"country": text.upper()}
    area = AdminArea.objects.filter(code=text).first()
    return {"country": area.country_id if area else text[:2].upper(), "area": text}


def _iso_period(text: str) -> str:
    """DHIS2's 2025S1 as 2025-S1; anything unreadable is left for the row's check to name."""
    try:
        return parse_period(text).code
    except PeriodError:
        return text


def _element_fields(
    element: str, disaggregation: tuple[tuple[str, str], ...], line: int, errors: list[Any]
) -> dict[str, str]:
    """Indicator and kind from a data element's code, checked against the breakdown."""
    parsed = dhis2.parse_element_code(element)
    keys = tuple(sorted(k for k, _v in disaggregation))
    if parsed.dimensions is not None and parsed.dimensions != keys:
        errors.append(
            (
                line,
                "dataElement",
                _(
                    "The data element %(element)s is broken down by %(dimensions)s, the value by %(keys)s."
                )
                % {
                    "element": element,
                    "dimensions": "+".join(parsed.dimensions),
                    "keys": "+".join(keys) or _("nothing"),
                },
            )
        )
    return {"indicator": parsed.indicator, "kind": parsed.kind}


def read_dhis2(data: bytes) -> list[tuple[int, Row]]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
        values = document["dataValues"]
        assert isinstance(values, list)
    except (ValueError, KeyError, AssertionError, TypeError):
        raise ImportRowError(
            [(0, "dataValues", _("The file is not a DHIS2 dataValueSets JSON document."))]
        ) from None
    rows: list[tuple[int, Row]] = []
    errors: list[tuple[int, str, str]] = []
    for number, item in enumerate(values, start=1):
        if not isinstance(item, dict):
            raise ImportRowError([(number, "dataValue", _("Each data value is an object."))])
        disaggregation = _pairs(str(item.get("categoryOptionCombo", "")), ":", ",")
        rows.append(
            (
                number,
                Row(
                    **_element_fields(
                        str(item.get("dataElement", "")), disaggregation, number, errors
                    ),
                    period=_iso_period(str(item.get("period", ""))),
                    disaggregation=disaggregation,
                    value=str(item.get("value", "")),
                    comment=str(item.get("comment", "")),
                    **_org_unit(str(item.get("orgUnit", ""))),
                    **_partner_fields(str(item.get("attributeOptionCombo", ""))),
                ),
            )
        )
    if errors:
        raise ImportRowError(errors)
    return rows


# The data value attributes DHIS2 reads in ADX; any other names a category.
_ADX_VALUE_FIELDS = {
    "dataElement",
    "value",
    "comment",
    "categoryOptionCombo",
    "attributeOptionCombo",
    "storedBy",
    "created",
    "lastUpdated",
    "followup",
    "deleted",
}


def _adx_breakdown(value: Any) -> tuple[tuple[str, str], ...]:
    if value.get("categoryOptionCombo"):
        return _pairs(value.get("categoryOptionCombo"), ":", ",")
    return tuple(
        sorted(
            (k, dhis2.option_item(k, v))
            for k, v in value.attrib.items()
            if k not in _ADX_VALUE_FIELDS
        )
    )


def read_adx(data: bytes) -> list[tuple[int, Row]]:
    try:
        root = etree.fromstring(
            data, parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError as exc:
        raise ImportRowError(
            [(0, "adx", _("The file is not XML: %(error)s") % {"error": exc})]
        ) from None
    if root.tag != f"{{{ADX_NS}}}adx":
        raise ImportRowError([(0, "adx", _("The file is not an ADX document."))])
    rows: list[tuple[int, Row]] = []
    errors: list[tuple[int, str, str]] = []
    for group in root.iter(f"{{{ADX_NS}}}group"):
        try:
            period = parse_adx_period(group.get("period", "")).code
        except PeriodError as exc:
            raise ImportRowError([(group.sourceline or 0, "period", str(exc))]) from None
        scope = _org_unit(group.get("orgUnit", ""))
        # Files of Synergy before 2026-12 said the country, kind and partner as attributes.
        scope["country"] = group.get("COUNTRY", scope["country"])
        partner = group.get("attributeOptionCombo") or group.get("PARTNER", "")
        for value in group.iter(f"{{{ADX_NS}}}dataValue"):
            line = value.sourceline or 0
            note = value.find(f"{{{ADX_NS}}}annotation")
            disaggregation = _adx_breakdown(value)
            fields = _element_fields(value.get("dataElement", ""), disaggregation, line, errors)
            if "KIND" in group.attrib and fields["kind"] == ValueKind.ACTUAL.value:
                fields["kind"] = group.get("KIND", "")
            comment = value.get("comment") or ((note.text or "") if note is not None else "")
            rows.append(
                (
                    line,
                    Row(
                        **fields,
                        period=period,
                        disaggregation=disaggregation,
                        value=value.get("value", ""),
                        comment=comment,
                        **scope,
                        **_partner_fields(partner),
                    ),
                )
            )
    if errors:
        raise ImportRowError(errors)
    return rows


def read_tagged(table: Table) -> list[tuple[int, Row]]:
    index = {name: table.column(tag) for name, _label, tag in COLUMNS}
    missing = [
        tag
        for name, _label, tag in COLUMNS
        if index[name] is None and name in ("indicator", "kind", "period", "country", "value")
    ]
    if missing:
        raise ImportRowError(
            [
                (table.tag_line, tag, _("The file has no column with this hashtag."))
                for tag in missing
            ]
        )

    def cell(cells: list[str], name: str) -> str:
        at = index[name]
        return cells[at].strip() if at is not None and at < len(cells) else ""

    return [
        (
            line,
            Row(
                indicator=cell(cells, "indicator"),
                kind=cell(cells, "kind"),
                period=cell(cells, "period"),
                country=cell(cells, "country").upper(),
                area=cell(cells, "area"),
                project=cell(cells, "project"),
                organisation=cell(cells, "organisation"),
                disaggregation=_pairs(cell(cells, "disaggregation"), "=", ";"),
                value=cell(cells, "value"),
                comment=cell(cells, "comment"),
            ),
        )
        for line, cells in table.rows
    ]


def read(data: bytes, fmt: str, filename: str = "") -> list[tuple[int, Row]]:
    if fmt == "dhis2-json":
        return read_dhis2(data)
    if fmt == "adx":
        return read_adx(data)
    from synergy.core.tabular import TableError

    try:
        table = read_table(io.BytesIO(data), filename or f"values.{fmt}")
    except TableError as exc:
        raise ImportRowError([(exc.line or 0, "file", str(exc))]) from None
    return read_tagged(table)


def format_of(filename: str) -> str:
    lower = filename.lower()
    if lower.endswith(".json"):
        return "dhis2-json"
    if lower.endswith(".xml") or lower.endswith(".adx"):
        return "adx"
    return "xlsx" if lower.endswith((".xlsx", ".ods")) else "csv"


def _figure(row: Row, indicators: dict[str, Indicator]) -> services.Figure:
    indicator = indicators.get(row.indicator)
    if indicator is None:
        raise ValidationError(
            {"indicator": [_("No indicator “%(code)s”.") % {"code": row.indicator}]}
        )
    try:
        value = Decimal(row.value.replace(",", "."))
    except InvalidOperation:
        raise ValidationError(
            {"value": [_("“%(value)s” is not a number.") % {"value": row.value}]}
        ) from None
    area_id = project_id = organisation_id = None
    if row.area:
        area_id = (
            AdminArea.objects.filter(country_id=row.country, code=row.area)
            .values_list("pk", flat=True)
            .first()
        )
        if area_id is None:
            raise ValidationError(
                {
                    "area": [
                        _("No area “%(code)s” in %(country)s.")
                        % {"code": row.area, "country": row.country}
                    ]
                }
            )
    if row.project:
        project_id = Project.objects.filter(code=row.project).values_list("pk", flat=True).first()
        if project_id is None:
            raise ValidationError(
                {"project": [_("No project “%(code)s”.") % {"code": row.project}]}
            )
    if row.organisation:
        organisation_id = (
            Organisation.objects.filter(name=row.organisation)
            .filter(Q(country_id=row.country) | Q(country__isnull=True))
            .order_by(F("country_id").asc(nulls_last=True))
            .values_list("pk", flat=True)
            .first()
        )
        if organisation_id is None:
            raise ValidationError(
                {"organisation": [_("No organisation “%(name)s”.") % {"name": row.organisation}]}
            )
    return services.Figure(
        indicator,
        row.kind,
        row.period,
        Scope(row.country, area_id, project_id, organisation_id),
        dict(row.disaggregation),
        value,
        comment=row.comment,
    )


@transaction.atomic
def import_values(*, actor: User, rows: list[tuple[int, Row]]) -> int:
    """Enter every row as a draft, or none: ImportRowError lists every bad row and field."""
    if not rows:
        raise ImportRowError([(0, "file", _("The file has no values."))])
    indicators = {
        i.code: i for i in Indicator.objects.filter(code__in={r.indicator for _line, r in rows})
    }
    errors: list[tuple[int, str, str]] = []
    seen: dict[tuple[Any, ...], int] = {}
    sid = transaction.savepoint()
    for line, row in rows:
        if row.key() in seen:
            errors.append(
                (line, "indicator", _("Same figure as row %(line)s.") % {"line": seen[row.key()]})
            )
            continue
        seen[row.key()] = line
        try:
            services.value_enter(actor=actor, figure=_figure(row, indicators))
        except ValidationError as exc:
            fields = exc.message_dict if hasattr(exc, "error_dict") else {"status": exc.messages}
            errors += [
                (line, field, message) for field, messages in fields.items() for message in messages
            ]
        except PermissionDenied:
            errors.append((line, "scope", _("You may not enter values for this scope.")))
    if errors:
        transaction.savepoint_rollback(sid)
        raise ImportRowError(errors)
    transaction.savepoint_commit(sid)
    return len(rows)
