"""Names: normalising, transliteration folding and similarity of children's names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import jellyfish
from rapidfuzz.distance import JaroWinkler

_NON_LETTERS = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
# Transliteration folding, applied in order: spellings of one sound in romanised Nepali, Hindi,
# Arabic, Malagasy and French that field workers use interchangeably.
_FOLDS: tuple[tuple[str, str], ...] = (
    ("ksh", "ks"),
    ("x", "ks"),
    ("ph", "f"),
    ("kh", "k"),
    ("gh", "g"),
    ("bh", "b"),
    ("dh", "d"),
    ("th", "t"),
    ("jh", "j"),
    ("sh", "s"),
    ("ch", "c"),
    ("ck", "k"),
    ("q", "k"),
    ("c", "k"),
    ("w", "v"),
    ("y", "i"),
    ("ee", "i"),
    ("oo", "u"),
    ("ou", "u"),
)
_DOUBLE = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aeiou]")


def normalise_name(text: str) -> str:
    """Lower case ASCII letters and single spaces: accents dropped, digits and signs removed."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return _SPACES.sub(" ", _NON_LETTERS.sub(" ", folded.lower())).strip()


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """A transliteration-folded spelling: ``lakshmi`` and ``laxmi`` → ``laksmi``."""
    out = token
    for old, new in _FOLDS:
        out = out.replace(old, new)
    out = _DOUBLE.sub(r"\1", out)
    # An "h" after a consonant is an aspiration mark in most romanisations.
    out = re.sub(r"(?<=[^aeiou])h", "", out)
    return out


@lru_cache(maxsize=200_000)
def consonants(token: str) -> str:
    """The consonant skeleton (vowels dropped after the first letter): ``mohammed``,
    ``muhammad`` → ``mmd``; the coarsest key, used for blocking and as phonetic evidence."""
    folded = skeleton(token)
    if not folded:
        return ""
    return folded[0] + _DOUBLE.sub(r"\1", _VOWELS.sub("", folded[1:]))


@lru_cache(maxsize=200_000)
def _metaphone(token: str) -> str:
    return jellyfish.metaphone(token) if token else ""


def token_similarity(a: str, b: str) -> float:
    """0..1 similarity of two normalised name tokens: the best of Jaro-Winkler on the spelling
    and on the folded spelling; equal phonetic codes count as at least 0.9."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    sa, sb = skeleton(a), skeleton(b)
    if sa == sb:
        return 0.97
    best = max(JaroWinkler.normalized_similarity(a, b), JaroWinkler.normalized_similarity(sa, sb))
    if len(sa) > 2 and (consonants(a) == consonants(b) or _metaphone(sa) == _metaphone(sb)):
        best = max(best, 0.9)
    return float(best)


@dataclass(frozen=True)
class NameParts:
    first: str
    last: str

    @classmethod
    def of(cls, first: str, last: str) -> NameParts:
        return cls(normalise_name(first), normalise_name(last))

    @property
    def tokens(self) -> list[str]:
        return [t for t in f"{self.first} {self.last}".split(" ") if t]


def name_similarity(a: NameParts, b: NameParts) -> tuple[float, str]:
    """Similarity of two child names and its evidence label.

    First and last names are compared in order and swapped (records from different partners
    often swap them); within a part, multi-token names are compared token by token. The weaker
    of the two parts weighs more (``0.65 * min + 0.35 * max``), so a shared surname alone — the
    sibling case — does not make a match."""
    if not a.tokens or not b.tokens:
        return 0.0, "missing"
    straight = (_part_similarity(a.first, b.first), _part_similarity(a.last, b.last))
    swapped = (_part_similarity(a.first, b.last), _part_similarity(a.last, b.first))

    def combine(pair: tuple[float, float]) -> float:
        return 0.65 * min(pair) + 0.35 * max(pair)

    s_straight, s_swapped = combine(straight), combine(swapped) * 0.98
    if s_swapped > s_straight:
        score, is_swapped = s_swapped, True
    else:
        score, is_swapped = s_straight, False
    if a.first == b.first and a.last == b.last:
        label = "exact"
    elif is_swapped and score >= 0.85:
        label = "swapped"
    elif score >= 0.95:
        label = "phonetic"
    elif score >= 0.85:
        label = "similar"
    else:
        label = "different"
    return score, label


def _part_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.5 if not a and not b else 0.3
    if a == b:
        return 1.0
    ta, tb = a.split(" "), b.split(" ")
    if len(ta) == 1 and len(tb) == 1:
        return token_similarity(a, b)
    # Several tokens ("Ram Bahadur" / "Ram"): best match of each token of the shorter part,
    # plus the joined spelling ("Ram Bahadur" / "Rambahadur").
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    per_token = sum(max(token_similarity(s, t) for t in long_) for s in short) / len(short)
    joined = token_similarity(a.replace(" ", ""), b.replace(" ", ""))
    return max(per_token * (0.95 if len(ta) != len(tb) else 1.0), joined)
