"""DHIS2's side of the indicator exchange: data element codes and the metadata package.

DHIS2 stores a data value only when everything it names already exists there: the data
element, the organisation unit, the category option combination of the breakdown and the
attribute option combination of the partner. A data element has one category combination, so
a total and its breakdown by sex cannot share one: each indicator, kind and set of breakdown
dimensions is a data element of its own (``np-withdrawn``, ``np-withdrawn.sex``,
``np-withdrawn.TARGET.sex+age-group``). The metadata package declares all of it, so that a
DHIS2 administrator imports it once (``/api/metadata``) and then the values
(``/api/dataValueSets`` with ``idScheme=CODE``, JSON or ADX) without conflicts.

Identifiers are derived from the codes, so that a second export gives the same ids and
DHIS2 updates what the first one created instead of duplicating it.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from django.utils.translation import gettext as _

from synergy.indicators.models import Indicator, ValueKind, ValueType
from synergy.indicators.periods import parse_period


class Row(Protocol):
    """What this module reads of ``exchange.Row`` (not imported: exchange imports this)."""

    @property
    def indicator(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def period(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def area(self) -> str: ...
    @property
    def project(self) -> str: ...
    @property
    def organisation(self) -> str: ...
    @property
    def disaggregation(self) -> tuple[tuple[str, str], ...]: ...


CODE_MAX = 50  # DHIS2's limit on codes and short names
NAME_MAX = 230
KIND_SUFFIX = {ValueKind.TARGET.value: "TARGET", ValueKind.BASELINE.value: "BASELINE"}
SUFFIX_KIND = {suffix: kind for kind, suffix in KIND_SUFFIX.items()}
PERIOD_TYPES = {"year": "Yearly", "half-year": "SixMonthly", "quarter": "Quarterly"}
PERIOD_MONTHS = {"Yearly": 12, "SixMonthly": 6, "Quarterly": 3, "Monthly": 1}
PARTNER_CATEGORY = "partner"
# ADX names a breakdown's category by an XML attribute: its code must be an XML name.
_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
_UID_FIRST = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_UID_REST = _UID_FIRST + "0123456789"


class Dhis2Error(ValueError):
    """A figure DHIS2 could not hold as it is (a code too long, a dimension not an XML name)."""


def uid(kind: str, code: str) -> str:
    """A DHIS2 identifier (a letter, then ten letters or digits) derived from the code."""
    digest = int.from_bytes(hashlib.sha256(f"synergy:{kind}:{code}".encode()).digest(), "big")
    chars = [_UID_FIRST[digest % len(_UID_FIRST)]]
    digest //= len(_UID_FIRST)
    for _i in range(10):
        chars.append(_UID_REST[digest % len(_UID_REST)])
        digest //= len(_UID_REST)
    return "".join(chars)


def _checked(code: str, what: str) -> str:
    if len(code) > CODE_MAX:
        raise Dhis2Error(
            _("The DHIS2 code of %(what)s, “%(code)s”, is longer than %(max)s characters.")
            % {"what": what, "code": code, "max": CODE_MAX}
        )
    return code


def element_code(indicator: str, kind: str, dimensions: Sequence[str]) -> str:
    parts = [indicator]
    if kind in KIND_SUFFIX:
        parts.append(KIND_SUFFIX[kind])
    if dimensions:
        parts.append("+".join(dimensions))
    return _checked(".".join(parts), _("a data element"))


@dataclass(frozen=True)
class Element:
    indicator: str
    kind: str
    dimensions: tuple[str, ...] | None  # None: the code did not say (an older export)


def parse_element_code(code: str) -> Element:
    """The reverse of ``element_code``; indicator codes are slugs, so they hold no dot."""
    indicator, *rest = code.split(".")
    kind, dimensions = ValueKind.ACTUAL.value, None
    for part in rest:
        if part in SUFFIX_KIND:
            kind = SUFFIX_KIND[part]
        else:
            dimensions = tuple(sorted(part.split("+")))
    return Element(indicator, kind, dimensions)


def option_code(dimension: str, item: str) -> str:
    """Category option codes are unique across all categories in DHIS2, hence the prefix."""
    return _checked(f"{dimension}:{item}", _("a category option"))


def option_item(dimension: str, code: str) -> str:
    """An ADX attribute's value back to the breakdown item (a bare item is taken as it is)."""
    prefix = f"{dimension}:"
    return code[len(prefix) :] if code.startswith(prefix) else code


def combo_code(pairs: Iterable[tuple[str, str]]) -> str:
    text = ",".join(f"{k}:{v}" for k, v in pairs)
    return _checked(text, _("a category option combination")) if text else "default"


