"""Reading a good-practice publication (Markdown, as IPEC's South-South brochures convert).

The structure such a publication really has, and which this parser expects:
- introduction and overview articles first (headings and prose with no practice sections);
- region headings ("Africa", "Asia and the Pacific", …) at any level, sometimes in bold;
- one heading per case, at any level, followed by some of the six sections (Background,
  Action, Achievements/Accomplishments/Results, Sustainability, Lessons learned, Necessary
  conditions) whose headings are at inconsistent levels, sometimes bold, sometimes only a
  bold line ("**Background**");
- country sub-headings inside a section ("### Angola" under "## Action"), which stay text.

A heading starts a case when the next heading is a section at the same or a deeper level.
Nothing is invented: a case gets only the sections it has. Pure functions, no database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import pycountry

from synergy.core.countries import user_assigned_names
from synergy.core.models import IloRegion

SECTION_NAMES: dict[str, str] = {
    "background": "background",
    "context": "background",
    "action": "action",
    "actions": "action",
    "activities": "action",
    "achievements": "achievements",
    "accomplishments": "achievements",
    "achievements accomplishments": "achievements",
    "achievements and accomplishments": "achievements",
    "results": "achievements",
    "achievements results": "achievements",
    "sustainability": "sustainability",
    "lessons learned": "lessons_learned",
    "lessons learnt": "lessons_learned",
    "lesson learned": "lessons_learned",
    "lessons": "lessons_learned",
    "necessary conditions": "necessary_conditions",
    "conditions": "necessary_conditions",
}

REGION_NAMES: dict[str, str] = {
    "africa": IloRegion.AFRICA,
    "asia and the pacific": IloRegion.ASIA_PACIFIC,
    "asia pacific": IloRegion.ASIA_PACIFIC,
    "asia": IloRegion.ASIA_PACIFIC,
    "europe and central asia": IloRegion.EUROPE_CENTRAL_ASIA,
    "europe": IloRegion.EUROPE_CENTRAL_ASIA,
    "latin america": IloRegion.AMERICAS,
    "latin america and the caribbean": IloRegion.AMERICAS,
    "americas": IloRegion.AMERICAS,
    "the americas": IloRegion.AMERICAS,
    "arab states": IloRegion.ARAB_STATES,
}

# Names pycountry's exact lookup misses, and adjectives the text uses instead of the name.
COUNTRY_ALIASES: dict[str, str] = {
    "cape verde": "CV",
    "guinea bissau": "GW",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "laos": "LA",
    "lao pdr": "LA",
    "vietnam": "VN",
    "viet nam": "VN",
    "burma": "MM",
    "east timor": "TL",
    "swaziland": "SZ",
    "the gambia": "GM",
    "us": "US",
    "usa": "US",
    "united states": "US",
    "russia": "RU",
    "tanzania": "TZ",
    "turkey": "TR",
}
DEMONYMS: dict[str, str] = {
    "albanian": "AL",
    "angolan": "AO",
    "argentine": "AR",
    "argentinian": "AR",
    "bangladeshi": "BD",
    "bolivian": "BO",
    "brazilian": "BR",
    "cambodian": "KH",
    "chilean": "CL",
    "chinese": "CN",
    "colombian": "CO",
    "costa rican": "CR",
    "dominican": "DO",
    "ecuadorian": "EC",
    "egyptian": "EG",
    "ethiopian": "ET",
    "ghanaian": "GH",
    "guatemalan": "GT",
    "honduran": "HN",
    "indian": "IN",
    "indonesian": "ID",
    "ivorian": "CI",
    "jordanian": "JO",
    "kenyan": "KE",
    "kyrgyz": "KG",
    "lebanese": "LB",
    "malagasy": "MG",
    "malian": "ML",
    "mexican": "MX",
    "moldovan": "MD",
    "mongolian": "MN",
    "moroccan": "MA",
    "mozambican": "MZ",
    "nepalese": "NP",
    "nepali": "NP",
    "nicaraguan": "NI",
    "nigerian": "NG",
    "pakistani": "PK",
    "panamanian": "PA",
    "paraguayan": "PY",
    "peruvian": "PE",
    "philippine": "PH",
    "filipino": "PH",
    "romanian": "RO",
    "salvadoran": "SV",
    "senegalese": "SN",
    "tajik": "TJ",
    "tanzanian": "TZ",
    "thai": "TH",
    "timorese": "TL",
    "ugandan": "UG",
    "ukrainian": "UA",
    "uruguayan": "UY",
    "venezuelan": "VE",
    "vietnamese": "VN",
    "zambian": "ZM",
    "zimbabwean": "ZW",
}

# Which of the default themes (migration 0002) a case title points to.
THEME_KEYWORDS: tuple[tuple[str, str], ...] = (
    (r"monitoring system|\bCLMS\b", "child-labour-monitoring"),
    (r"\bCCT\b|cash transfer", "conditional-cash-transfers"),
    (r"\bSCREAM\b", "scream-education"),
    (r"labour inspection", "labour-inspection"),
    (r"trade union", "trade-union-policy"),
    (r"hazardous", "hazardous-work-lists"),
    (r"tripartite", "tripartite-commissions"),
    (r"road ?maps?|action plan", "national-action-plans"),
    (r"free zones?", "child-labour-free-zones"),
    (r"youth employment", "youth-employment"),
    (r"trafficking|\bCSEC\b|sexual exploitation", "trafficking-csec"),
    (r"coordination mechanism", "institutional-coordination"),
)

HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
BOLD_LINE_RE = re.compile(r"^\s*(\*\*|__)(?P<text>[^*_].{0,150}?)\1\s*:?\s*$")
FOOTER_RE = re.compile(r"^\s*(Copyright\s*(©|\(c\))|ISBN\b)", re.IGNORECASE)
PSEUDO_LEVEL = 7


def normalise(text: str) -> str:
    """Lower case, no accents, no bold markers or punctuation, single spaces."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[*_`]", "", text).lower()
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    return " ".join(text.split())


