"""Demo country profiles for the countries named in the seed documents, and a few needs,
offers and exchanges, written for Synergy.

The facts below are what the demo needs to show the matching at work: legal tradition, World
Bank income group, general minimum working age, some ratification dates and what each country
has in place with a year. They were written from general public knowledge, not copied from a
source, and every profile says so in its notes: check them against ILO NORMLEX and national
sources before relying on them. A year left as None means "in place, year not recorded";
ratification dates are given only where we were confident of them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from synergy.cooperation import services
from synergy.cooperation.models import CountryProfile, ExchangeOutcome, Need
from synergy.core.models import Country, Organisation, User

NOTE = "Demo profile: facts written from general knowledge; check them against NORMLEX."

# iso2: (legal tradition, income group, minimum age, {measure: since}, {convention: date})
PROFILES: dict[str, tuple[str, str, int | None, dict[str, int | None], dict[str, date]]] = {
    "NP": (
        "mixed",
        "lower_middle",
        14,
        {
            "national_action_plan": 2004,
            "hazardous_work_list": 2000,
            "steering_committee": 2004,
            "free_zones": 2015,
            "labour_inspection": None,
        },
        {"c138": date(1997, 5, 30), "c182": date(2002, 1, 3)},
    ),
    "BR": (
        "civil",
        "upper_middle",
        16,
        {
            "national_action_plan": 2004,
            "hazardous_work_list": 2008,
            "tripartite_commission": 2002,
            "cct": 2003,
            "labour_inspection": 1995,
            "anti_trafficking": 2006,
        },
        {"c138": date(2001, 6, 28), "c182": date(2000, 2, 2)},
    ),
    "IN": (
        "common",
        "lower_middle",
        14,
        {"national_action_plan": 1988, "hazardous_work_list": 1986, "free_zones": 1991},
        {"c138": date(2017, 6, 13), "c182": date(2017, 6, 13)},
    ),
    "ZA": ("mixed", "upper_middle", 15, {"national_action_plan": 2003}, {}),
    "HT": ("civil", "lower_middle", 15, {}, {}),
    "AO": ("civil", "lower_middle", 14, {"scream": None}, {}),
    "MZ": ("civil", "low", 15, {"scream": None}, {}),
    "GW": ("civil", "low", 14, {}, {}),
    "MA": (
        "islamic",
        "lower_middle",
        15,
        {"national_action_plan": 2006, "hazardous_work_list": 2004},
        {},
    ),
    "ML": (
        "civil",
        "low",
        15,
        {"child_labour_unit": 2006, "national_action_plan": 2011, "steering_committee": 2006},
        {},
    ),
    "KE": (
        "common",
        "lower_middle",
        16,
        {"national_action_plan": 2004, "trade_union_policy": None, "child_labour_unit": None},
        {},
    ),
    "UG": (
        "common",
        "low",
        14,
        {
            "national_action_plan": 2012,
            "hazardous_work_list": 2012,
            "trade_union_policy": None,
            "free_zones": None,
        },
        {},
    ),
    "ZM": ("common", "lower_middle", 15, {"child_labour_unit": None}, {}),
    "TL": ("civil", "lower_middle", 15, {}, {}),
    "ET": ("civil", "low", 14, {}, {}),
    "GH": (
        "common",
        "lower_middle",
        15,
        {"national_action_plan": 2009, "child_labour_unit": 2000, "clms": 2010},
        {},
    ),
    "ZW": ("mixed", "lower_middle", 16, {}, {}),
    "BD": ("common", "lower_middle", 14, {"national_action_plan": 2012}, {}),
    "ID": (
        "civil",
        "upper_middle",
        15,
        {
            "national_action_plan": 2002,
            "hazardous_work_list": 2003,
            "steering_committee": 2001,
            "cct": 2007,
        },
        {},
    ),
    "MN": ("civil", "upper_middle", 15, {"hazardous_work_list": 2008}, {}),
    "KH": (
        "civil",
        "lower_middle",
        15,
        {"national_action_plan": 2008, "hazardous_work_list": 2004, "anti_trafficking": 2008},
        {},
    ),
    "CN": ("civil", "upper_middle", 16, {}, {}),
    "LA": ("civil", "lower_middle", 14, {}, {}),
    "MM": ("common", "lower_middle", 14, {"anti_trafficking": 2005}, {}),
    "TH": ("civil", "upper_middle", 15, {"anti_trafficking": 2008}, {}),
    "VN": ("civil", "lower_middle", 15, {"anti_trafficking": 2011}, {}),
    "XK": ("civil", "upper_middle", 15, {}, {}),
    "RO": (
        "civil",
        "high",
        15,
        {"clms": 2004, "child_labour_unit": 2000, "national_action_plan": 2004},
        {},
    ),
    "KG": ("civil", "lower_middle", 16, {}, {}),
    "MD": ("civil", "upper_middle", 16, {"clms": None}, {}),
    "TJ": ("civil", "lower_middle", 15, {}, {}),
    "UA": ("civil", "upper_middle", 16, {}, {}),
    "AL": ("civil", "upper_middle", 16, {"trade_union_policy": None}, {}),
    "CR": (
        "civil",
        "upper_middle",
        15,
        {
            "cct": 2006,
            "hazardous_work_list": 2011,
            "national_action_plan": 2011,
            "child_labour_unit": None,
            "steering_committee": None,
            "anti_trafficking": 2013,
        },
        {},
    ),
    "GT": ("civil", "upper_middle", 14, {"hazardous_work_list": 2006}, {}),
    "PA": ("civil", "high", 14, {"hazardous_work_list": 2006, "cct": 2005}, {}),
    "DO": ("civil", "upper_middle", 14, {"hazardous_work_list": 2004, "cct": 2005}, {}),
    "HN": ("civil", "lower_middle", 14, {"cct": 2010}, {}),
    "NI": ("civil", "lower_middle", 14, {}, {}),
    "CL": (
        "civil",
        "high",
        15,
        {
            "national_action_plan": 2015,
            "hazardous_work_list": 2007,
            "cct": 2002,
            "labour_inspection": None,
        },
        {},
    ),
    "SV": ("civil", "upper_middle", 14, {"cct": 2005}, {}),
    "EC": ("civil", "upper_middle", 15, {"cct": 2003, "labour_inspection": None}, {}),
    "AR": ("civil", "upper_middle", 16, {"cct": 2009, "national_action_plan": 2006}, {}),
    "BO": ("civil", "lower_middle", 14, {"cct": 2006}, {}),
    "CO": ("civil", "upper_middle", 15, {"cct": 2000, "hazardous_work_list": 2008}, {}),
    "PE": (
        "civil",
        "upper_middle",
        14,
        {"national_action_plan": 2012, "hazardous_work_list": 2010, "cct": 2005},
        {},
    ),
    "VE": ("civil", "", 14, {}, {}),
    "MG": (
        "civil",
        "low",
        15,
        {"national_action_plan": 2004, "hazardous_work_list": 2007},
        {"c138": date(2000, 5, 31), "c182": date(2001, 10, 4)},
    ),
    "MR": ("islamic", "lower_middle", 14, {"national_action_plan": 2015}, {}),
    "NG": ("mixed", "lower_middle", 15, {"anti_trafficking": 2003}, {}),
}


def load_profiles(actor: User) -> int:
    """Create the demo profiles that do not exist yet (through the service, so each has its
    first version in the history). Returns how many were created."""
    created = 0
    have = set(CountryProfile.objects.values_list("country_id", flat=True))
    countries = Country.objects.in_bulk(list(PROFILES))
    for iso2, (legal, income, age, measures, ratified) in PROFILES.items():
        if iso2 in have or iso2 not in countries:
            continue
        fields: dict[str, Any] = {
            "legal_tradition": legal,
            "income_group": income,
            "minimum_age": age,
            "notes": NOTE,
        }
        for convention, day in ratified.items():
            fields[f"{convention}_ratified_on"] = day
        services.profile_save(
            actor=actor, country=countries[iso2], version=None, fields=fields, measures=measures
        )
        created += 1
    return created


def load() -> None:
    """The demo's cooperation data, written as the demo administrator (nothing without one)."""
    admin = User.objects.filter(username="admin").first()
    if admin is not None:
        load_as(admin)


