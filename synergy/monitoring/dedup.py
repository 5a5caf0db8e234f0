"""Finding the same child registered twice, across partners, without showing one partner's
children to another.

How it works
------------
1. **Blocking.** Each child gets a few blocking keys, always with its sex: the sorted
   consonant skeletons of its name tokens (order-free, so swapped first/last names and most
   transliteration variants — Laxmi/Lakshmi, Mohammed/Muhammad — share it), and the skeleton of
   the first name, then of the last name, each with a two-year birth-year bucket (a child whose
   age was estimated ±1 year still shares a bucket: the keys use ``y // 2`` and
   ``(y + 1) // 2``), and the area with the birth-year bucket and the initial of the
   household head. Only pairs that share a key are compared. Over-large blocks (common names in
   a big area) are cut at ``MAX_BLOCK`` and counted in ``ScanStats.blocks_skipped``.
   In the database the name keys are the lead's blind index (an HMAC of the phonetic code):
   blocking never needs a decrypted name.
2. **Scoring** (in the server process, on decrypted names held in memory only): four fields,
   each 0..1 with a short evidence label (never the names or dates themselves, so the
   evidence can be stored and shown to a coordinator and written to the audit trail):
   name (Jaro-Winkler on normalised and on transliteration-folded spellings, phonetic codes,
   swapped order), date of birth (exact, day/month swapped, same year, ±1 year when estimated),
   household head (same name comparison) and location (same area, same parent area).
   The total is a weighted sum, ``WEIGHTS``; a pair is a candidate when the total reaches
   ``THRESHOLD`` and the name score reaches ``NAME_GATE`` (siblings share household, area and
   surname; only the name tells them apart).
3. **Evaluation**: ``noisy_population`` generates children with known duplicates (typos,
   transliteration variants, swapped names, ±1 year) and hard non-duplicates (siblings, common
   names); ``evaluate`` reports precision and recall.

The database part (scan, candidate list, merge, partner flags) is further down.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

import jellyfish
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from rapidfuzz.distance import JaroWinkler

from synergy.core import roles
from synergy.core.audit import audit_record

if TYPE_CHECKING:
    from synergy.core.models import Country, User
    from synergy.monitoring.models import Child, PossibleDuplicate

# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Records and scoring
# ---------------------------------------------------------------------------------------------

WEIGHTS = {"name": 0.5, "birth": 0.2, "household_head": 0.15, "location": 0.15}
THRESHOLD = 0.82
NAME_GATE = 0.86
MAX_BLOCK = 400
HEAD_PENALTY = 0.15


@dataclass(frozen=True)
class Person:
    """What deduplication needs of one child; names decrypted, held in memory only.

    ``area_path`` lists the child's area codes from the country level down (so two children in
    sibling villages share the parent); ``birth_date`` is only set when it is known exactly,
    ``birth_year`` always when known (from the date or the estimated age)."""

    id: int
    organisation_id: int
    first_name: str
    last_name: str
    sex: str
    birth_year: int | None = None
    birth_date: date | None = None
    age_estimated: bool = False
    household_head: str = ""
    area_path: tuple[str, ...] = ()

    @property
    def name(self) -> NameParts:
        return _name_parts(self.first_name, self.last_name)

    @property
    def head(self) -> NameParts:
        return _head_parts(self.household_head)


@lru_cache(maxsize=400_000)
def _name_parts(first: str, last: str) -> NameParts:
    return NameParts.of(first, last)


@lru_cache(maxsize=400_000)
def _head_parts(head: str) -> NameParts:
    first, _, last = normalise_name(head).rpartition(" ")
    return NameParts(first, last)


@dataclass(frozen=True)
class FieldEvidence:
    score: float
    label: str


@dataclass(frozen=True)
class Match:
    a: int
    b: int
    score: float
    evidence: dict[str, FieldEvidence]

    @property
    def is_candidate(self) -> bool:
        return (
            len(self.evidence) > 1
            and self.score >= THRESHOLD
            and self.evidence["name"].score >= NAME_GATE
        )

    def evidence_json(self) -> dict[str, dict[str, float | str]]:
        """Scores and labels only: safe for the audit trail and for the candidate list."""
        return {k: {"score": round(v.score, 3), "label": v.label} for k, v in self.evidence.items()}


def birth_similarity(a: Person, b: Person) -> FieldEvidence:
    if a.birth_year is None or b.birth_year is None:
        return FieldEvidence(0.4, "unknown")
    if a.birth_date and b.birth_date:
        if a.birth_date == b.birth_date:
            return FieldEvidence(1.0, "same_date")
        da, db = a.birth_date, b.birth_date
        if da.year == db.year and (da.month, da.day) == (db.day, db.month):
            return FieldEvidence(0.85, "day_month_swapped")
        if da.year == db.year and da.month == db.month:
            return FieldEvidence(0.75, "same_month")
    gap = abs(a.birth_year - b.birth_year)
    estimated = a.age_estimated or b.age_estimated
    if gap == 0:
        return FieldEvidence(0.7 if estimated else 0.6, "same_year")
    if gap == 1 and estimated:
        return FieldEvidence(0.55, "within_a_year_estimated")
    if gap == 1:
        return FieldEvidence(0.2, "one_year_apart")
    return FieldEvidence(0.0, "different")


def head_similarity(a: Person, b: Person) -> FieldEvidence:
    if not a.household_head.strip() or not b.household_head.strip():
        return FieldEvidence(0.5, "unknown")
    score, label = name_similarity(a.head, b.head)
    return FieldEvidence(score, label)


def location_similarity(a: Person, b: Person) -> FieldEvidence:
    if not a.area_path or not b.area_path:
        return FieldEvidence(0.5, "unknown")
    if a.area_path[-1] == b.area_path[-1]:
        return FieldEvidence(1.0, "same_area")
    if len(a.area_path) > 1 and len(b.area_path) > 1 and a.area_path[-2] == b.area_path[-2]:
        return FieldEvidence(0.6, "same_parent_area")
    if set(a.area_path) & set(b.area_path):
        return FieldEvidence(0.3, "same_region")
    return FieldEvidence(0.0, "different")


def score_pair(a: Person, b: Person, *, gate: bool = False) -> Match:
    """Score two records. With ``gate``, a pair whose names fail ``NAME_GATE`` is returned at
    once with its name evidence only (it cannot be a candidate): the scan's fast path."""
    name_score, name_label = name_similarity(a.name, b.name)
    if gate and (name_score < NAME_GATE or a.sex != b.sex):
        lo, hi = (a, b) if a.id < b.id else (b, a)
        return Match(lo.id, hi.id, 0.0, {"name": FieldEvidence(name_score, name_label)})
    evidence = {
        "name": FieldEvidence(name_score, name_label),
        "birth": birth_similarity(a, b),
        "household_head": head_similarity(a, b),
        "location": location_similarity(a, b),
    }
    total = sum(WEIGHTS[k] * v.score for k, v in evidence.items())
    if evidence["household_head"].label == "different":
        # Two known, different household heads speak against the match more than an unknown
        # head speaks for it: namesakes in one village are common.
        total -= HEAD_PENALTY
    if a.sex != b.sex:
        total = 0.0
    lo, hi = (a, b) if a.id < b.id else (b, a)
    return Match(lo.id, hi.id, round(total, 4), evidence)