def strip_markup(text: str) -> str:
    return re.sub(r"(\*\*|__)(.+?)\1", r"\2", text).replace("**", "").strip()


def section_of(text: str) -> str | None:
    return SECTION_NAMES.get(normalise(text))


def region_of(text: str) -> str | None:
    return REGION_NAMES.get(normalise(text))


@dataclass
class ParsedCase:
    title: str
    region: str  # an IloRegion value, or "" before any region heading
    sections: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    # (iso2, role) with role in CountryRole values; a country may appear with two roles.
    countries: list[tuple[str, str]] = field(default_factory=list)
    unresolved_countries: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)


@dataclass
class ParsedPublication:
    title: str
    cases: list[ParsedCase]


@dataclass
class _Line:
    heading_level: int | None  # None for text; 1-6 for Markdown headings, 7 for a bold line
    text: str


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    for raw in text.splitlines():
        if FOOTER_RE.match(raw):
            break  # the colophon ends the publication
        match = HEADING_RE.match(raw)
        if match:
            out.append(_Line(len(match.group(1)), strip_markup(match.group(2))))
            continue
        bold = BOLD_LINE_RE.match(raw)
        if bold:
            out.append(_Line(PSEUDO_LEVEL, strip_markup(bold.group("text"))))
            continue
        out.append(_Line(None, raw.rstrip()))
    return out