def category_code(dimension: str) -> str:
    if not _XML_NAME.match(dimension):
        raise Dhis2Error(
            _("The dimension code “%(code)s” cannot name an ADX attribute (an XML name).")
            % {"code": dimension}
        )
    return dimension


def partner_code(project: str, organisation: str) -> str:
    if project:
        return _checked(f"PRJ:{project}", _("a project"))
    if organisation:
        return _checked(f"ORG:{organisation}", _("an organisation"))
    return "default"


def period_type(period: str) -> str:
    return PERIOD_TYPES.get(parse_period(period).kind, "Monthly")


def open_future_periods(kind: str, periods: Iterable[str], today: date) -> int:
    """How many periods after the current one DHIS2 must keep open for these values: DHIS2
    refuses a value after the latest open future period (targets are often ahead)."""
    months = PERIOD_MONTHS[kind]
    now = (today.year * 12 + today.month - 1) // months
    latest = max(
        ((p.start.year * 12 + p.start.month - 1) // months for p in map(parse_period, periods)),
        default=now,
    )
    return max(latest - now, 0)


class _Package:
    """Collects objects by type, each once, with names made unique as DHIS2 requires."""

    def __init__(self) -> None:
        self.objects: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.names: dict[str, set[str]] = defaultdict(set)

    def name(self, kind: str, name: str, code: str) -> str:
        name = name[:NAME_MAX]
        if name in self.names[kind]:
            name = f"{name[: NAME_MAX - len(code) - 3]} ({code})"
        self.names[kind].add(name)
        return name

    def add(self, kind: str, code: str, name: str, **fields: Any) -> dict[str, Any]:
        if code not in self.objects[kind]:
            self.objects[kind][code] = {
                "id": uid(kind, code),
                "code": code,
                "name": self.name(kind, name, code),
                **fields,
            }
        return self.objects[kind][code]

    def ref(self, kind: str, code: str) -> dict[str, str]:
        return {"id": self.objects[kind][code]["id"]}

    def document(self) -> dict[str, list[dict[str, Any]]]:
        return {kind: list(items.values()) for kind, items in self.objects.items()}


def _org_units(package: _Package, rows: Sequence[Row]) -> None:
    from synergy.core.models import AdminArea, Country

    countries = {r.country for r in rows}
    for nation in Country.objects.filter(pk__in=countries).order_by("pk"):
        package.add(
            "organisationUnits",
            nation.pk,
            nation.name,
            shortName=nation.name[:CODE_MAX],
            openingDate="1990-01-01",
        )
    wanted = {(r.country, r.area) for r in rows if r.area}
    areas = {}
    for country, code in sorted(wanted):
        area = AdminArea.objects.filter(country_id=country, code=code).first()
        chain = []
        while area is not None:  # the parents first: DHIS2 places a unit under its parent
            chain.append(area)
            area = area.parent
        for area in reversed(chain):
            areas[(area.country_id, area.code)] = area
    for area in areas.values():
        parent = area.parent.code if area.parent else area.country_id
        package.add(
            "organisationUnits",
            _checked(area.code, _("an area")),
            area.name,
            shortName=area.name[:CODE_MAX],
            openingDate="1990-01-01",
            parent=package.ref("organisationUnits", parent),
        )


def _categories(package: _Package, rows: Sequence[Row]) -> dict[tuple[str, ...], str]:
    """Categories, their options and a category combination per set of dimensions used; the
    combination's option combinations are the full cross product, as DHIS2 makes them."""
    from synergy.indicators.models import Dimension

    used: dict[str, set[str]] = defaultdict(set)
    key_sets = set()
    for row in rows:
        for dimension, item in row.disaggregation:
            used[dimension].add(item)
        if row.disaggregation:
            key_sets.add(tuple(k for k, _v in row.disaggregation))
    declared = {d.code: d for d in Dimension.objects.filter(code__in=used)}
    for code in sorted(used):
        declared_as = declared.get(code)
        labels = declared_as.item_labels() if declared_as else {}
        listed = set(labels) if declared_as and not declared_as.is_area else set()
        items = sorted(used[code] | listed)
        for item in items:
            option = option_code(code, item)
            package.add("categoryOptions", option, labels.get(item, item), shortName=option)
        package.add(
            "categories",
            category_code(code),
            declared_as.name if declared_as else code,
            shortName=code,
            dataDimensionType="DISAGGREGATION",
            categoryOptions=[package.ref("categoryOptions", option_code(code, i)) for i in items],
        )
    combos = {}
    for keys in sorted(key_sets):
        code = _checked("+".join(keys), _("a category combination"))
        names = [package.objects["categories"][k]["name"] for k in keys]
        combo = package.add(
            "categoryCombos",
            code,
            " × ".join(names),
            dataDimensionType="DISAGGREGATION",
            categories=[package.ref("categories", k) for k in keys],
        )
        options = [package.objects["categories"][k]["categoryOptions"] for k in keys]
        by_id = {o["id"]: o for o in package.objects["categoryOptions"].values()}
        for chosen in itertools.product(*options):
            members = [by_id[ref["id"]] for ref in chosen]
            pairs = [(k, option_item(k, m["code"])) for k, m in zip(keys, members, strict=True)]
            package.add(
                "categoryOptionCombos",
                combo_code(pairs),
                ", ".join(m["name"] for m in members),
                categoryCombo={"id": combo["id"]},
                categoryOptions=[{"id": m["id"]} for m in members],
            )
        combos[keys] = code
    return combos


def _partners(package: _Package, rows: Sequence[Row]) -> bool:
    codes = sorted({partner_code(r.project, r.organisation) for r in rows} - {"default"})
    if not codes:
        return False
    for code in codes:
        package.add("categoryOptions", code, code[4:], shortName=code)
    package.add(
        "categories",
        PARTNER_CATEGORY,
        _("Partner"),
        shortName=PARTNER_CATEGORY,
        dataDimensionType="ATTRIBUTE",
        categoryOptions=[package.ref("categoryOptions", c) for c in codes],
    )
    combo = package.add(
        "categoryCombos",
        PARTNER_CATEGORY,
        _("Partner"),
        dataDimensionType="ATTRIBUTE",
        categories=[package.ref("categories", PARTNER_CATEGORY)],
    )
    for code in codes:
        package.add(
            "categoryOptionCombos",
            code,
            code[4:],
            categoryCombo={"id": combo["id"]},
            categoryOptions=[package.ref("categoryOptions", code)],
        )
    return True


def metadata(rows: Sequence[Row], today: date) -> dict[str, list[dict[str, Any]]]:
    """The DHIS2 metadata every value of ``rows`` needs, for ``/api/metadata``."""
    package = _Package()
    _org_units(package, rows)
    combos = _categories(package, rows)
    with_partners = _partners(package, rows)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in={r.indicator for r in rows})}
    kind_names = {
        ValueKind.TARGET.value: _("target"),
        ValueKind.BASELINE.value: _("baseline"),
    }
    # data set per period type and partner attribute: the periods DHIS2 keeps open come from
    # the data set, and only partners' figures carry the partner attribute.
    sets: dict[tuple[str, bool], dict[str, Any]] = {}
    for row in rows:
        keys = tuple(k for k, _v in row.disaggregation)
        code = element_code(row.indicator, row.kind, keys)
        indicator = indicators.get(row.indicator)
        name = indicator.name if indicator else row.indicator
        label = " ".join(filter(None, [name, kind_names.get(row.kind, ""), _by(package, keys)]))
        fields: dict[str, Any] = {
            "shortName": code,
            "domainType": "AGGREGATE",
            "valueType": "NUMBER",
            "aggregationType": "AVERAGE"
            if indicator and indicator.value_type == ValueType.PERCENTAGE
            else "SUM",
            # DHIS2 drops a zero unless told it matters: a baseline of 0 children does.
            "zeroIsSignificant": True,
        }
        if keys:
            fields["categoryCombo"] = package.ref("categoryCombos", combos[keys])
        package.add("dataElements", code, label, **fields)
        partnered = partner_code(row.project, row.organisation) != "default"
        slot = sets.setdefault(
            (period_type(row.period), partnered), {"elements": set(), "periods": set()}
        )
        slot["elements"].add(code)
        slot["periods"].add(row.period)
    units = [package.ref("organisationUnits", c) for c in package.objects["organisationUnits"]]
    for (kind, partnered), slot in sorted(sets.items()):
        code = f"SYNERGY-{kind.upper()}" + ("-PARTNERS" if partnered else "")
        fields = {
            "shortName": code,
            "periodType": kind,
            "openFuturePeriods": open_future_periods(kind, slot["periods"], today),
            "dataSetElements": [
                {"dataElement": package.ref("dataElements", e)} for e in sorted(slot["elements"])
            ],
            "organisationUnits": units,
        }
        if partnered and with_partners:
            fields["categoryCombo"] = package.ref("categoryCombos", PARTNER_CATEGORY)
        title = _("Synergy indicators, %(period)s") % {"period": kind}
        package.add(
            "dataSets", code, title + (" · " + _("partners") if partnered else ""), **fields
        )
    return package.document()


def _by(package: _Package, keys: Sequence[str]) -> str:
    if not keys:
        return ""
    names = [package.objects["categories"][k]["name"] for k in keys]
    return _("by %(dimensions)s") % {"dimensions": ", ".join(names)}
