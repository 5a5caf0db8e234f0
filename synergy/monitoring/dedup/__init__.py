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

Modules: ``names`` (normalising and comparing names), ``scoring`` (a pair's score and its
evidence), ``blocking`` (which pairs are compared), ``noisy`` (generated duplicates, precision
and recall) and ``review`` (in the database: the country scan, the coordinator's candidate
list, partner flags and the merge).
"""

from synergy.monitoring.dedup.blocking import (
    ScanStats,
    blocking_keys,
    candidate_pairs,
    find_duplicates,
)
from synergy.monitoring.dedup.names import NameParts, name_similarity, normalise_name
from synergy.monitoring.dedup.noisy import NoisyPopulation, evaluate, noisy_population
from synergy.monitoring.dedup.review import (
    SCAN_FIELDS,
    CandidateRow,
    MergeSummary,
    ScanResult,
    candidate_queryset,
    candidate_rows,
    dedup_scan,
    dedup_scan_task,
    duplicate_merge,
    flagged_own_children,
    has_duplicate_elsewhere,
    load_people,
    person_from_row,
    person_of,
    reviewer_country_ids,
    scan_people,
)
from synergy.monitoring.dedup.scoring import (
    MAX_BLOCK,
    NAME_GATE,
    THRESHOLD,
    WEIGHTS,
    FieldEvidence,
    Match,
    Person,
    score_pair,
)

__all__ = [
    "MAX_BLOCK",
    "NAME_GATE",
    "SCAN_FIELDS",
    "THRESHOLD",
    "WEIGHTS",
    "CandidateRow",
    "FieldEvidence",
    "Match",
    "MergeSummary",
    "NameParts",
    "NoisyPopulation",
    "Person",
    "ScanResult",
    "ScanStats",
    "blocking_keys",
    "candidate_pairs",
    "candidate_queryset",
    "candidate_rows",
    "dedup_scan",
    "dedup_scan_task",
    "duplicate_merge",
    "evaluate",
    "find_duplicates",
    "flagged_own_children",
    "has_duplicate_elsewhere",
    "load_people",
    "name_similarity",
    "noisy_population",
    "normalise_name",
    "person_from_row",
    "person_of",
    "reviewer_country_ids",
    "scan_people",
    "score_pair",
]
