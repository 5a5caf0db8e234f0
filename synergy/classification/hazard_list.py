"""National hazardous work lists (C182 Art. 4): industry (ISIC) and occupation (ISCO) codes.

A list may name a code at any level of its hierarchy. A child's code matches when it starts with
a listed code after normalisation, so division "05" covers class "0510" and ISCO minor group
"931" covers unit group "9311". ISIC Rev.4 sections (letters) also match numeric codes through
the division-to-section table below, so a list of ["B", "F"] (mining and quarrying,
construction) matches a child coded "0510" or "4390".
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

# ISIC Rev.4 sections by first and last division (two-digit code).
_ISIC4_SECTIONS: tuple[tuple[str, int, int], ...] = (
    ("A", 1, 3),
    ("B", 5, 9),
    ("C", 10, 33),
    ("D", 35, 35),
    ("E", 36, 39),
    ("F", 41, 43),
    ("G", 45, 47),
    ("H", 49, 53),
    ("I", 55, 56),
    ("J", 58, 63),
    ("K", 64, 66),
    ("L", 68, 68),
    ("M", 69, 75),
    ("N", 77, 82),
    ("O", 84, 84),
    ("P", 85, 85),
    ("Q", 86, 88),
    ("R", 90, 93),
    ("S", 94, 96),
    ("T", 97, 98),
    ("U", 99, 99),
)


def normalise_code(code: str) -> str:
    """Upper-case, without spaces, dots or dashes ("b.05 10" -> "B0510")."""
    return "".join(ch for ch in str(code).upper() if ch not in " .-\t")


def isic_section(code: str) -> str:
    """The ISIC Rev.4 section letter of a numeric code ("0510" -> "B"), or "" if unknown."""
    norm = normalise_code(code)
    if len(norm) < 2 or not norm[:2].isdigit():
        return ""
    division = int(norm[:2])
    for letter, first, last in _ISIC4_SECTIONS:
        if first <= division <= last:
            return letter
    return ""


def _matches(listed: tuple[str, ...], code: str, *, industry: bool) -> bool:
    norm = normalise_code(code)
    if not norm or not listed:
        return False
    if any(norm.startswith(item) for item in listed):
        return True
    if industry:
        section = isic_section(norm)
        return bool(section) and section in listed
    return False


def is_hazardous_code(
    *,
    hazardous_industries: tuple[str, ...],
    hazardous_occupations: tuple[str, ...],
    industry: str = "",
    occupation: str = "",
) -> bool:
    return _matches(hazardous_industries, industry, industry=True) or _matches(
        hazardous_occupations, occupation, industry=False
    )


def _mask(listed: tuple[str, ...], codes: Iterable[object] | None, *, industry: bool) -> np.ndarray:
    if codes is None:
        return np.zeros(0, dtype=bool)
    arr = np.asarray(codes, dtype=object)
    # Surveys hold few distinct codes: match each once, then broadcast back.
    uniques, inverse = np.unique(arr.astype(str), return_inverse=True)
    hits = np.array([_matches(listed, u, industry=industry) for u in uniques], dtype=bool)
    return hits[inverse.reshape(arr.shape)] if hits.size else np.zeros(arr.shape, dtype=bool)


def hazardous_code_mask(
    *,
    hazardous_industries: tuple[str, ...],
    hazardous_occupations: tuple[str, ...],
    industry: Iterable[object] | None = None,
    occupation: Iterable[object] | None = None,
) -> np.ndarray:
    """Boolean mask of records whose industry or occupation code is on the national list.

    Missing codes should be passed as "" (NaN becomes the string "nan", which matches nothing).
    """
    ind = _mask(hazardous_industries, industry, industry=True)
    occ = _mask(hazardous_occupations, occupation, industry=False)
    if ind.size and occ.size:
        if ind.shape != occ.shape:
            raise ValueError("industry and occupation arrays must have the same shape")
        return ind | occ
    return ind if ind.size else occ
