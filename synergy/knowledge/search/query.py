"""Turning what a person typed into a backend query, and a backend's marked-up excerpt into
safe HTML. Pure Python, no database.

Query syntax (the same as PostgreSQL's ``websearch_to_tsquery``, so both backends read a query
alike): words are ANDed; ``"a phrase"``; ``or`` between two words or phrases; ``-word``
excludes. Anything else is punctuation and ignored, so no input can be a syntax error.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Private-use characters that backends put around matched words; never in real text, and
# they survive HTML escaping unchanged so that <mark> can replace them afterwards.
MARK_START = "\ue000"
MARK_END = "\ue001"

_TOKEN = re.compile(r'"[^"]*"?|-?[^\s"]+')
_WORD = re.compile(r"\w+", re.UNICODE)

# Light, language-neutral suffix stripping for SQLite (no stemmer there): a query word is cut to
# a stem and searched as a prefix, so "enfants" finds "enfant", "practices" finds "practice",
# "educação" finds "education". The longest suffix whose removal leaves 4+ letters is cut.
_SUFFIXES = sorted(
    {
        # English
        "ations",
        "ation",
        "ities",
        "ity",
        "ments",
        "ment",
        "ings",
        "ing",
        "ies",
        "ied",
        "ions",
        "ion",
        "ers",
        "er",
        "ed",
        "es",
        "s",
        "ly",
        # French
        "ements",
        "ement",
        "euses",
        "euse",
        "eurs",
        "eur",
        "ites",
        "ite",
        "ives",
        "ive",
        "ifs",
        "if",
        "aux",
        "ees",
        "ee",
        "e",
        "x",
        # Spanish and Portuguese (after accents are removed)
        "aciones",
        "acion",
        "acoes",
        "acao",
        "amientos",
        "amiento",
        "mente",
        "idades",
        "idad",
        "idade",
        "os",
        "as",
        "o",
        "a",
    },
    key=len,
    reverse=True,
)
MIN_STEM = 4

# Too common to describe a practice (similar practices); short words are dropped anyway.
STOPWORDS = frozenset(
    """about after also been before being between both could does each from have into more
    most other over same some such than that their them then there these they this those
    through under very were what when where which while with would your
    aussi avec avoir dans des elle elles entre est leur leurs mais meme pour sans ses sont
    sur tous tout toute toutes une vers etre
    como con cuando desde donde entre esta este esto estos hacer hasta para pero porque
    sobre sus tambien todo todos una unos uma umas pelo pela pelos pelas mais muito sao
    esse essa isso""".split()
)


def fold(text: str) -> str:
    """Lower case without diacritics: what FTS5's ``unicode61 remove_diacritics 2`` indexes."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    """``fold`` for one word, cached: excerpts fold every word of the page's texts and
    words repeat a lot."""
    return word.lower() if word.isascii() else fold(word)


def light_stem(word: str) -> str:
    folded = fold(word)
    for suffix in _SUFFIXES:
        if folded.endswith(suffix) and len(folded) - len(suffix) >= MIN_STEM:
            return folded[: -len(suffix)]
    return folded


@dataclass
class ParsedQuery:
    """Clauses ANDed together; each clause is alternatives ORed; each alternative a tuple of
    words (one word, or a phrase). ``excluded`` clauses are NOTed."""

    clauses: list[list[tuple[str, ...]]] = field(default_factory=list)
    excluded: list[tuple[str, ...]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.clauses)

    def words(self) -> list[str]:
        return [w for clause in self.clauses for alt in clause for w in alt]


def parse(text: str) -> ParsedQuery:
    parsed = ParsedQuery()
    pending_or = False
    for token in _TOKEN.findall(text or ""):
        negated = token.startswith("-") and len(token) > 1
        if negated:
            token = token[1:]
        is_phrase = token.startswith('"')
        words = tuple(_WORD.findall(token))
        if not words:
            continue
        if not is_phrase and len(words) == 1 and words[0].lower() == "or":
            pending_or = bool(parsed.clauses)
            continue
        alternatives: list[tuple[str, ...]] = [words] if is_phrase else [(w,) for w in words]
        if negated:
            parsed.excluded.extend(alternatives)
            pending_or = False
            continue
        # A token such as "child-labour" gives several words: ANDed like separate words.
        first, *rest = alternatives
        if pending_or:
            parsed.clauses[-1].append(first)
        else:
            parsed.clauses.append([first])
        parsed.clauses.extend([alt] for alt in rest)
        pending_or = False
    return parsed


def _fts5_alternative(words: tuple[str, ...]) -> str:
    if len(words) == 1:
        return f'"{light_stem(words[0])}"*'
    return '"' + " ".join(fold(w) for w in words) + '"'


def to_fts5(parsed: ParsedQuery) -> str:
    """An FTS5 MATCH expression: every word as a quoted stem prefix, phrases quoted."""
    if not parsed:
        return ""
    clauses = []
    for clause in parsed.clauses:
        alternatives = [_fts5_alternative(a) for a in clause]
        clauses.append(
            alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"
        )
    expression = " AND ".join(clauses)
    if parsed.excluded:
        excluded = " OR ".join(
            '"' + " ".join(fold(w) for w in alt) + '"' for alt in parsed.excluded
        )
        expression = f"({expression}) NOT ({excluded})"
    return expression


def to_websearch(parsed: ParsedQuery) -> str:
    """The query re-written in ``websearch_to_tsquery`` syntax from the parsed words only."""
    parts = []
    for clause in parsed.clauses:
        parts.append(" or ".join('"' + " ".join(alt) + '"' for alt in clause))
    parts += ['-"' + " ".join(alt) + '"' for alt in parsed.excluded]
    return " ".join(parts)


def distinctive_terms(texts: list[str], limit: int = 10) -> list[str]:
    """Words of a practice that say what it is about: 4+ letters, not a stop word, most
    frequent first (folded as the index folds them). A document-frequency weighting, when
    the backend offers one, is applied by the caller."""
    counts: Counter[str] = Counter()
    for weight, text in zip((3, 2, 1, 1, 1, 1, 1, 1), texts, strict=False):
        for word in _WORD.findall(text or ""):
            folded = fold(word)
            if len(folded) >= 4 and not folded.isdigit() and folded not in STOPWORDS:
                counts[folded] += weight
    return [w for w, _n in counts.most_common(limit)]


def markup(excerpt: str | None) -> SafeString:
    """Escape an excerpt, then turn the backend's match markers into <mark> elements."""
    if not excerpt:
        return mark_safe("")
    html = str(escape(excerpt))
    html = html.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    html += "</mark>" * (html.count("<mark>") - html.count("</mark>"))
    return mark_safe(html)  # noqa: S308 - escaped above; only our own tags added