@transaction.atomic
def load_as(actor: User) -> None:
    """Profiles, then a need of Nepal raised by its roadmap, an offer of Costa Rica backed by
    its practices, and an exchange carried through to its outcome."""
    load_profiles(actor)
    if Need.objects.exists():
        return
    from synergy.indicators.models import Action
    from synergy.knowledge.models import GoodPractice, PracticeStatus, Theme

    themes = {t.slug: t for t in Theme.objects.all()}
    nepal = Country.objects.get(pk="NP")
    action = Action.objects.filter(roadmap__country=nepal).order_by("pk").first()
    unit = Organisation.objects.filter(country=nepal, kind="government").order_by("pk").first()
    services.need_create(
        actor=actor,
        country=nepal,
        title="Follow up children withdrawn from brick kilns across districts",
        description=(
            "District child labour committees record children one by one on paper. We want "
            "to learn how another country runs a child labour monitoring system that refers "
            "children to services and checks, months later, that they stayed in school."
        ),
        theme=themes.get("child-labour-monitoring"),
        form="study_tour",
        organisations=[unit] if unit else [],
        action=action,
    )
    services.need_create(
        actor=actor,
        country=nepal,
        title="Draft the terms of a cash transfer tied to school attendance",
        description=(
            "Families of children in domestic work ask for support to keep them in school. "
            "We need advice on conditions, amounts and how attendance is checked."
        ),
        theme=themes.get("conditional-cash-transfers"),
        form="technical_assistance",
        confidential=True,
    )
    madagascar = Country.objects.filter(pk="MG").first()
    if madagascar is not None:
        services.need_create(
            actor=actor,
            country=madagascar,
            title="Mettre à jour la liste des travaux dangereux interdits aux enfants",
            description=(
                "La liste date de plusieurs années. Nous cherchons un pays qui a révisé la "
                "sienne avec les syndicats et les employeurs, et les inspecteurs du travail."
            ),
            theme=themes.get("hazardous-work-lists"),
            form="workshop",
        )
    costa_rica = Country.objects.filter(pk="CR").first()
    if costa_rica is not None:
        backing = GoodPractice.objects.filter(
            status=PracticeStatus.PUBLISHED, country_roles__country=costa_rica
        ).distinct()[:3]
        services.offer_create(
            actor=actor,
            country=costa_rica,
            title="Design of a school-conditioned cash transfer for adolescents",
            description=(
                "Our social protection and education ministries can host a visit and share "
                "the rules, the payment calendar and the attendance checks of the programme."
            ),
            theme=themes.get("conditional-cash-transfers"),
            form="technical_assistance",
            practices=list(backing),
        )
    guatemala = Country.objects.filter(pk="GT").first()
    if guatemala is not None and costa_rica is not None:
        need = services.need_create(
            actor=actor,
            country=guatemala,
            title="Design a conditional cash transfer that keeps children out of work",
            description="Technical advice on targeting, conditions and verification.",
            theme=themes.get("conditional-cash-transfers"),
            form="technical_assistance",
        )
        provider_org = Organisation.objects.filter(country=costa_rica).order_by("pk").first()
        learner_org = Organisation.objects.filter(country=guatemala).order_by("pk").first()
        if learner_org is not None:
            need.organisations.add(learner_org)
        exchange = services.exchange_propose(
            actor=actor,
            need=need,
            provider=costa_rica,
            provider_organisations=[provider_org] if provider_org else [],
            note="Costa Rica runs a transfer of this kind and offered its help.",
        )
        if provider_org is not None or learner_org is not None:
            for step, note, outcome in (
                ("agreed", "Terms of reference signed by both ministries.", ""),
                ("carried_out", "Two technical missions and a workshop.", ""),
                (
                    "followed_up",
                    "The design adapted the conditions to rural schools.",
                    ExchangeOutcome.ADAPTED,
                ),
            ):
                exchange.refresh_from_db()
                services.exchange_step(
                    actor=actor,
                    exchange=exchange,
                    version=exchange.version,
                    to_status=step,
                    note=note,
                    outcome=outcome,
                )
