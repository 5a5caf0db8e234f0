"""Demo indicators, values and the roadmaps of the seven Alliance 8.7 Pathfinder countries.

The roadmaps restate, in our own short words, what each country set out after its national
strategy workshop (dates where the source gives them). Due dates are placed around the day the
demo is loaded, so that some actions are overdue and stand out. Idempotent."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from synergy.core.models import Country, Organisation, User
from synergy.indicators import services
from synergy.indicators.computed import Scope
from synergy.indicators.models import (
    Action,
    ActionStatus,
    Committee,
    Indicator,
    IndicatorValue,
    Priority,
    Roadmap,
)

INDICATORS = [
    # code, name, source, measure, formula, dimensions, references, value type
    (
        "clms-withdrawn",
        "Children withdrawn from child labour",
        "clms",
        "withdrawn",
        "",
        ["sex", "age_group"],
        ["USDOL L1"],
        "number",
    ),
    (
        "clms-prevented",
        "Children prevented from entering child labour",
        "clms",
        "prevented",
        "",
        ["sex", "age_group"],
        ["USDOL E1"],
        "number",
    ),
    (
        "targets-withdraw",
        "Children the partners committed to withdraw",
        "targets",
        "withdrawn",
        "",
        ["sex"],
        [],
        "number",
    ),
    (
        "targets-prevent",
        "Children the partners committed to prevent",
        "targets",
        "prevented",
        "",
        ["sex"],
        [],
        "number",
    ),
    (
        "withdrawn-rate",
        "Share of the withdrawal commitment achieved",
        "formula",
        "",
        "100 * clms-withdrawn / targets-withdraw",
        [],
        [],
        "percentage",
    ),
    (
        "sdg-871",
        "Children aged 5-17 in child labour",
        "survey",
        "child_labour_rate",
        "",
        ["sex", "age_group"],
        ["SDG 8.7.1"],
        "percentage",
    ),
]
NATIONAL = [
    (
        "np-cl-free-municipalities",
        "Municipalities declared free of child labour",
        ["area"],
        ["Roadmap Nepal"],
    ),
    ("np-inspections", "Workplace inspections covering child labour", ["sector"], ["ILO C81"]),
]

# Country, Pathfinder since, workshop, summary, committees, priorities (area, text),
# actions (title, months from today to the due date, status).
ROADMAPS: list[
    tuple[
        str,
        date | None,
        date | None,
        str,
        list[str],
        list[tuple[str, str]],
        list[tuple[str, int, str]],
    ]
] = [
    (
        "MG",
        date(2018, 10, 1),
        date(2018, 10, 1),
        "After the strategy workshop the partners kept meeting to agree on first initiatives.",
        ["National steering committee"],
        [
            ("child_labour", "Give labour inspectors more capacity and resources."),
            (
                "child_labour",
                "Run a national child labour survey and keep its data in one database.",
            ),
            ("trafficking", "Set up a national hub that follows the trafficking situation."),
            (
                "migration",
                "Negotiate bilateral labour agreements and revise the labour migration rules.",
            ),
        ],
        [
            ("Field the national child labour survey", -3, "under_way"),
            ("Open the trafficking information hub", 5, "planned"),
        ],
    ),
    (
        "NP",
        date(2019, 2, 1),
        date(2019, 6, 1),
        "A high-level coordination committee steers the work; its secretariat sits in the labour ministry.",
        ["High-level SDG 8.7 coordination committee", "Secretariat in the labour ministry"],
        [
            ("child_labour", "Declare more municipalities free of child labour."),
            ("child_labour", "Align education and child labour laws on the ages of children."),
            (
                "forced_labour",
                "Close the gaps in the foreign employment law that leave room for forced labour.",
            ),
            ("coordination", "Bring child labour, forced labour and trafficking data together."),
            ("migration", "Sign agreements with the main destination countries of Nepali workers."),
        ],
        [
            ("Publish joint data on child labour, forced labour and trafficking", -2, "under_way"),
            ("Form child labour monitoring committees in every province", -5, "planned"),
            ("Adopt an integrated ministerial work plan", -20, "done"),
            ("Review the foreign employment law", 4, "planned"),
        ],
    ),
    (
        "MR",
        date(2019, 1, 1),
        date(2019, 3, 1),
        "The workshop set five priorities, from justice for victims to two supply chains.",
        ["Alliance 8.7 national focal point"],
        [
            ("forced_labour", "Carry out the national plan against forced labour."),
            ("forced_labour", "Give victims of slavery real access to justice and legal aid."),
            (
                "trafficking",
                "Prevent trafficking through the education of children in refugee-hosting regions.",
            ),
            ("migration", "Protect migrant workers at home and abroad."),
            (
                "supply_chains",
                "End the worst forms of child labour in artisanal fishing and dairy.",
            ),
        ],
        [
            ("Choose a pilot activity with the partners", -1, "planned"),
            ("Give the focal point the means to coordinate", 2, "under_way"),
        ],
    ),
    (
        "CL",
        date(2019, 3, 1),
        date(2019, 3, 1),
        "A roadmap was adopted right after the workshop.",
        ["Intersectoral roadmap committee"],
        [
            ("child_labour", "Know more about child labour and trafficking in persons."),
            ("child_labour", "Keep raising awareness of child labour and forced labour."),
            ("trafficking", "Train officers to detect cases and refer them to services."),
            ("coordination", "Continue the legal reforms on child labour and trafficking."),
            ("child_labour", "Offer more employability projects to adults and youth at risk."),
        ],
        [("Launch the detection and referral training", 3, "under_way")],
    ),
    (
        "UG",
        None,
        None,
        "A national coordination committee led by the labour ministry follows the actions.",
        ["National coordination committee"],
        [
            (
                "child_labour",
                "Advocate, raise awareness and build the capacity of actors at all levels.",
            ),
            ("child_labour", "Improve the legal framework on child labour and its enforcement."),
            ("forced_labour", "Ratify the trafficking protocol and prosecute more cases."),
            ("forced_labour", "Offer victims livelihoods, social protection and rehabilitation."),
        ],
        [("Set up sub-committees on child labour, trafficking and forced labour", -4, "planned")],
    ),
    (
        "AL",
        None,
        None,
        "Child labour and trafficking are the two areas of the plan.",
        ["Child protection and anti-trafficking coordination"],
        [
            (
                "child_labour",
                "Prevent child labour, including among children in street situations.",
            ),
            ("child_labour", "Map the areas of highest risk to find the children."),
            ("trafficking", "Investigate and prosecute more, and protect and assist victims."),
            ("trafficking", "Coordinate the anti-trafficking actions better."),
        ],
        [("Finalise the action plan on child protection and trafficking", 1, "under_way")],
    ),
    (
        "NG",
        None,
        None,
        "Priorities cover supply chains, migration and conflict or humanitarian settings.",
        ["Alliance 8.7 stakeholders' forum"],
        [
            ("supply_chains", "Make sure codes of conduct and standards are followed."),
            (
                "supply_chains",
                "Strengthen prevention, withdrawal and rehabilitation of working children.",
            ),
            (
                "migration",
                "Coordinate state and non-state actors on regular and irregular migration.",
            ),
            ("crisis", "Improve social safety nets in communities hit by conflict or disaster."),
        ],
        [
            ("Write the national action plan from the priorities", -6, "planned"),
            ("Validate a communication strategy", 6, "planned"),
        ],
    ),
]


def _months(today: date, months: int) -> date:
    return today + timedelta(days=30 * months)


def load() -> None:
    admin = User.objects.filter(username="admin").first()
    coordinator = User.objects.filter(username="coordinator").first()
    if admin is None or coordinator is None:
        return
    with transaction.atomic():
        services.ensure_builtin_dimensions()
        _indicators(admin, coordinator)
        _roadmaps(admin)
        if not IndicatorValue.objects.exists():
            _values(coordinator)


def _indicators(admin: User, coordinator: User) -> None:
    for code, name, source, measure, formula, dims, refs, value_type in INDICATORS:
        if not Indicator.objects.filter(code=code).exists():
            services.indicator_create(
                actor=admin,
                code=code,
                name=name,
                source=source,
                measure=measure,
                formula=formula,
                dimensions=dims,
                references=refs,
                value_type=value_type,
                unit="children" if value_type == "number" else "%",
            )
    nepal = Country.objects.get(pk="NP")
    for code, name, dims, refs in NATIONAL:
        if not Indicator.objects.filter(code=code).exists():
            services.indicator_create(
                actor=coordinator,
                code=code,
                name=name,
                dimensions=dims,
                references=refs,
                country=nepal,
            )


def _roadmaps(admin: User) -> None:
    today = timezone.localdate()
    for country_id, since, workshop, summary, committees, priorities, actions in ROADMAPS:
        if Roadmap.objects.filter(country_id=country_id).exists():
            continue
        roadmap = Roadmap.objects.create(
            country_id=country_id,
            pathfinder_since=since,
            workshop_on=workshop,
            summary=summary,
            created_by=admin,
        )
        members = list(Organisation.objects.filter(country_id=country_id, kind="government"))
        for name in committees:
            committee = Committee.objects.create(roadmap=roadmap, name=name)
            committee.members.set(members)
        first_priority = None
        for area, text in priorities:
            priority = Priority.objects.create(roadmap=roadmap, area=area, text=text)
            first_priority = first_priority or priority
        measured = list(
            Indicator.objects.filter(code__in=["clms-withdrawn", "np-cl-free-municipalities"])
        )
        for title, months, status in actions:
            action = Action.objects.create(
                roadmap=roadmap,
                priority=first_priority,
                title=title,
                due_on=_months(today, months),
                status=ActionStatus(status),
                created_by=admin,
            )
            action.responsible.set(members)
            if country_id == "NP":
                action.indicators.set(measured)


def _values(coordinator: User) -> None:
    """Targets and actuals of Nepal's own indicators over three years, most approved, one
    corrected, the last period still waiting for approval."""
    nepal = Scope("NP")
    this_year = timezone.localdate().year
    municipalities = Indicator.objects.get(code="np-cl-free-municipalities")
    inspections = Indicator.objects.get(code="np-inspections")
    for offset, (target, actual) in enumerate([(4, 3), (8, 6), (12, 9)]):
        year = str(this_year - 2 + offset)
        for kind, number in (("target", target), ("actual", actual)):
            value = services.value_enter(
                actor=coordinator,
                figure=services.Figure(municipalities, kind, year, nepal, {}, Decimal(number)),
            )
            services.value_submit(actor=coordinator, value=value)
            if offset < 2:
                services.value_approve(actor=coordinator, value=value)
    first = IndicatorValue.objects.get(
        indicator=municipalities, kind="actual", period=str(this_year - 2)
    )
    correction = services.value_correct(
        actor=coordinator,
        value=first,
        new_value=Decimal(4),
        reason="One municipality's declaration arrived late.",
    )
    services.value_submit(actor=coordinator, value=correction)
    services.value_approve(actor=coordinator, value=correction)
    for half, by_sector in ((1, (120, 45, 30)), (2, (140, 50, 41))):
        period = f"{this_year - 1}-S{half}"
        services.value_enter(
            actor=coordinator,
            figure=services.Figure(
                inspections,
                "actual",
                period,
                nepal,
                {},
                Decimal(sum(by_sector) + (5 if half == 2 else 0)),
            ),
        )
        for sector, number in zip(("agriculture", "industry", "services"), by_sector, strict=True):
            services.value_enter(
                actor=coordinator,
                figure=services.Figure(
                    inspections, "actual", period, nepal, {"sector": sector}, Decimal(number)
                ),
            )