def _join_paragraphs(lines: Iterable[str]) -> str:
    """Blank-line separated paragraphs; a paragraph cut by a page break (ending without
    punctuation, next one starting in lower case) is mended."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        stripped = strip_markup(line) if line.strip() else ""
        if not stripped:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if stripped.startswith(("- ", "* ", "• ")):
            if current:
                paragraphs.append(" ".join(current))
                current = []
            paragraphs.append("- " + stripped[2:].strip())
            continue
        current.append(stripped)
    merged: list[str] = []
    for paragraph in paragraphs:
        if (
            merged
            and not merged[-1].startswith("- ")
            and not re.search(r"[.:;!?\"”)]$", merged[-1])
            and (paragraph[:1].islower() or paragraph[:1].isdigit())
        ):
            merged[-1] = f"{merged[-1]} {paragraph}"
        else:
            merged.append(paragraph)
    out = ""
    for i, paragraph in enumerate(merged):
        if i:
            both_bullets = paragraph.startswith("- ") and merged[i - 1].startswith("- ")
            out += "\n" if both_bullets else "\n\n"
        out += paragraph
    return out


def parse_publication(text: str) -> ParsedPublication:
    """Split a publication into its cases. See the module docstring for the rules."""
    lines = _lines(text)
    heading_idx = [i for i, line in enumerate(lines) if line.heading_level is not None]
    next_heading: dict[int, _Line | None] = {}
    for pos, i in enumerate(heading_idx):
        nxt = heading_idx[pos + 1] if pos + 1 < len(heading_idx) else None
        next_heading[i] = lines[nxt] if nxt is not None else None

    publication_title = ""
    region = ""
    cases: list[tuple[ParsedCase, dict[str, list[str]], list[str]]] = []
    case: ParsedCase | None = None
    case_level = 0
    buffers: dict[str, list[str]] = {}
    summary: list[str] = []
    current: list[str] | None = None  # where text goes now

    for i, line in enumerate(lines):
        level = line.heading_level
        if level is None:
            if current is not None:
                current.append(line.text)
            continue
        if level < PSEUDO_LEVEL and not publication_title:
            publication_title = line.text
        if (found_region := region_of(line.text)) is not None:
            region, case, current = found_region, None, None
            continue
        field_name = section_of(line.text)
        if field_name is not None:
            if case is not None:
                current = buffers.setdefault(field_name, [])
                if current:
                    current.append("")
            continue
        following = next_heading[i]
        starts_case = (
            following is not None
            and following.heading_level is not None
            and section_of(following.text) is not None
            and following.heading_level >= level
        )
        if starts_case:
            case = ParsedCase(title=line.text, region=region)
            case_level = level
            buffers, summary = {}, []
            cases.append((case, buffers, summary))
            current = summary
        elif case is not None and level > case_level:
            # A sub-heading inside a section ("Angola" under "Action") stays as text.
            if current is not None:
                current.extend(["", line.text, ""])
        else:
            case, current = None, None  # an article that is not a case

    parsed: list[ParsedCase] = []
    for case, buffers, summary in cases:
        case.sections = {
            name: joined for name, body in buffers.items() if (joined := _join_paragraphs(body))
        }
        case.summary = _join_paragraphs(summary)
        body = "\n\n".join([case.summary, *case.sections.values()])
        case.countries, case.unresolved_countries = find_countries(case.title, body)
        case.themes = [
            slug for pattern, slug in THEME_KEYWORDS if re.search(pattern, case.title, re.I)
        ]
        parsed.append(case)
    return ParsedPublication(title=publication_title, cases=parsed)


# --- countries -----------------------------------------------------------------------------


def country_code(name: str) -> str | None:
    """ISO alpha-2 code of a country name (XK for Kosovo, a user-assigned code in common use),
    or None (regions, organisations…)."""
    key = normalise(name)
    if not key:
        return None
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    for known, code in user_assigned_names().items():
        if normalise(known) == key:
            return code
    try:
        return str(pycountry.countries.lookup(name.strip()).alpha_2)
    except LookupError:
        pass
    try:
        matches = pycountry.countries.search_fuzzy(name.strip())
    except LookupError:
        return None
    # Fuzzy search also matches subdivisions and word parts ("Central America" → Central
    # African Republic); accept only a match whose name contains the whole query.
    for match in matches[:1]:
        names = [getattr(match, attr, "") for attr in ("name", "common_name", "official_name")]
        if any(key in normalise(n) for n in names if n):
            return str(match.alpha_2)
    return None


def _title_countries(title: str) -> tuple[list[str], list[str]]:
    head = title.split(":", 1)[0] if ":" in title else title
    codes: list[str] = []
    unresolved: list[str] = []
    for part in re.split(r",|\band\b|&", head):
        part = part.strip()
        if not part:
            continue
        code = country_code(part)
        if code and code not in codes:
            codes.append(code)
        elif (
            not code
            and part[:1].isupper()
            and len(part.split()) <= 3
            and not re.search(r"region|america|africa|asia|europe|countries", part, re.I)
        ):
            unresolved.append(part)  # a name no code list knows: reported, not guessed
    return codes, unresolved


def _name_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                index[normalise(value)] = country.alpha_2
    index.update(COUNTRY_ALIASES)
    index.pop("us", None)  # the pronoun
    return index


_NAMES = _name_index()
_MENTION_RE = re.compile(
    r"\b("
    + "|".join(
        re.escape(n) for n in sorted([*_NAMES, *DEMONYMS], key=len, reverse=True) if len(n) > 3
    )
    + r")\b",
    re.IGNORECASE,
)

_SHARE_BEFORE = re.compile(
    r"(?:\b(?:study tours?|visits?|exchange visit|mission|trip)\s+to\s+(?:the\s+)?"
    r"|\bvisit(?:ed|ing)?\s+(?:the\s+)?"
    r"|\bvisit(?:ed|ing)?\b[^.;]{0,80}\bin\s+[^.;()]{0,40}\(\s*"
    r"|\blearn(?:ed|ing|t)?\s+(?:about|from)\s+(?:the\s+)?"
    r"(?:(?:experiences?|successes|achievements)\s+(?:of|from|in)\s+(?:the\s+)?)?"
    r"|\b(?:experiences?|expertise|assistance|support|examples?|success(?:es)?)\s+"
    r"(?:of|from|in)\s+(?:the\s+)?"
    r"|\bcountr(?:y|ies),?\s+(?:such as|like)\s+)$",
    re.IGNORECASE,
)
_SHARE_AFTER = re.compile(
    r"^(?:\s+(?:\w+\s+){0,2}(?:shared|presented|offered)\b"
    r"|\s+(?:was|is|could be)\s+[^.;]{0,40}\b(?:country to visit|host country)"
    r"|\s+(?:experiences?|expertise|model)\b)",
    re.IGNORECASE,
)
_LEARN_BEFORE = re.compile(
    r"(?:\b(?:replicat\w*|adopt\w*)\s+(?:it\s+)?in\s+"
    r"|\b(?:advis\w+|assistance|support)\s+to\s+(?:the\s+)?"
    r"|\bshared with\s+[^.;]{0,40}\(\s*)$",
    re.IGNORECASE,
)
_LEARN_AFTER = re.compile(r"^\s+(?:\w+\s+){0,2}(?:had the opportunity to\s+)?learn", re.IGNORECASE)
_LIST_GAP = re.compile(r"^(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+)$", re.IGNORECASE)


def _in_list(gap: str, after: str) -> bool:
    """Whether a mention continues a list of countries: "X and Y", "X, Y and Z" (but not
    "from X, Y established…", where Y starts a new clause)."""
    if not _LIST_GAP.match(gap):
        return False
    return "and" in gap.lower() or bool(re.match(r"^\s*(,|and\b)", after, re.IGNORECASE))


def _code_for_mention(word: str) -> str | None:
    key = normalise(word)
    return DEMONYMS.get(key) or _NAMES.get(key)


def find_countries(title: str, body: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Countries of a case with their role.

    The countries in the title took part. Where a sentence says that a country was visited,
    presented or shared its experience, or was learned from, it shared the practice; the
    other countries in that sentence, or one that "learned" or asked to replicate, learned
    from it. A title naming no country (a sub-region) takes every country the text names.
    A country with no sharing or learning role is listed as having taken part.
    """
    title_codes, unresolved = _title_countries(title)
    shared: list[str] = []
    learned: list[str] = []
    mentioned: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", body.replace("\n", " ")):
        mentions = [
            (m.start(), m.end(), code)
            for m in _MENTION_RE.finditer(sentence)
            if (code := _code_for_mention(m.group(1)))
        ]
        sentence_shared: list[str] = []
        sentence_learned: list[str] = []
        previous_role: str | None = None
        previous_end = -1
        for start, end, code in mentions:
            if code not in mentioned:
                mentioned.append(code)
            before, after = sentence[:start], sentence[end:]
            role: str | None = None
            if _SHARE_BEFORE.search(before) or _SHARE_AFTER.match(after):
                role = "shared"
            elif _LEARN_BEFORE.search(before) or _LEARN_AFTER.match(after):
                role = "learned"
            elif previous_role and _in_list(sentence[previous_end:start], after):
                role = previous_role  # "… shared with Kyrgyzstan and Tajikistan"
            if role == "shared":
                sentence_shared.append(code)
            elif role == "learned":
                sentence_learned.append(code)
            previous_role, previous_end = role, end
        if sentence_shared:
            sentence_learned += [c for _s, _e, c in mentions if c not in sentence_shared]
        shared += [c for c in sentence_shared if c not in shared]
        learned += [c for c in sentence_learned if c not in learned and c not in sentence_shared]
    # A country seen as sharing somewhere and learning elsewhere keeps both roles, unless it
    # learned only as a bystander in someone else's sentence: sharing wins then.
    learned = [c for c in learned if c not in shared or c in title_codes]
    learned = [c for c in learned if not (c in shared and _only_bystander(c, body))]
    base = title_codes if title_codes else mentioned
    result: list[tuple[str, str]] = []
    for code in [*base, *[c for c in shared + learned if c not in base]]:
        roles = [r for r, codes in (("shared", shared), ("learned", learned)) if code in codes]
        for role in roles or ["participated"]:
            result.append((code, role))
    return result, unresolved


def _only_bystander(code: str, body: str) -> bool:
    """True when no sentence says in so many words that this country learned."""
    for sentence in re.split(r"(?<=[.!?])\s+", body.replace("\n", " ")):
        for m in _MENTION_RE.finditer(sentence):
            if _code_for_mention(m.group(1)) == code and (
                _LEARN_BEFORE.search(sentence[: m.start()])
                or _LEARN_AFTER.match(sentence[m.end() :])
            ):
                return False
    return True
