"""What DHIS2 does with a metadata package and then a data value set, for the tests.

No DHIS2 can run here (only PyPI, Debian and npm are reachable), so these are DHIS2's own
rules, written from its source (dhis2-core: the metadata schema's limits,
``DataValueSetImportValidator`` with every strict option on, ``DefaultAdxDataService`` and
``AdxPeriod``), each turning a value into a conflict as DHIS2 would. The tests feed it what
Synergy exports and check that nothing conflicts and that what DHIS2 would store are
Synergy's figures; other tests feed it broken files, so that each rule is seen to bite.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lxml import etree

UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")
XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
NUMBER = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?$")
PERIOD = {
    "Yearly": re.compile(r"^\d{4}$"),
    "SixMonthly": re.compile(r"^\d{4}S[12]$"),
    "Quarterly": re.compile(r"^\d{4}Q[1-4]$"),
    "Monthly": re.compile(r"^\d{4}(0[1-9]|1[0-2])$"),
}
MONTHS = {"Yearly": 12, "SixMonthly": 6, "Quarterly": 3, "Monthly": 1}
ADX_NS = "urn:ihe:qrph:adx:2015"
# DHIS2's attributes of an ADX data value that do not name a category.
ADX_FIELDS = {
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
REQUIRED = {
    "organisationUnits": ("name", "shortName", "openingDate"),
    "categoryOptions": ("name", "shortName"),
    "categories": ("name", "dataDimensionType", "categoryOptions"),
    "categoryCombos": ("name", "dataDimensionType", "categories"),
    "categoryOptionCombos": ("categoryCombo", "categoryOptions"),
    "dataElements": ("name", "shortName", "domainType", "valueType", "aggregationType"),
    "dataSets": ("name", "periodType"),
}


@dataclass
class Dhis2:
    """A DHIS2 instance's metadata and stored values, empty until ``load_metadata``."""

    today: date
    objects: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    stored: dict[tuple[str, str, str, str, str], str] = field(default_factory=dict)

    # Metadata

    def load_metadata(self, document: dict[str, list[dict[str, Any]]]) -> list[str]:
        errors = []
        for kind, items in document.items():
            if kind not in REQUIRED:
                errors.append(f"{kind}: not a metadata type this package may carry")
                continue
            seen: dict[str, set[str]] = {"id": set(), "code": set(), "name": set(), "sn": set()}
            for item in items:
                where = f"{kind} {item.get('code')}"
                errors += [f"{where}: {f} is required" for f in REQUIRED[kind] if not item.get(f)]
                if not UID.match(str(item.get("id", ""))):
                    errors.append(f"{where}: id {item.get('id')!r} is not a DHIS2 uid")
                if len(str(item.get("code", ""))) > 50:
                    errors.append(f"{where}: code longer than 50")
                if len(str(item.get("name", ""))) > 230:
                    errors.append(f"{where}: name longer than 230")
                if len(str(item.get("shortName", ""))) > 50:
                    errors.append(f"{where}: shortName longer than 50")
                for key, value in (
                    ("id", item.get("id")),
                    ("code", item.get("code")),
                    ("name", item.get("name")),
                    ("sn", item.get("shortName")),
                ):
                    if value is None:
                        continue
                    if value in seen[key]:
                        errors.append(f"{where}: {key} {value!r} is not unique")
                    seen[key].add(value)
            self.objects[kind] = {item["id"]: item for item in items}
        errors += self._check_references()
        errors += self._check_option_combos()
        return errors

    def _get(self, kind: str, ref: dict[str, str] | None) -> dict[str, Any] | None:
        return self.objects.get(kind, {}).get((ref or {}).get("id", ""))

    def _check_references(self) -> list[str]:
        errors = []
        refs = (
            ("organisationUnits", "parent", "organisationUnits"),
            ("categoryOptionCombos", "categoryCombo", "categoryCombos"),
            ("dataElements", "categoryCombo", "categoryCombos"),
            ("dataSets", "categoryCombo", "categoryCombos"),
        )
        for kind, attribute, target in refs:
            for item in self.objects.get(kind, {}).values():
                if attribute in item and self._get(target, item[attribute]) is None:
                    errors.append(f"{kind} {item['code']}: {attribute} is not in the package")
        lists = (
            ("categories", "categoryOptions", "categoryOptions"),
            ("categoryCombos", "categories", "categories"),
            ("categoryOptionCombos", "categoryOptions", "categoryOptions"),
            ("dataSets", "organisationUnits", "organisationUnits"),
        )
        for kind, attribute, target in lists:
            for item in self.objects.get(kind, {}).values():
                for ref in item.get(attribute, []):
                    if self._get(target, ref) is None:
                        errors.append(f"{kind} {item['code']}: {attribute} {ref} missing")
        for data_set in self.objects.get("dataSets", {}).values():
            if data_set["periodType"] not in PERIOD:
                errors.append(f"dataSets {data_set['code']}: no period type")
            for member in data_set.get("dataSetElements", []):
                if self._get("dataElements", member.get("dataElement")) is None:
                    errors.append(f"dataSets {data_set['code']}: a data element is missing")
        for combo in self.objects.get("categoryCombos", {}).values():
            for category in map(lambda r: self._get("categories", r), combo["categories"]):
                if category and category["dataDimensionType"] != combo["dataDimensionType"]:
                    errors.append(f"categoryCombos {combo['code']}: mixes dimension types")
        return errors

    def _check_option_combos(self) -> list[str]:
        """DHIS2 makes a combination's option combinations the full cross product of its
        categories' options; a package's must be exactly those, each once."""
        errors = []
        cocs = self.objects.get("categoryOptionCombos", {}).values()
        for combo in self.objects.get("categoryCombos", {}).values():
            categories = [self._get("categories", r) for r in combo["categories"]]
            wanted = {
                frozenset(r["id"] for r in chosen)
                for chosen in itertools.product(*(c["categoryOptions"] for c in categories if c))
            }
            have = [
                frozenset(r["id"] for r in c["categoryOptions"])
                for c in cocs
                if c["categoryCombo"]["id"] == combo["id"]
            ]
            if sorted(map(sorted, have)) != sorted(map(sorted, wanted)):
                errors.append(f"categoryCombos {combo['code']}: option combinations differ")
        return errors

    def by_code(self, kind: str, code: str) -> dict[str, Any] | None:
        for item in self.objects.get(kind, {}).values():
            if item.get("code") == code:
                return item
        return None

    # Data values

    def _data_sets_of(self, element: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            s
            for s in self.objects.get("dataSets", {}).values()
            if any(m["dataElement"]["id"] == element["id"] for m in s.get("dataSetElements", []))
        ]

    def _combo_of(self, element: dict[str, Any]) -> dict[str, Any] | None:
        return self._get("categoryCombos", element.get("categoryCombo"))

    def import_value(self, value: dict[str, str]) -> str | None:
        """Stores the value or returns DHIS2's conflict (idScheme=CODE, every strict flag)."""
        element = self.by_code("dataElements", value.get("dataElement", ""))
        if element is None:
            return f"{value.get('dataElement')}: Data element not found or not accessible"
        period = value.get("period", "")
        period_type = next((k for k, p in PERIOD.items() if p.match(period)), None)
        if period_type is None:
            return f"{period}: Period not valid"
        unit = self.by_code("organisationUnits", value.get("orgUnit", ""))
        if unit is None:
            return f"{value.get('orgUnit')}: Organisation unit not found or not accessible"
        coc_code = value.get("categoryOptionCombo") or "default"
        combo = self._combo_of(element)
        if coc_code == "default":
            if combo is not None:  # strictCategoryOptionCombos
                return f"default must be part of category combo of data element {element['code']}"
        else:
            coc = self.by_code("categoryOptionCombos", coc_code)
            if coc is None:
                return f"{coc_code}: Category option combo not found or not accessible"
            if combo is None or coc["categoryCombo"]["id"] != combo["id"]:
                return f"{coc_code} must be part of category combo of data element"
        aoc_code = value.get("attributeOptionCombo") or "default"
        data_sets = self._data_sets_of(element)
        attribute_combos = {(s.get("categoryCombo") or {}).get("id") for s in data_sets}
        if aoc_code == "default":
            aoc_combo = None
        else:
            aoc = self.by_code("categoryOptionCombos", aoc_code)
            if aoc is None:
                return f"{aoc_code}: Attribute option combo not found or not accessible"
            aoc_combo = aoc["categoryCombo"]["id"]
        if aoc_combo not in attribute_combos:  # strictAttributeOptionCombos
            return f"{aoc_code} must be part of category combo of data sets of data element"
        text = value.get("value", "")
        if not NUMBER.match(text):
            return f"{text}: value_not_numeric, must match data element type"
        if float(text) == 0 and not element.get("zeroIsSignificant"):
            return f"{element['code']}: zero and insignificant, ignored"
        if len(value.get("comment", "")) > 50000:
            return "Comment: comment_length_greater_than_max_length"
        if not any(s["periodType"] == period_type for s in data_sets):  # strictPeriods
            return f"Period type of period: {period} not valid for data element"
        open_sets = [s for s in data_sets if s["periodType"] == period_type]
        if unit["id"] not in {
            r["id"] for s in open_sets for r in s.get("organisationUnits", [])
        }:  # strictOrgUnits
            return f"Data element must be assigned through data sets to {unit['code']}"
        if not any(self._open(s, period) for s in open_sets):
            return f"Period: {period} is after latest open future period"
        self.stored[(element["code"], period, unit["code"], coc_code, aoc_code)] = text
        return None

    def _open(self, data_set: dict[str, Any], period: str) -> bool:
        months = MONTHS[data_set["periodType"]]
        year = int(period[:4])
        rest = period[4:]
        if rest.startswith("S"):
            first = 1 if rest == "S1" else 7
        elif rest.startswith("Q"):
            first = 3 * int(rest[1]) - 2
        else:
            first = int(rest) if rest else 1
        index = (year * 12 + first - 1) // months
        now = (self.today.year * 12 + self.today.month - 1) // months
        return index - now <= int(data_set.get("openFuturePeriods", 0))

    def import_json(self, data: bytes) -> list[str]:
        document = json.loads(data)
        conflicts = []
        for value in document["dataValues"]:
            problem = self.import_value(value)
            if problem:
                conflicts.append(problem)
        return conflicts

    # ADX, as DefaultAdxDataService turns it into data values

    def import_adx(self, data: bytes) -> list[str]:
        root = etree.fromstring(data)
        if root.tag != f"{{{ADX_NS}}}adx":
            return ["not an adx document"]
        conflicts = []
        for group in root.iter(f"{{{ADX_NS}}}group"):
            attributes = dict(group.attrib)
            if "period" not in attributes or "orgUnit" not in attributes:
                return ["period and orgUnit attributes are required on 'group'"]
            period = adx_period(attributes["period"])
            if period is None:
                return [f"{attributes['period']} is not a supported ADX period"]
            if "attributeOptionCombo" not in attributes and "dataSet" in attributes:
                return ["a data set's attribute categories are not given as attributes here"]
            for node in group.iter(f"{{{ADX_NS}}}dataValue"):
                value = dict(node.attrib)
                if "dataElement" not in value or "value" not in value:
                    conflicts.append("dataElement and value attributes are required")
                    continue
                element = self.by_code("dataElements", value["dataElement"])
                if element is None:
                    conflicts.append(f"No data element matching code '{value['dataElement']}'")
                    continue
                if "categoryOptionCombo" not in value:
                    coc, problem = self._adx_combo(element, value)
                    if problem:
                        conflicts.append(problem)
                        continue
                    value["categoryOptionCombo"] = coc
                dxf = {
                    "dataElement": value["dataElement"],
                    "period": period,
                    "orgUnit": attributes["orgUnit"],
                    "categoryOptionCombo": value["categoryOptionCombo"],
                    "attributeOptionCombo": attributes.get("attributeOptionCombo", ""),
                    "value": value["value"],
                    "comment": value.get("comment", ""),
                }
                problem = self.import_value(dxf)
                if problem:
                    conflicts.append(problem)
        return conflicts

    def _adx_combo(self, element: dict[str, Any], value: dict[str, str]) -> tuple[str, str | None]:
        combo = self._combo_of(element)
        if combo is None:
            extra = set(value) - ADX_FIELDS
            if extra:  # the default combination has no category to match them
                return "", f"Invalid attributes: {sorted(extra)}"
            return "default", None
        chosen = []
        for ref in combo["categories"]:
            category = self._get("categories", ref)
            assert category is not None
            code = category.get("code") or ""
            if not XML_NAME.match(code):
                return "", f"Category code for {category['name']} is missing or invalid: {code}"
            if code not in value:
                return "", f"Missing required attribute from category combo: {code}"
            options = [self._get("categoryOptions", r) for r in category["categoryOptions"]]
            match = next((o for o in options if o and o["code"] == value[code]), None)
            if match is None:
                return "", f"Invalid attributes: {code}={value[code]}"
            chosen.append(match["id"])
        for coc in self.objects.get("categoryOptionCombos", {}).values():
            if coc["categoryCombo"]["id"] == combo["id"] and sorted(
                r["id"] for r in coc["categoryOptions"]
            ) == sorted(chosen):
                return coc["code"], None
        return "", f"Invalid attributes: {value}"


def adx_period(text: str) -> str | None:
    """AdxPeriod.parse: <start date>/<duration>, as DHIS2's ISO period, or None."""
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})/(P1D|P7D|P1M|P2M|P3M|P6M|P1Y)$", text)
    if not match:
        return None
    year, month, day, duration = match.group(1), int(match.group(2)), match.group(3), match.group(4)
    if day != "01":
        return None
    if duration == "P1M":
        return f"{year}{month:02d}"
    if duration == "P3M" and month in (1, 4, 7, 10):
        return f"{year}Q{(month + 2) // 3}"
    if duration == "P6M" and month in (1, 7):
        return f"{year}S{1 if month == 1 else 2}"
    if duration == "P1Y" and month == 1:
        return year
    return None
