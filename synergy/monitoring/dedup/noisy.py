"""Generated children with known noisy duplicates, and precision and recall against them."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from synergy.monitoring.dedup.scoring import Match, Person

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
