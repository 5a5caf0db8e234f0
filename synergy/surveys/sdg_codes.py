"""The SDG data structure (IAEG-SDGs:SDG) and its codelists, shipped in the package
(``schemas/sdg-dsd/sdg-codelists.json``), so that an SDMX-CSV file is checked against the codes
the UN SDG database accepts without a network.

The JSON is extracted from the DSD's SDMX-ML by ``extract`` (``python -m
synergy.surveys.sdg_codes DSD.xml > sdg-codelists.json``): the order of the dimensions, the
attributes with their assignment status, and each codelist's codes and English names.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CODELISTS_PATH = Path(__file__).parent / "schemas" / "sdg-dsd" / "sdg-codelists.json"
_STR = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure}"
_COM = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common}"


@dataclass(frozen=True)
class Structure:
    dsd: str  # "IAEG-SDGs:SDG(1.4)"
    dimensions: tuple[str, ...]  # in key order, TIME_PERIOD last
    attributes: dict[str, str]  # id -> "Mandatory" / "Conditional"
    concept_codelist: dict[str, str]  # dimension or attribute -> codelist id
    codelists: dict[str, dict[str, str]]  # codelist id -> code -> English name

    def codes(self, concept: str) -> dict[str, str]:
        return self.codelists[self.concept_codelist[concept]]

    def has(self, concept: str, code: str) -> bool:
        return code in self.codes(concept)


@cache
def structure() -> Structure:
    data = json.loads(CODELISTS_PATH.read_text(encoding="utf-8"))
    return Structure(
        dsd=data["dsd"],
        dimensions=tuple(data["dimensions"]),
        attributes=dict(data["attributes"]),
        concept_codelist=dict(data["concept_codelist"]),
        codelists={k: dict(v["codes"]) for k, v in data["codelists"].items()},
    )


def extract(dsd_xml: Path) -> dict[str, Any]:
    """The parts of an SDG DSD (SDMX-ML 2.1 structure message) that Synergy checks against."""
    root = ET.parse(dsd_xml).getroot()  # noqa: S314 - a file the maintainer chose, not an upload
    dsd = next(root.iter(f"{_STR}DataStructure"))
    dimensions: list[tuple[int, str]] = []
    attributes: dict[str, str] = {}
    concept_codelist: dict[str, str] = {}
    for node in dsd.iter():
        kind = node.tag.rsplit("}", 1)[-1]
        ident = node.get("id")
        if kind not in ("Dimension", "TimeDimension", "Attribute") or not ident:
            continue
        if kind == "Attribute":
            attributes[ident] = node.get("assignmentStatus", "")
        else:
            dimensions.append((int(node.get("position") or 0), ident))
        enumeration = node.find(f".//{_STR}Enumeration/Ref")
        if enumeration is not None and enumeration.get("id"):
            concept_codelist[ident] = str(enumeration.get("id"))
    codelists: dict[str, Any] = {}
    for codelist in root.iter(f"{_STR}Codelist"):
        ident = str(codelist.get("id"))
        if ident not in concept_codelist.values():
            continue
        codes = {}
        for code in codelist.findall(f"{_STR}Code"):
            name = code.find(f"{_COM}Name")
            codes[str(code.get("id"))] = (name.text or "") if name is not None else ""
        codelists[ident] = {
            "agency": codelist.get("agencyID"),
            "version": codelist.get("version"),
            "codes": codes,
        }
    return {
        "dsd": f"{dsd.get('agencyID')}:{dsd.get('id')}({dsd.get('version')})",
        "dimensions": [ident for _position, ident in sorted(dimensions)],
        "attributes": attributes,
        "concept_codelist": concept_codelist,
        "codelists": codelists,
    }


if __name__ == "__main__":
    json.dump(extract(Path(sys.argv[1])), sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    sys.stdout.write("\n")
