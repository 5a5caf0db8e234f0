"""Blocking: the keys that decide which pairs are compared at all."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from synergy.monitoring.dedup.names import consonants, normalise_name
from synergy.monitoring.dedup.scoring import MAX_BLOCK, Match, Person, score_pair


def year_buckets(year: int | None) -> tuple[str, ...]:
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
    for bucket in year_buckets(p.birth_year):
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