def _matcher(parsed: ParsedQuery) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The stems a single word matches as a prefix (as ``to_fts5`` asks FTS5), and the
    phrases, folded."""
    stems = tuple(
        light_stem(alt[0]) for clause in parsed.clauses for alt in clause if len(alt) == 1
    )
    phrases = [
        tuple(fold(w) for w in alt) for clause in parsed.clauses for alt in clause if len(alt) > 1
    ]
    return stems, phrases


def excerpt(texts: list[str], parsed: ParsedQuery, words: int = 28) -> str:
    """An excerpt of the first text where the query matches, about ``words`` words around
    the densest matches, matched words between MARK_START and MARK_END (as FTS5's
    ``snippet()`` gives, computed here for the page's hits only: ``snippet()`` on a page of
    ids runs the MATCH once per id). Empty when no text matches."""
    stems, phrases = _matcher(parsed)
    needles = (*stems, *(p[0] for p in phrases))
    for text in texts:
        if not text:
            continue
        if text.isascii():  # cheap test first: most texts of a page do not match
            lowered = text.lower()
            if not any(n in lowered for n in needles):
                continue
        tokens = list(_WORD.finditer(text))
        folded = [_fold_word(t.group()) for t in tokens]
        hit = [f.startswith(stems) for f in folded] if stems else [False] * len(folded)
        for phrase in phrases:
            size = len(phrase)
            for i in range(len(folded) - size + 1):
                if tuple(folded[i : i + size]) == phrase:
                    for j in range(i, i + size):
                        hit[j] = True
        if not any(hit):
            continue
        # The window of ``words`` tokens with the most matches (the first such).
        best, best_count, count = 0, -1, 0
        for i, flag in enumerate(hit):
            count += flag
            if i >= words:
                count -= hit[i - words]
            start = max(0, i - words + 1)
            if count > best_count:
                best, best_count = start, count
        first = next(i for i in range(best, len(hit)) if hit[i])
        start = max(0, min(best, first - 3))
        end = min(len(tokens), start + words)
        out = ["…" if start else ""]
        cursor = tokens[start].start()
        for i in range(start, end):
            token = tokens[i]
            out.append(text[cursor : token.start()])
            out.append(MARK_START + token.group() + MARK_END if hit[i] else token.group())
            cursor = token.end()
        if end < len(tokens):
            out.append("…")
        else:
            out.append(text[cursor:])
        return "".join(out).strip()
    return ""