# ---------------------------------------------------------------------------------------------
# Blocking
# ---------------------------------------------------------------------------------------------


def _year_buckets(year: int | None) -> tuple[str, ...]:
    if year is None:
        return ("?",)
    return (f"a{year // 2}", f"b{(year + 1) // 2}")


def blocking_keys(p: Person) -> list[str]:
    """The keys under which ``p`` is filed; two children are compared when they share one.

    Always with the sex and a two-year birth-year bucket. The whole-name key is nationwide (a
    child registered in two districts is still found); the first-name and last-name keys are
    per district (``area_path[0]``) so that common names do not make huge blocks; the area key
    (village + initial of the household head) catches names spelled beyond recognition."""
    name = p.name
    tokens = name.tokens
    keys: list[str] = []
    whole = "|".join(sorted(consonants(t) for t in tokens)) if tokens else ""
    first = consonants(name.first.split(" ")[0]) if name.first else ""
    last = consonants(name.last.split(" ")[-1]) if name.last else ""
    district = p.area_path[0] if p.area_path else "?"
    head = normalise_name(p.household_head)[:1]
    for bucket in _year_buckets(p.birth_year):
        if whole:
            keys.append(f"n:{p.sex}:{bucket}:{whole}")
        if first:
            keys.append(f"f:{p.sex}:{bucket}:{district}:{first}")
        if last:
            keys.append(f"l:{p.sex}:{bucket}:{district}:{last}")
        if p.area_path:
            keys.append(f"a:{p.sex}:{bucket}:{p.area_path[-1]}:{head}")
    return keys


