"""The IATI Standard's ruleset (``schemas/iati-rulesets/standard.json``, shipped unchanged)
evaluated over an ``iati-activities`` document: what IATI's validator checks beyond the XSD.

Each rule names a context (an XPath such as ``/iati-activities/iati-activity/budget``), a
kind and cases. The kinds are evaluated as the ruleset's specification describes them
(SPEC.rst of IATI-Rulesets): ``atleast_one``, ``no_more_than_one``, ``one_or_all``,
``unique``, ``startswith``, ``regex_matches``, ``regex_no_matches``, ``no_spaces``,
``strict_sum``, ``sum``, ``if_then``, ``date_order``, ``time_limit``, ``date_now``,
``between_dates``, ``range`` and ``loop`` (its inner cases once per value of ``foreach``,
``$1`` replaced). Rules that need IATI's registries (``idCondition``:
the list of registered organisation identifiers and org-id.guide prefixes) cannot be run
offline: ``ORG-ID-PREFIX`` is checked for its shape (a registration agency code such as
``GB-CHC`` or ``XM-DAC``, then an identifier) and the others are listed as not run.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.utils import timezone
from lxml import etree

RULESET = Path(__file__).resolve().parent / "schemas" / "iati-rulesets" / "standard.json"
# An org-id.guide identifier: a registration agency code (an ISO country or XI/XM, then the
# list's code), a hyphen, and the organisation's number in that list.
ORG_ID = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,}-\S+$")
EVALUATED = frozenset(
    {
        "atleast_one",
        "no_more_than_one",
        "one_or_all",
        "unique",
        "startswith",
        "regex_matches",
        "regex_no_matches",
        "no_spaces",
        "strict_sum",
        "sum",
        "if_then",
        "date_order",
        "time_limit",
        "date_now",
        "between_dates",
        "range",
        "loop",
    }
)


@dataclass(frozen=True)
class Failure:
    rule: str
    severity: str
    message: str
    activity: str  # the iati-identifier of the activity it is about
    line: int | None

    def __str__(self) -> str:
        return f"{self.rule} ({self.severity}) {self.activity}: {self.message}"


@functools.cache
def _agency_countries() -> frozenset[str]:
    """The first part of an org-id.guide prefix: an ISO 3166 country, or XI/XM (international
    and multilateral lists)."""
    import pycountry

    return frozenset({c.alpha_2 for c in pycountry.countries} | {"XI", "XM"})


@functools.cache
def ruleset() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(RULESET.read_text(encoding="utf-8"))
    return data


def _texts(element: etree._Element, path: str) -> list[str]:
    found = element.xpath(path)
    if not isinstance(found, list):
        return [str(found)]
    out = []
    for item in found:
        if isinstance(item, etree._Element):
            out.append("".join(item.itertext()))
        else:
            out.append(str(item))
    return out


def _exists(element: etree._Element, path: str) -> bool:
    found = element.xpath(path)
    return bool(found) if isinstance(found, list) else bool(found)


def _true(element: etree._Element, expression: str) -> bool:
    return bool(element.xpath(f"boolean({expression})"))


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return None


def _activity_of(element: etree._Element) -> str:
    node: etree._Element | None = element
    while node is not None and node.tag != "iati-activity":
        node = node.getparent()
    return (node.findtext("iati-identifier") or "").strip() if node is not None else ""


def _check(kind: str, case: dict[str, Any], el: etree._Element, today: dt.date) -> bool | None:
    """Whether ``el`` passes the case (None: the case cannot be run here)."""
    if "condition" in case and not _true(el, case["condition"]):
        return True
    paths = case.get("paths", [])
    if kind == "atleast_one":
        return any(_exists(el, p) for p in paths)
    if kind == "no_more_than_one":
        return sum(len(el.xpath(p)) for p in paths) <= 1
    if kind == "one_or_all":
        if _exists(el, case["one"]):
            return True
        attribute = case["all"]
        if attribute == "lang":
            return all(
                n.get("{http://www.w3.org/XML/1998/namespace}lang") for n in el.iter("narrative")
            )
        if attribute == "currency":
            return all(v.get("currency") for v in el.iter("value"))
        return all(_exists(x, attribute) for x in el.xpath(f".//*[{attribute}]/.."))
    if kind == "unique":
        values = [v for p in paths for v in _texts(el, p)]
        return len(values) == len(set(values))
    if kind == "startswith":
        prefixes = case.get("prefix", [])
        values = [v for p in paths for v in _texts(el, p)]
        if prefixes == ["ORG-ID-PREFIX"]:
            return all(ORG_ID.match(v) and v[:2] in _agency_countries() for v in values)
        if case.get("idCondition"):
            return None
        starts = [s for p in prefixes for s in _texts(el, p)]
        separator = case.get("separator", "")
        return all(any(v.startswith(s + separator) for s in starts) for v in values)
    if kind in ("regex_matches", "regex_no_matches"):
        pattern = re.compile(case["regex"])
        values = [v for p in paths for v in _texts(el, p)]
        matched = [bool(pattern.search(v)) for v in values]
        return all(matched) if kind == "regex_matches" else not any(matched)
    if kind == "no_spaces":
        return all(v == v.strip() for p in paths for v in _texts(el, p))
    if kind in ("strict_sum", "sum"):
        numbers = [_decimal(v) for p in paths for v in _texts(el, p)]
        if not numbers:
            return True
        if any(v is None for v in numbers):
            return False
        total = sum((v for v in numbers if v is not None), Decimal(0))
        return total == Decimal(str(case["sum"]))
    if kind == "if_then":
        return not _true(el, case["if"]) or _true(el, case["then"])
    if kind == "date_order":
        less = [d for d in map(_date, _texts(el, case["less"])) if d]
        more = [d for d in map(_date, _texts(el, case["more"])) if d]
        if case["more"] == "NOW":
            more = [today]
        return not (less and more) or less[0] <= more[0]
    if kind == "time_limit":
        start = [d for d in map(_date, _texts(el, case["start"])) if d]
        end = [d for d in map(_date, _texts(el, case["end"])) if d]
        return not (start and end) or (end[0] - start[0]).days <= 365
    if kind == "date_now":
        dates = [d for d in map(_date, _texts(el, case["date"])) if d]
        return all(d <= today for d in dates)
    if kind == "between_dates":
        return None  # needs the dates of another element's context; not used by our exports
    if kind == "range":
        found = [_decimal(v) for p in paths for v in _texts(el, p)]
        low = Decimal(str(case["min"])) if "min" in case else None
        high = Decimal(str(case["max"])) if "max" in case else None
        return all(
            v is not None and (low is None or v >= low) and (high is None or v <= high)
            for v in found
        )
    return None


def _substitute(value: Any, text: str) -> Any:
    if isinstance(value, str):
        return value.replace("$1", text)
    if isinstance(value, list):
        return [_substitute(v, text) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, text) for k, v in value.items()}
    return value


def _expanded(
    kind: str, spec: dict[str, Any], elements: list[etree._Element]
) -> list[tuple[dict[str, Any], list[etree._Element]]]:
    """(case, the elements it applies to) for each case of a rule; a ``loop`` case becomes its
    inner cases, once per value of its ``foreach`` in each element, with ``$1`` replaced."""
    out: list[tuple[dict[str, Any], list[etree._Element]]] = []
    for case in spec.get("cases", []):
        if kind != "loop":
            out.append(({**case, "_kind": kind}, elements))
            continue
        for element in elements:
            for value in dict.fromkeys(_texts(element, case["foreach"])):
                for inner_kind, inner in case.get("do", {}).items():
                    for inner_case in inner.get("cases", []):
                        out.append(
                            ({**_substitute(inner_case, value), "_kind": inner_kind}, [element])
                        )
    return out


def check(xml: bytes, *, today: dt.date | None = None) -> tuple[list[Failure], list[str]]:
    """The rule failures of an activities document, and the rule ids not run here."""
    today = today or timezone.localdate()
    root = etree.fromstring(xml)
    failures: list[Failure] = []
    not_run: set[str] = set()
    for context, kinds in ruleset().items():
        if not context.startswith("/iati-activities"):
            continue
        elements: list[etree._Element] = []
        for alternative in context.split(" | "):
            elements += root.getroottree().xpath(alternative.strip())
        for kind, spec in kinds.items():
            for case, applies_to in _expanded(kind, spec, elements):
                info = case.get("ruleInfo", {})
                rule = str(info.get("id", kind))
                if case["_kind"] not in EVALUATED:
                    not_run.add(rule)
                    continue
                for element in applies_to:
                    try:
                        result = _check(case["_kind"], case, element, today)
                    except etree.XPathError:
                        result = None
                    if result is None:
                        not_run.add(rule)
                    elif not result:
                        failures.append(
                            Failure(
                                rule,
                                str(info.get("severity", "error")),
                                str(info.get("message", "")),
                                _activity_of(element),
                                element.sourceline,
                            )
                        )
    return failures, sorted(not_run)
