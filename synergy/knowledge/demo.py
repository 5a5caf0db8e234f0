"""Demo data for the knowledge base, written for the demo (not taken from any publication).

Loading twice changes nothing: practices are found by their source key, the event by its
title and the outcomes by event and title.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from synergy.core.models import Country, Organisation, User
from synergy.knowledge import services
from synergy.knowledge.models import (
    CountryRole,
    Event,
    EventKind,
    EvidenceLevel,
    FollowUpStatus,
    GoodPractice,
    Outcome,
    OutcomeKind,
    ReviewAction,
    Theme,
)

PRACTICES: list[dict[str, Any]] = [
    {
        "key": "demo/community-watch-groups",
        "title": "Village child protection committees that track every child in school",
        "summary": "Volunteer committees in hill districts keep a simple register of the "
        "children of each ward and visit any child who stops coming to class.",
        "background": "Children in remote wards often left school in the harvest season and "
        "did not come back. Teachers noticed, but nobody followed up.",
        "action": "Each ward elected a committee of five: a teacher, a health volunteer, two "
        "parents and a youth club member. They met monthly, compared the school roll with the "
        "ward register and visited families of absent children within a week.",
        "achievements": "In two years, the number of children out of school in the pilot wards "
        "fell by more than half, and the committees referred families to cash support.",
        "sustainability": "The municipality now funds the committees' meetings from its own "
        "budget and has written them into its child protection plan.",
        "lessons_learned": "A short register that people trust beats a detailed one that nobody "
        "fills in. Committees worked best when the school head took part.",
        "necessary_conditions": "A municipal focal point, a register agreed with the school, and "
        "a referral route to services that actually answer.",
        "themes": ["child-labour-monitoring", "education"],
        "countries": [("NP", CountryRole.SHARED), ("MG", CountryRole.LEARNED)],
        "regions": ["asia_pacific"],
        "publish": True,
    },
    {
        "key": "demo/brick-kiln-inspection",
        "title": "Joint labour inspection visits to brick kilns",
        "summary": "Labour inspectors and district child welfare officers inspect kilns "
        "together, so that a child found at work is referred on the same day.",
        "background": "Inspectors could fine a kiln owner but had no way to help the child.",
        "action": "A joint checklist, shared transport and a referral form agreed with the "
        "district welfare office.",
        "achievements": "Children found during visits were referred to bridge classes within "
        "days rather than months.",
        "lessons_learned": "Inspections are more useful when the inspector can offer the family "
        "something, not only sanction the employer.",
        "themes": ["labour-inspection", "hazardous-work-lists"],
        "countries": [("NP", CountryRole.PARTICIPATED)],
        "regions": ["asia_pacific"],
        "publish": True,
    },
    {
        "key": "demo/union-school-clubs",
        "title": "Teachers' union clubs on children's rights (draft)",
        "summary": "A teachers' union runs after-school clubs where pupils discuss work and "
        "school through drama and drawing.",
        "background": "Teachers wanted a way to talk about child labour without blaming parents.",
        "themes": ["scream-education", "trade-union-policy"],
        "countries": [("MG", CountryRole.PARTICIPATED)],
        "regions": ["africa"],
        "publish": False,
    },
]


def _author() -> User | None:
    return (
        User.objects.filter(username="editor").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )


@transaction.atomic
def load() -> None:
    author = _author()
    if author is None:
        return
    themes = {t.slug: t for t in Theme.objects.all()}
    for spec in PRACTICES:
        if GoodPractice.objects.filter(source_key=spec["key"]).exists():
            continue
        fields = {
            k: v
            for k, v in spec.items()
            if k not in {"key", "themes", "countries", "regions", "publish"}
        }
        practice = services.practice_create(
            actor=author,
            **fields,
            themes=[themes[s] for s in spec["themes"] if s in themes],
            countries=list(spec["countries"]),
            regions=list(spec["regions"]),
            evidence_level=EvidenceLevel.DOCUMENTED,
        )
        GoodPractice.objects.filter(pk=practice.pk).update(source_key=spec["key"])
        if spec["publish"]:
            for action in (ReviewAction.SUBMIT, ReviewAction.REVIEW, ReviewAction.PUBLISH):
                services.practice_transition(actor=author, practice=practice, action=action)
            services.practice_assess(
                actor=author,
                practice=practice,
                scores={"effective": (2, "Programme monitoring data"), "replicable": (3, "")},
            )
    _load_forum(author)


def _load_forum(author: User) -> None:
    title = "National partners forum on keeping children in school (demo)"
    event = Event.objects.filter(title=title).first()
    if event is None:
        nepal = Country.objects.filter(pk="NP").first()
        event = services.event_create(
            actor=author,
            kind=EventKind.FORUM,
            title=title,
            description="Implementing partners met to compare what keeps withdrawn children "
            "in school and to agree who follows up what.",
            start_date=date(2026, 3, 10),
            end_date=date(2026, 3, 11),
            place="Kathmandu",
            country=nepal,
            host=Organisation.objects.filter(acronym="NCLU").first(),
            agenda="Day 1: partners' experience with education and counselling services.\n"
            "Day 2: sustainability after the project, commitments and follow-up.",
            participating_countries=[nepal] if nepal else [],
            participating_organisations=list(
                Organisation.objects.filter(acronym__in=["BFN", "SSF", "HCC", "FTU"])
            ),
            practices=list(GoodPractice.objects.filter(source_key__startswith="demo/")[:2]),
        )
    owner_org = Organisation.objects.filter(acronym="BFN").first()
    outcomes = [
        (
            OutcomeKind.LESSON,
            "Follow-up visits must continue after a child re-enrols",
            "Partners saw children drop out again within months when visits stopped at enrolment.",
            None,
            FollowUpStatus.DONE,
        ),
        (
            OutcomeKind.SUCCESS_STORY,
            "A ward where every withdrawn child finished the school year",
            "The committee and the school head met every month and called parents the same day.",
            None,
            FollowUpStatus.DONE,
        ),
        (
            OutcomeKind.COMMITMENT,
            "Share the ward register template with all partners",
            "Bright Futures will publish its register template and train two partners to use it.",
            date(2026, 6, 30),
            FollowUpStatus.IN_PROGRESS,
        ),
        (
            OutcomeKind.RECOMMENDATION,
            "Ask municipalities to fund committee meetings",
            "The unit will raise the funding of committee meetings at the next coordination "
            "meeting.",
            date(2026, 9, 30),
            FollowUpStatus.OPEN,
        ),
    ]
    for kind, outcome_title, description, due, status in outcomes:
        if Outcome.objects.filter(event=event, title=outcome_title).exists():
            continue
        services.outcome_create(
            actor=author,
            event=event,
            kind=kind,
            title=outcome_title,
            description=description,
            owner_organisation=owner_org if kind == OutcomeKind.COMMITMENT else None,
            owner_user=author if kind == OutcomeKind.RECOMMENDATION else None,
            due_date=due,
            status=status,
        )
