"""OCHA's humanitarian clusters beside a project's or activity's own sectors, for HXL users
who filter on ``#sector+cluster``.

The codes are those of the IASC global clusters and areas of responsibility as OCHA's
coordination data list them (HDX "Global Coordination Groups"): PRO-CPN for child protection
(whose minimum standards cover child labour), PRO-HTS for human trafficking and smuggling,
EDU, HEA, ERY... A value of Synergy maps to a cluster only where the scope of that cluster
plainly holds it; awareness raising and social protection map to none and are left out
rather than forced into one.
"""

from __future__ import annotations

from collections.abc import Iterable

CLUSTER_NAMES = {
    "CCM": "Camp Coordination / Management",
    "EDU": "Education",
    "ERY": "Early Recovery",
    "FSC": "Food Security",
    "HEA": "Health",
    "LOG": "Logistics",
    "MPC": "Multipurpose Cash",
    "NUT": "Nutrition",
    "PRO": "Protection",
    "PRO-CPN": "Protection - Child Protection",
    "PRO-GBV": "Protection - Gender-Based Violence",
    "PRO-HLP": "Protection - Housing, Land and Property",
    "PRO-HTS": "Protection - Human Trafficking & Smuggling",
    "PRO-MIN": "Protection - Mine Action",
    "SHL": "Emergency Shelter and NFI",
    "TEL": "Emergency Telecommunications",
    "WSH": "Water Sanitation Hygiene",
}

BY_EXPLOITATION_FORM = {
    "child_labour": "PRO-CPN",
    "trafficking": "PRO-HTS",
    "forced_labour": "PRO",
}
BY_SERVICE_TYPE = {
    "education": "EDU",
    "vocational": "EDU",
    "health": "HEA",
    "psychosocial": "PRO-CPN",
    "rescue": "PRO-CPN",
    "monitoring": "PRO-CPN",
    "legal_aid": "PRO",
    "livelihood": "ERY",
}


def clusters(
    *, exploitation_forms: Iterable[str] = (), service_types: Iterable[str] = ()
) -> list[str]:
    """The cluster codes of these values, each once, in the order of CLUSTER_NAMES."""
    found = {BY_EXPLOITATION_FORM.get(v) for v in exploitation_forms}
    found |= {BY_SERVICE_TYPE.get(v) for v in service_types}
    return [code for code in CLUSTER_NAMES if code in found]
