"""A small multilingual lexicon of the field: the words for one idea in English, French,
Spanish, Portuguese and Arabic, under one concept key.

This is what lets a need written in French find a practice written in English: both texts are
read into the same concepts. Where a concept is one of the knowledge base's themes, its key is
the theme's slug (``THEME_CONCEPTS``). Terms are written folded (lower case, no accents: see
``fold``); each word of a term also matches with a short ending (plurals, feminines) and an
Arabic word with its article or a one-letter prefix.
"""

from __future__ import annotations

import functools
import re
import unicodedata

CONCEPTS: dict[str, tuple[str, ...]] = {
    "child-labour": (
        "child labour",
        "child labor",
        "working children",
        "child workers",
        "travail des enfants",
        "enfants travailleurs",
        "trabajo infantil",
        "ninos trabajadores",
        "trabalho infantil",
        "criancas trabalhadoras",
        "عمل الأطفال",
        "عمالة الأطفال",
    ),
    "child-labour-monitoring": (
        "child labour monitoring",
        "child labor monitoring",
        "monitoring system",
        "clms",
        "clmrs",
        "monitoring and remediation",
        "referral of children",
        "suivi du travail des enfants",
        "systeme de suivi",
        "surveillance du travail",
        "sstde",
        "monitoreo del trabajo infantil",
        "sistema de monitoreo",
        "seguimiento del trabajo infantil",
        "vigilancia del trabajo infantil",
        "monitoramento do trabalho infantil",
        "sistema de monitoramento",
        "رصد عمل الأطفال",
        "نظام رصد",
        "نظام مراقبة",
        "رصد",
    ),
    "conditional-cash-transfers": (
        "cash transfer",
        "cct",
        "conditional transfer",
        "transfert monetaire",
        "transferts en especes",
        "transfert conditionnel",
        "transferencia condicionada",
        "transferencia monetaria",
        "transferencias monetarias",
        "transferencia de renda",
        "transferencia condicionada de renda",
        "bolsa familia",
        "تحويل نقدي",
        "تحويلات نقدية",
    ),
    "scream-education": ("scream", "arts education and the media"),
    "education": (
        "school",
        "schooling",
        "education",
        "bridge school",
        "vocational training",
        "ecole",
        "scolarisation",
        "education",
        "formation professionnelle",
        "escuela",
        "escolarizacion",
        "educacion",
        "formacion profesional",
        "escola",
        "escolarizacao",
        "educacao",
        "formacao profissional",
        "مدرسة",
        "تعليم",
        "التدريب المهني",
    ),
    "labour-inspection": (
        "labour inspection",
        "labor inspection",
        "labour inspector",
        "labor inspector",
        "inspectorate",
        "inspection du travail",
        "inspecteur du travail",
        "inspeccion del trabajo",
        "inspeccion laboral",
        "inspector de trabajo",
        "inspeccion de trabajo",
        "inspecao do trabalho",
        "fiscalizacao do trabalho",
        "auditor fiscal do trabalho",
        "inspetor do trabalho",
        "تفتيش العمل",
        "مفتش العمل",
        "مفتشي العمل",
    ),
    "trade-union-policy": (
        "trade union",
        "workers organisation",
        "workers organization",
        "syndicat",
        "syndical",
        "organisation de travailleurs",
        "sindicato",
        "sindical",
        "central sindical",
        "نقابة",
        "نقابات",
        "النقابية",
    ),
    "employers-action": (
        "employer",
        "employers organisation",
        "business",
        "employeur",
        "patronat",
        "empleador",
        "empresario",
        "empregador",
        "أصحاب العمل",
    ),
    "hazardous-work-lists": (
        "hazardous work",
        "hazardous child labour",
        "hazardous occupation",
        "hazardous list",
        "list of hazardous",
        "travaux dangereux",
        "travail dangereux",
        "liste des travaux dangereux",
        "trabajo peligroso",
        "trabajos peligrosos",
        "lista de trabajos peligrosos",
        "trabalho perigoso",
        "lista tip",
        "piores formas de trabalho infantil",
        "الأعمال الخطرة",
        "عمل خطر",
    ),
    "tripartite-commissions": (
        "tripartite",
        "social partners",
        "commission",
        "tripartite",
        "commission nationale",
        "tripartita",
        "comision",
        "comissao",
        "ثلاثية",
        "لجنة",
    ),
    "national-action-plans": (
        "national action plan",
        "action plan",
        "roadmap",
        "road map",
        "national strategy",
        "national policy",
        "plan d action",
        "plan national",
        "feuille de route",
        "strategie nationale",
        "politique nationale",
        "plan de accion",
        "plan nacional",
        "hoja de ruta",
        "estrategia nacional",
        "politica nacional",
        "plano de acao",
        "plano nacional",
        "roteiro",
        "estrategia nacional",
        "خطة عمل",
        "خطة وطنية",
        "خارطة طريق",
        "استراتيجية وطنية",
    ),
    "child-labour-free-zones": (
        "child labour free zone",
        "child labor free zone",
        "free zone",
        "zone sans travail des enfants",
        "zone exempte de travail des enfants",
        "zone libre de travail des enfants",
        "zone libre",
        "zona libre de trabajo infantil",
        "zona libre",
        "zona livre de trabalho infantil",
        "zona livre",
        "مناطق خالية من عمل الأطفال",
        "منطقة خالية",
    ),
    "youth-employment": (
        "youth employment",
        "decent work for youth",
        "young workers",
        "emploi des jeunes",
        "empleo juvenil",
        "empleo de jovenes",
        "emprego juvenil",
        "emprego de jovens",
        "تشغيل الشباب",
        "عمالة الشباب",
    ),
    "trafficking-csec": (
        "trafficking",
        "trafficked",
        "sexual exploitation",
        "csec",
        "traite",
        "exploitation sexuelle",
        "esec",
        "trata de personas",
        "trata",
        "explotacion sexual",
        "escnna",
        "trafico de pessoas",
        "trafico de criancas",
        "exploracao sexual",
        "الاتجار",
        "الاستغلال الجنسي",
    ),
    "awareness-raising": (
        "awareness",
        "sensitisation",
        "sensitization",
        "campaign",
        "sensibilisation",
        "campagne",
        "sensibilizacion",
        "concienciacion",
        "campana",
        "sensibilizacao",
        "conscientizacao",
        "campanha",
        "توعية",
        "حملة",
    ),
    "institutional-coordination": (
        "coordination",
        "coordinating",
        "steering committee",
        "coordination mechanism",
        "child labour unit",
        "coordination",
        "comite de pilotage",
        "comite directeur",
        "mecanisme de coordination",
        "cellule",
        "coordinacion",
        "comite directivo",
        "mecanismo de coordinacion",
        "coordenacao",
        "comite diretor",
        "mecanismo de coordenacao",
        "تنسيق",
        "لجنة توجيهية",
        "آلية تنسيق",
    ),
    "social-protection": (
        "social protection",
        "social security",
        "safety net",
        "protection sociale",
        "filets sociaux",
        "proteccion social",
        "seguridad social",
        "protecao social",
        "seguridade social",
        "الحماية الاجتماعية",
    ),
    "forced-labour": (
        "forced labour",
        "forced labor",
        "bonded labour",
        "debt bondage",
        "slavery",
        "travail force",
        "servitude pour dettes",
        "esclavage",
        "trabajo forzoso",
        "servidumbre por deudas",
        "esclavitud",
        "trabalho forcado",
        "trabalho escravo",
        "escravidao",
        "servidao por divida",
        "العمل الجبري",
        "السخرة",
        "عبودية",
    ),
    "agriculture": (
        "agriculture",
        "agricultural",
        "farm",
        "plantation",
        "harvest",
        "agricole",
        "recolte",
        "agricultura",
        "agricola",
        "cosecha",
        "colheita",
        "زراعة",
        "زراعي",
    ),
    "domestic-work": (
        "domestic work",
        "domestic worker",
        "child domestic",
        "travail domestique",
        "trabajo domestico",
        "trabajo infantil domestico",
        "trabalho domestico",
        "العمل المنزلي",
        "عمال المنازل",
    ),
    "mining": (
        "mining",
        "mine",
        "quarry",
        "exploitation miniere",
        "orpaillage",
        "carriere",
        "mineria",
        "mina",
        "mineracao",
        "garimpo",
        "تعدين",
        "مناجم",
    ),
    "data-and-surveys": (
        "survey",
        "statistics",
        "data collection",
        "research",
        "baseline",
        "enquete",
        "statistique",
        "collecte de donnees",
        "encuesta",
        "estadistica",
        "recoleccion de datos",
        "pesquisa",
        "estatistica",
        "coleta de dados",
        "مسح",
        "إحصاءات",
        "جمع البيانات",
    ),
    "legislation": (
        "legislation",
        "law",
        "minimum age",
        "legal framework",
        "decree",
        "legislation",
        "loi",
        "age minimum",
        "cadre juridique",
        "decret",
        "legislacion",
        "ley",
        "edad minima",
        "marco legal",
        "decreto",
        "legislacao",
        "lei",
        "idade minima",
        "تشريع",
        "قانون",
        "الحد الأدنى للسن",
        "الإطار القانوني",
    ),
    "capacity-building": (
        "training",
        "capacity building",
        "capacity",
        "formation",
        "renforcement des capacites",
        "capacitacion",
        "fortalecimiento de capacidades",
        "capacitacao",
        "fortalecimento de capacidades",
        "تدريب",
        "بناء القدرات",
    ),
    "child-participation": (
        "youth forum",
        "children s participation",
        "child participation",
        "voices of children",
        "participation des enfants",
        "forum des jeunes",
        "participacion infantil",
        "foro juvenil",
        "participacao infantil",
        "forum juvenil",
        "مشاركة الأطفال",
        "منتدى الشباب",
    ),
}