@dataclass
class ScanStats:
    records: int = 0
    blocks: int = 0
    blocks_skipped: int = 0
    pairs_compared: int = 0
    candidates: int = 0


def candidate_pairs(
    people: Sequence[Person],
    *,
    keys: Callable[[Person], Iterable[str]] = blocking_keys,
    cross_organisation_only: bool = False,
    stats: ScanStats | None = None,
) -> Iterator[tuple[int, int]]:
    """Index pairs (into ``people``) sharing at least one blocking key, each pair once."""
    stats = stats if stats is not None else ScanStats()
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, person in enumerate(people):
        for key in keys(person):
            blocks[key].append(index)
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        stats.blocks += 1
        if len(members) > MAX_BLOCK:
            stats.blocks_skipped += 1
            continue
        for i_pos, i in enumerate(members):
            org_i = people[i].organisation_id
            for j in members[i_pos + 1 :]:
                if cross_organisation_only and people[j].organisation_id == org_i:
                    continue
                pair = (i, j) if i < j else (j, i)
                if pair not in seen:
                    seen.add(pair)
                    yield pair


def find_duplicates(
    people: Sequence[Person],
    *,
    cross_organisation_only: bool = False,
    stats: ScanStats | None = None,
) -> list[Match]:
    """Every candidate pair of ``people``, best first."""
    stats = stats if stats is not None else ScanStats()
    stats.records = len(people)
    found: list[Match] = []
    for i, j in candidate_pairs(
        people, cross_organisation_only=cross_organisation_only, stats=stats
    ):
        stats.pairs_compared += 1
        match = score_pair(people[i], people[j], gate=True)
        if match.is_candidate:
            found.append(match)
    stats.candidates = len(found)
    found.sort(key=lambda m: (-m.score, m.a, m.b))
    return found


# ---------------------------------------------------------------------------------------------
# Generated noisy duplicates and their evaluation
# ---------------------------------------------------------------------------------------------