# Concepts that are the knowledge base's themes (same slug).
THEME_CONCEPTS = frozenset(
    {
        "child-labour-monitoring",
        "conditional-cash-transfers",
        "scream-education",
        "education",
        "labour-inspection",
        "trade-union-policy",
        "employers-action",
        "hazardous-work-lists",
        "tripartite-commissions",
        "national-action-plans",
        "child-labour-free-zones",
        "youth-employment",
        "trafficking-csec",
        "awareness-raising",
        "institutional-coordination",
        "social-protection",
    }
)

# An Arabic word may carry the article or a one-letter conjunction or preposition.
_ARABIC_PREFIXES = ("وال", "بال", "لل", "ال", "و", "ب", "ل")
# A Latin word of a term also matches with up to this many more letters (plurals, feminines).
_ENDING = 3


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation turned into spaces: how terms are written."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^\w]+", " ", kept)


def _is_arabic(word: str) -> bool:
    return bool(word) and "\u0600" <= word[0] <= "\u06ff"


def _bare(word: str) -> str:
    """An Arabic word without its prefix (kept when too little would be left)."""
    if _is_arabic(word):
        for prefix in _ARABIC_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                return word[len(prefix) :]
    return word


def tokens(text: str) -> list[str]:
    return [_bare(w) for w in fold(text).split()]


def _word_matches(token: str, word: str) -> bool:
    return token.startswith(word) and len(token) - len(word) <= _ENDING


@functools.cache
def _terms_by_first_word() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Each term as its words, filed under its first word; longest terms first."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for concept, terms in CONCEPTS.items():
        for term in terms:
            words = tuple(tokens(term))
            if words:
                index.setdefault(words[0], []).append((words, concept))
    for entries in index.values():
        entries.sort(key=lambda entry: -len(entry[0]))
    return index


@functools.lru_cache(maxsize=200_000)
def _candidates(token: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    """The terms that may start at ``token``: those whose first word is the token itself or
    the token less a short ending (cached: words repeat across texts)."""
    index = _terms_by_first_word()
    found = [
        entry
        for cut in range(0, min(_ENDING, max(len(token) - 2, 0)) + 1)
        for entry in index.get(token[: len(token) - cut], ())
    ]
    return tuple(sorted(found, key=lambda entry: -len(entry[0])))


def concepts_in_tokens(words: list[str]) -> dict[str, int]:
    """How often each concept is named in a text already cut into ``tokens``."""
    found: dict[str, int] = {}
    i, n = 0, len(words)
    while i < n:
        matched = 0
        for term, concept in _candidates(words[i]):
            size = len(term)
            if i + size <= n and all(_word_matches(words[i + k], term[k]) for k in range(1, size)):
                found[concept] = found.get(concept, 0) + 1
                matched = size
                break
        i += matched or 1
    return found


def concepts_in(text: str) -> dict[str, int]:
    """How often each concept is named in ``text`` (any of the five languages)."""
    return concepts_in_tokens(tokens(text))