FIRST_NAMES_F = (
    "Sita Gita Laxmi Sunita Kamala Anita Sarita Pooja Maya Sabina Rina Bimala Sushila Manisha "
    "Asha Nirmala Radha Parbati Sangita Kabita Ranjana Samjhana Puja Srijana Alina Fatima Aisha "
    "Miora Hanitra Voahangy Lalao Soa Fara Noro Tiana Mialy Zainab Mariam Amina Nadia Salma"
).split()
FIRST_NAMES_M = (
    "Ram Hari Krishna Bishnu Ramesh Suresh Bikash Prakash Dipak Sanjay Nabin Rajesh Santosh "
    "Sunil Anil Gopal Bijay Dinesh Kiran Rabin Sagar Suman Mohammed Ali Hassan Omar Yusuf Ibrahim "
    "Rivo Tahina Hery Faly Njaka Toky Fetra Mamy Lova Haja Andry Naina"
).split()
LAST_NAMES = (
    "Tamang Gurung Magar Rai Limbu Thapa Shrestha Sharma Adhikari Karki Bhattarai Poudel Yadav "
    "Chaudhary Khadka Sherpa Maharjan Bista Thakur Mahato Lama Ghimire Regmi Dahal Khan Ansari "
    "Rakoto Rabe Randria Rasoa Andriamahefa Rakotomalala Razafy Rasolofo Ravelo Randrianarisoa"
).split()
# Spellings of the same name that registers really contain.
VARIANTS: dict[str, tuple[str, ...]] = {
    "laxmi": ("lakshmi", "laksmi", "luxmi"),
    "sita": ("seeta",),
    "gita": ("geeta",),
    "krishna": ("krisna", "krishn"),
    "mohammed": ("muhammad", "mohamed", "mohammad"),
    "pooja": ("puja",),
    "dipak": ("deepak",),
    "nabin": ("navin", "naveen"),
    "bishnu": ("vishnu",),
    "shrestha": ("srestha", "shresta"),
    "chaudhary": ("choudhary", "chaudhari"),
    "poudel": ("paudel", "poudyal"),
    "bhattarai": ("bhatarai",),
    "sunita": ("suneeta",),
    "yusuf": ("yousef", "yousuf"),
    "hassan": ("hasan",),
    "aisha": ("ayesha", "aicha"),
    "fatima": ("fatma",),
    "zainab": ("zeinab",),
    "rakoto": ("rakotho",),
    "randria": ("randrea",),
    "thapa": ("thappa",),
    "sherpa": ("serpa",),
    "rajesh": ("rajes",),
    "bijay": ("vijay", "bijaya"),
    "kabita": ("kavita",),
    "parbati": ("parvati",),
}
NOISE_KINDS = ("typo", "variant", "swap", "year", "head", "area")


@dataclass
class NoisyPopulation:
    people: list[Person]
    true_pairs: set[tuple[int, int]] = field(default_factory=set)


def _typo(rng: random.Random, text: str) -> str:
    letters = "abcdefghijklmnoprstuvy"
    if len(text) < 3:
        return text + rng.choice(letters)
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    if kind == 3:  # transposition of two inner letters
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == 0:  # substitution
        return text[:i] + rng.choice(letters) + text[i + 1 :]
    if kind == 1:  # deletion
        return text[:i] + text[i + 1 :]
    return text[:i] + rng.choice(letters) + text[i:]  # insertion


def _variant(rng: random.Random, name: str) -> str:
    options = VARIANTS.get(name.lower())
    if not options:
        return _typo(rng, name)
    return rng.choice(options).capitalize()


def noisy_population(
    size: int,
    *,
    duplicate_share: float = 0.2,
    organisations: int = 5,
    areas: int | None = None,
    seed: int = 8_7,
    start_id: int = 1,
) -> NoisyPopulation:
    """``size`` children of whom about ``duplicate_share`` are registered again by another
    organisation with one or two kinds of noise (typo, transliteration variant, swapped
    first/last name, birth year ±1 with the age estimated, household head spelled differently,
    neighbouring area). Siblings (same household head, area and surname, other first name, close
    ages) are generated as hard non-duplicates. ``true_pairs`` holds the ids of real duplicates."""
    rng = random.Random(seed)
    people: list[Person] = []
    truth: set[tuple[int, int]] = set()
    next_id = start_id
    households: list[tuple[str, tuple[str, ...], str]] = []
    areas = areas if areas is not None else max(size // 40, 10)
    while len(people) < size:
        # A household: head, area, surname; one to three children.
        surname = rng.choice(LAST_NAMES)
        head = f"{rng.choice(FIRST_NAMES_M)} {surname}"
        district = f"D{rng.randrange(max(areas // 10, 1)):03d}"
        area = (district, f"{district}-{rng.randrange(10):02d}")
        households.append((head, area, surname))
        org = rng.randrange(organisations)
        used: set[str] = set()
        for _child in range(rng.choice((1, 1, 2, 3))):
            if len(people) >= size:
                break
            sex = rng.choice("FM")
            pool = FIRST_NAMES_F if sex == "F" else FIRST_NAMES_M
            first = rng.choice([n for n in pool if n not in used])
            used.add(first)
            year = rng.randrange(2008, 2021)
            estimated = rng.random() < 0.4
            born = None if estimated else date(year, rng.randrange(1, 13), rng.randrange(1, 29))
            person = Person(
                id=next_id,
                organisation_id=org,
                first_name=first,
                last_name=surname,
                sex=sex,
                birth_year=year,
                birth_date=born,
                age_estimated=estimated,
                household_head=head,
                area_path=area,
            )
            next_id += 1
            people.append(person)
            if rng.random() < duplicate_share and len(people) < size:
                dup = _noisy_copy(rng, person, next_id, organisations)
                next_id += 1
                people.append(dup)
                truth.add((person.id, dup.id))
    rng.shuffle(people)
    return NoisyPopulation(people, truth)


def _noisy_copy(rng: random.Random, p: Person, new_id: int, organisations: int) -> Person:
    first, last = p.first_name, p.last_name
    head = p.household_head
    year, born, estimated = p.birth_year, p.birth_date, p.age_estimated
    area = p.area_path
    for kind in rng.sample(NOISE_KINDS, rng.choice((1, 1, 2))):
        if kind == "typo":
            if rng.random() < 0.5:
                first = _typo(rng, first)
            else:
                last = _typo(rng, last)
        elif kind == "variant":
            first, last = (
                _variant(rng, first),
                (_variant(rng, last) if last.lower() in VARIANTS else last),
            )
        elif kind == "swap":
            first, last = last, first
        elif kind == "year" and year is not None:
            year = year + rng.choice((-1, 1))
            born, estimated = None, True
        elif kind == "head":
            head_first, _, head_last = head.partition(" ")
            head = f"{_variant(rng, head_first)} {head_last}"
        elif kind == "area":
            area = (area[0], f"{area[0]}-{rng.randrange(10):02d}")
    other = (p.organisation_id + rng.randrange(1, max(organisations, 2))) % max(organisations, 2)
    return Person(
        id=new_id,
        organisation_id=other,
        first_name=first,
        last_name=last,
        sex=p.sex,
        birth_year=year,
        birth_date=born,
        age_estimated=estimated,
        household_head=head,
        area_path=area,
    )


@dataclass(frozen=True)
class Evaluation:
    true_pairs: int
    found: int
    true_positives: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0


def evaluate(matches: Iterable[Match], truth: set[tuple[int, int]]) -> Evaluation:
    found = {(m.a, m.b) for m in matches}
    normalised = {(min(a, b), max(a, b)) for a, b in truth}
    return Evaluation(len(normalised), len(found), len(found & normalised))


# ---------------------------------------------------------------------------------------------
# In the database: scan a country, the coordinator's candidate list, partner flags, merge
# ---------------------------------------------------------------------------------------------

SCAN_FIELDS = (
    "pk",
    "organisation_id",
    "first_name",
    "other_names",
    "last_name",
    "sex",
    "birth_year",
    "date_of_birth",
    "dob_estimated",
    "household__head_name",
    "area__parent__code",
    "area__code",
    "phonetic_fp",
)


def person_from_row(row: Sequence[object]) -> Person:
    """A Person from a ``values_list(*SCAN_FIELDS)`` row (names already decrypted by the
    encrypted fields' converters)."""
    (pk, org, first, other, last, sex, year, born, estimated, head, parent, area, _fp) = row
    area_path = tuple(str(c) for c in (parent, area) if c)
    return Person(
        id=int(pk),  # type: ignore[call-overload]
        organisation_id=int(org),  # type: ignore[call-overload]
        first_name=" ".join(str(p) for p in (first, other) if p),
        last_name=str(last or ""),
        sex=str(sex),
        birth_year=int(year) if year is not None else None,  # type: ignore[call-overload]
        birth_date=None if estimated else born,  # type: ignore[arg-type]
        age_estimated=bool(estimated),
        household_head=str(head or ""),
        area_path=area_path,
    )


def person_of(child: Child) -> Person:
    """A Person from a Child loaded with household, area and area parent."""
    area = child.area
    codes = (area.parent.code if area and area.parent else None, area.code if area else None)
    return Person(
        id=child.pk,
        organisation_id=child.organisation_id,
        first_name=" ".join(p for p in (child.first_name, child.other_names) if p),
        last_name=child.last_name or "",
        sex=child.sex,
        birth_year=child.birth_year,
        birth_date=None if child.dob_estimated else child.date_of_birth,
        age_estimated=child.dob_estimated,
        household_head=(child.household.head_name if child.household else "") or "",
        area_path=tuple(c for c in codes if c),
    )


@dataclass
class ScanResult:
    stats: ScanStats
    created: int = 0
    updated: int = 0
    kept_resolved: int = 0


def _keys_with_blind_index(fingerprints: dict[int, str]) -> Callable[[Person], list[str]]:
    def keys(p: Person) -> list[str]:
        out = blocking_keys(p)
        fp = fingerprints.get(p.id)
        if fp:
            # The lead's blind index of the sorted phonetic codes of the name (never decrypted).
            out.append(f"p:{p.sex}:{fp}")
        return out

    return keys


def scan_people(
    people: Sequence[Person],
    *,
    fingerprints: dict[int, str] | None = None,
    cross_organisation_only: bool = False,
    stats: ScanStats | None = None,
) -> list[Match]:
    """``find_duplicates`` with the stored phonetic blind index as one more blocking key."""
    stats = stats if stats is not None else ScanStats()
    stats.records = len(people)
    found: list[Match] = []
    pairs = candidate_pairs(
        people,
        keys=_keys_with_blind_index(fingerprints or {}),
        cross_organisation_only=cross_organisation_only,
        stats=stats,
    )
    for i, j in pairs:
        stats.pairs_compared += 1
        match = score_pair(people[i], people[j], gate=True)
        if match.is_candidate:
            found.append(match)
    stats.candidates = len(found)
    found.sort(key=lambda m: (-m.score, m.a, m.b))
    return found


def load_people(country_id: str) -> tuple[list[Person], dict[int, str]]:
    from synergy.monitoring.models import Child

    people: list[Person] = []
    fingerprints: dict[int, str] = {}
    rows = (
        Child.objects.filter(country_id=country_id, merged_into__isnull=True)
        .values_list(*SCAN_FIELDS)
        .order_by("pk")
        .iterator(chunk_size=5000)
    )
    for row in rows:
        person = person_from_row(row)
        people.append(person)
        fingerprints[person.id] = str(row[-1] or "")
    return people, fingerprints


def dedup_scan(*, actor: User | None, country: Country) -> ScanResult:
    """Score every child of ``country`` against the others and file each candidate pair as a
    PossibleDuplicate (``match`` "scored"; the newer record is ``child``). Pairs a coordinator
    already dismissed or merged keep their decision; open ones get the new score.

    Only coordinators of the country and system administrators run it. Names are decrypted in
    this process only; nothing personal is logged or stored beyond the pair and its score."""
    from synergy.monitoring.models import DuplicateStatus, PossibleDuplicate

    _require_country_coordinator(actor, country.pk)
    stats = ScanStats()
    people, fingerprints = load_people(country.pk)
    matches = scan_people(people, fingerprints=fingerprints, stats=stats)
    by_id = {p.id: p for p in people}
    result = ScanResult(stats)
    with transaction.atomic():
        existing: dict[tuple[int, int], tuple[int, str, float]] = {}
        for pk, child_id, candidate_id, status, score in PossibleDuplicate.objects.filter(
            child__country_id=country.pk
        ).values_list("pk", "child_id", "candidate_id", "status", "score"):
            existing[(min(child_id, candidate_id), max(child_id, candidate_id))] = (
                pk,
                status,
                score,
            )
        new: list[PossibleDuplicate] = []
        for m in matches:
            known = existing.get((m.a, m.b))
            if known is None:
                new.append(
                    PossibleDuplicate(
                        child_id=m.b,
                        candidate_id=m.a,
                        match="scored",
                        score=m.score,
                        cross_organisation=by_id[m.a].organisation_id != by_id[m.b].organisation_id,
                    )
                )
            elif known[1] == DuplicateStatus.OPEN:
                if abs(known[2] - m.score) > 1e-6:
                    PossibleDuplicate.objects.filter(pk=known[0]).update(score=m.score)
                    result.updated += 1
            else:
                result.kept_resolved += 1
        PossibleDuplicate.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
        result.created = len(new)
        audit_record(
            actor=actor,
            action="dedup_scan",
            object_type="core.country",
            object_id=country.pk,
            detail={
                "records": stats.records,
                "pairs_compared": stats.pairs_compared,
                "candidates": stats.candidates,
                "created": result.created,
                "blocks_skipped": stats.blocks_skipped,
            },
        )
    return result


@task()
def dedup_scan_task(country_id: str, actor_id: int | None) -> dict[str, int]:
    """Background scan of one country (the page enqueues it; tests run it at once)."""
    from synergy.core.models import Country, User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    result = dedup_scan(actor=actor, country=Country.objects.get(pk=country_id))
    return {
        "records": result.stats.records,
        "pairs_compared": result.stats.pairs_compared,
        "candidates": result.stats.candidates,
        "created": result.created,
    }


def _require_country_coordinator(actor: User | None, country_id: str) -> None:
    if actor is None:  # the command line and the benchmark run as the system
        return
    if not (roles.is_system_admin(actor) or country_id in roles.coordinated_country_ids(actor)):
        raise PermissionDenied("Only the country's coordinators review duplicates")


def reviewer_country_ids(user: User) -> set[str] | None:
    """Countries whose cross-organisation duplicates the user reviews; None = all (admin)."""
    if roles.is_system_admin(user):
        return None
    return roles.coordinated_country_ids(user)


@dataclass(frozen=True)
class CandidateRow:
    """One pair on the coordinator's list: both records (the coordinator may read both) and
    the evidence per field."""

    flag: PossibleDuplicate
    older: Child
    newer: Child
    match: Match


def candidate_queryset(user: User) -> QuerySet[PossibleDuplicate]:
    """Open pairs in the countries the user coordinates (both records in scope), best first."""
    from synergy.monitoring.models import DuplicateStatus, PossibleDuplicate

    qs = PossibleDuplicate.objects.filter(
        status=DuplicateStatus.OPEN,
        child__merged_into__isnull=True,
        candidate__merged_into__isnull=True,
    )
    countries = reviewer_country_ids(user)
    if countries is not None:
        qs = qs.filter(child__country_id__in=countries, candidate__country_id__in=countries)
    related = (
        "organisation",
        "household",
        "area",
        "area__parent",
    )
    return qs.select_related(
        *(f"child__{r}" for r in related), *(f"candidate__{r}" for r in related)
    ).order_by("-score", "-pk")


def candidate_rows(*, actor: User, flags: Iterable[PossibleDuplicate]) -> list[CandidateRow]:
    """Score each pair again (decrypting both records in this process) for its evidence, and
    audit that the reviewer saw both records - one bulk insert, whatever the page size."""
    from synergy.core.context import current_ip
    from synergy.core.models import AuditEvent

    rows: list[CandidateRow] = []
    events: list[AuditEvent] = []
    ip = current_ip.get()
    for flag in flags:
        older, newer = flag.candidate, flag.child
        match = score_pair(person_of(older), person_of(newer))
        rows.append(CandidateRow(flag, older, newer, match))
        for child in (older, newer):
            events.append(
                AuditEvent(
                    actor=actor,
                    action="view",
                    object_type="monitoring.child",
                    object_id=str(child.pk),
                    organisation_id=child.organisation_id,
                    ip=ip,
                    detail={"what": "duplicate_review", "flag": flag.pk},
                )
            )
    AuditEvent.objects.bulk_create(events)
    return rows


def flagged_own_children(user: User) -> QuerySet[Child]:
    """The user's own organisations' children that have an open possible duplicate at another
    organisation. Only these children are returned: nothing of the other record."""
    from synergy.monitoring.models import Child, DuplicateStatus, PossibleDuplicate
    from synergy.monitoring.selectors import record_organisation_ids

    orgs = record_organisation_ids(user)
    open_cross = PossibleDuplicate.objects.filter(
        status=DuplicateStatus.OPEN, cross_organisation=True
    )
    return (
        Child.objects.filter(organisation_id__in=orgs, merged_into__isnull=True)
        .filter(
            Q(pk__in=open_cross.values("child_id")) | Q(pk__in=open_cross.values("candidate_id"))
        )
        .select_related("organisation", "area")
        .order_by("-created_at", "-pk")
    )


def has_duplicate_elsewhere(child: Child) -> bool:
    """Whether an open possible duplicate of ``child`` exists at another organisation (never
    which one)."""
    from synergy.monitoring.models import DuplicateStatus, PossibleDuplicate

    return PossibleDuplicate.objects.filter(
        Q(child=child) | Q(candidate=child),
        status=DuplicateStatus.OPEN,
        cross_organisation=True,
    ).exists()


@dataclass(frozen=True)
class MergeSummary:
    survivor: Child
    merged: Child
    moved: dict[str, int]


@transaction.atomic
def duplicate_merge(*, actor: User, flag: PossibleDuplicate, survivor_id: int) -> MergeSummary:
    """Merge the two records of ``flag`` into the one with pk ``survivor_id``.

    Calls ``services.child_merge`` (permission: a coordinator across organisations; enrolments
    moved where missing; ONE outcome per project kept; both records audited; the duplicate
    hidden via ``merged_into``), then moves the duplicate's visits and referrals to the
    survivor, so the survivor carries the child's whole history (each visit and referral keeps
    the organisation that made it). The trail: the flag turns "merged", and a "merge_history"
    audit event on each record holds the numbers moved (no personal data)."""
    from synergy.monitoring import services
    from synergy.monitoring.models import Child, Outcome, ProjectEnrolment, Referral, Visit

    ids = {flag.child_id, flag.candidate_id}
    if survivor_id not in ids:
        raise ValidationError(_("Choose one of the two records to keep."))
    (other_id,) = ids - {survivor_id}
    locked = {
        c.pk: c
        for c in Child.objects.select_for_update().select_related("organisation").filter(pk__in=ids)
    }
    survivor, merged = locked[survivor_id], locked[other_id]
    if survivor.merged_into_id or merged.merged_into_id:
        raise ValidationError(_("One of these records was already merged."))
    enrolments_before = ProjectEnrolment.objects.filter(child=merged).count()
    outcomes_before = Outcome.objects.filter(child__in=[survivor, merged]).count()
    services.child_merge(actor=actor, survivor=survivor, duplicate=merged)
    moved = {
        "visits": Visit.objects.filter(child=merged).update(child=survivor),
        "referrals": Referral.objects.filter(child=merged).update(child=survivor),
        "enrolments": enrolments_before - ProjectEnrolment.objects.filter(child=merged).count(),
        "outcomes_dropped": outcomes_before - Outcome.objects.filter(child=survivor).count(),
    }
    for child in (survivor, merged):
        audit_record(
            actor=actor,
            action="merge_history",
            obj=child,
            object_type="monitoring.child",
            organisation=child.organisation,
            detail={"survivor": survivor.pk, "merged": merged.pk, "flag": flag.pk, **moved},
        )
    return MergeSummary(survivor, merged, moved)
