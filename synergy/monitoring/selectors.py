"""Reads of the CLMS, scoped to the user who asks. Lists never decrypt more than the page.

Scope of personal records (``children_for``): system administrators see all; national
coordinators their countries; members of an organisation its records, except analysts and
service providers, who see no personal record at all (a provider sees referrals made to its
organisation through ``referrals_received`` and ``ReferralForProvider`` only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, F, Lookup, Q, QuerySet
from django.utils import timezone

from synergy.core import roles
from synergy.core.models import AuditEvent, Role, User
from synergy.monitoring import crypto
from synergy.monitoring.access import NO_RECORD_ROLES, WRITE_ROLES
from synergy.monitoring.models import (
    Child,
    ChildNameToken,
    DuplicateStatus,
    Household,
    Outcome,
    PossibleDuplicate,
    Referral,
    ReferralStatus,
    Status,
)

OPEN_STATUSES = (
    Status.IDENTIFIED,
    Status.REFERRED,
    Status.RECEIVING_SERVICES,
    Status.RELAPSED,
    Status.WITHDRAWN,
    Status.PREVENTED,
)


def record_organisation_ids(user: User) -> set[int]:
    """Organisations whose personal records the user reads as a member."""
    return {m.organisation_id for m in roles.memberships(user) if m.role not in NO_RECORD_ROLES}


def writable_organisation_ids(user: User) -> set[int]:
    return {m.organisation_id for m in roles.memberships(user) if m.role in WRITE_ROLES}


def _scope(user: User, prefix: str = "") -> Q | None:
    """None: everything; else the Q of records the user may read."""
    if roles.is_system_admin(user):
        return None
    return Q(**{f"{prefix}organisation_id__in": record_organisation_ids(user)}) | Q(
        **{f"{prefix}country_id__in": roles.coordinated_country_ids(user)}
    )


def children_for(user: User) -> QuerySet[Child]:
    qs = Child.objects.filter(merged_into__isnull=True)
    scope = _scope(user)
    return qs if scope is None else qs.filter(scope)


def households_for(user: User) -> QuerySet[Household]:
    scope = _scope(user)
    return Household.objects.all() if scope is None else Household.objects.filter(scope)


class _AnyOf(Lookup[Any]):
    """``value = ANY(array)`` (PostgreSQL)."""

    lookup_name = "any_of"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def name_search_q(text: str, *, nationwide: bool = False) -> Q:
    """Children whose name has, for every word of ``text``, the same word or a word that
    sounds alike (blind index: exact or phonetic digest). ``nationwide``: for a list over
    whole countries, where the name, not the scope, is the narrow part."""
    condition = Q()
    tokens = ChildNameToken.objects.values("child_id")
    for word in crypto.name_tokens(text):
        # Each digest with its kind, and the two kinds as a UNION ALL: each part is then read
        # from the covering (kind, digest, child) index alone. A digest without its kind, or
        # the two ORed, made PostgreSQL read the token table itself (75-150 ms for a name
        # that 12,000 of a million children share).
        same = tokens.filter(kind="exact", digest=crypto.blind_index(word, purpose="word"))
        alike = tokens.filter(
            kind="phonetic", digest=crypto.blind_index(crypto.phonetic(word), purpose="word-ph")
        )
        matches = same.union(alike, all=True)
        if nationwide and connection.vendor == "postgresql":
            # As an array: PostgreSQL then reads the children's key index backwards for the
            # array's ids, and a page stops at its 50th child. As a subquery it guesses 200
            # matches: for a name that 12,000 children share and a status filter it fetched
            # all 12,000 and sorted them (73 -> 10 ms). Within one organisation's children
            # the subquery is the better plan (14 ms; 47 ms as an array).
            condition &= Q(_AnyOf(F("pk"), ArraySubquery(matches)))
        else:
            condition &= Q(pk__in=matches)
    return condition


def child_list(
    *,
    user: User,
    q: str = "",
    status: str = "",
    sex: str = "",
    area: str = "",
    project: str = "",
    organisation: int | None = None,
) -> QuerySet[Child]:
    """The children the user may see, filtered: ``q`` searches names through the blind index
    (exact and phonetic), ``area`` is an AdminArea code, ``project`` a project code."""
    qs = children_for(user).select_related("organisation", "area", "case_worker")
    if q.strip():
        nationwide = roles.is_system_admin(user) or bool(roles.coordinated_country_ids(user))
        qs = qs.filter(name_search_q(q, nationwide=nationwide))
    if status:
        qs = qs.filter(status=status)
    if sex:
        qs = qs.filter(sex=sex)
    if area:
        qs = qs.filter(area__code=area)
    if project:
        qs = qs.filter(enrolments__project__code=project)
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    # Newest registered first. The key grows with every registration, and a name search
    # reads the blind-index tokens in the same order: the page then stops at its 50th child
    # instead of sorting every child of a common name (12,000 of a million children: page
    # p95 168 -> 70 ms).
    return qs.order_by("-pk")


def access_log(child: Child) -> QuerySet[AuditEvent]:
    """Every audit event of the child's record (views, changes, exports, visits…)."""
    return (
        AuditEvent.objects.filter(object_type="monitoring.child", object_id=str(child.pk))
        .select_related("actor", "organisation")
        .order_by("-at", "-id")
    )


# -- referrals -------------------------------------------------------------------------------


def provider_organisation_ids(user: User) -> set[int]:
    return {m.organisation_id for m in roles.memberships(user) if m.role != Role.ANALYST}


def referrals_received(
    *,
    user: User,
    status: str = "",
    referred_from: date | None = None,
    referred_to: date | None = None,
) -> QuerySet[Referral]:
    """Referrals made to the user's organisations (the provider's inbox), newest referral
    date first, optionally between two referral dates (inclusive)."""
    qs = Referral.objects.filter(
        to_organisation_id__in=provider_organisation_ids(user), child__merged_into__isnull=True
    ).select_related("child", "from_organisation", "to_organisation", "contact")
    qs = qs.prefetch_related("deliveries")
    if status:
        qs = qs.filter(status=status)
    if referred_from:
        qs = qs.filter(referred_on__gte=referred_from)
    if referred_to:
        qs = qs.filter(referred_on__lte=referred_to)
    # Read in order from the (provider[, status], referral date, id) indexes.
    return qs.order_by("-referred_on", "-pk")


def referrals_sent(*, user: User, status: str = "") -> QuerySet[Referral]:
    """Referrals of children the user may see."""
    scope = _scope(user, "child__")
    qs = Referral.objects.filter(child__merged_into__isnull=True)
    if scope is not None:
        qs = qs.filter(scope)
    qs = qs.select_related("child", "from_organisation", "to_organisation", "contact")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def referral_with_deliveries(referral: Referral) -> Referral:
    """The same referral (already access-checked) with its deliveries, freshly read."""
    return (
        Referral.objects.select_related("child", "from_organisation", "to_organisation", "contact")
        .prefetch_related("deliveries")
        .get(pk=referral.pk)
    )


@dataclass(frozen=True)
class ReferralForProvider:
    """All a service provider sees of a referred child: nothing beyond these fields."""

    public_id: str
    first_name: str
    age: int | None
    sex: str
    sex_display: str
    service_type: str
    service_type_display: str
    notes: str
    status: str
    status_display: str
    referred_on: date
    from_organisation: str
    contact_name: str
    contact_email: str
    version: int
    deliveries: list[dict[str, Any]]


def referral_for_provider(referral: Referral, *, today: date | None = None) -> ReferralForProvider:
    from synergy.monitoring.services import age_on

    child = referral.child
    contact = referral.contact
    return ReferralForProvider(
        public_id=str(referral.public_id),
        first_name=child.first_name,
        age=age_on(child, today or timezone.localdate()),
        sex=child.sex,
        sex_display=str(child.get_sex_display()),
        service_type=referral.service_type,
        service_type_display=str(referral.get_service_type_display()),
        notes=referral.notes,
        status=referral.status,
        status_display=str(referral.get_status_display()),
        referred_on=referral.referred_on,
        from_organisation=str(referral.from_organisation),
        contact_name=(contact.get_full_name() or contact.username) if contact else "",
        contact_email=contact.email if contact else "",
        version=referral.version,
        deliveries=[
            {
                "start_date": d.start_date,
                "end_date": d.end_date,
                "description": d.description,
            }
            for d in referral.deliveries.all()
        ],
    )


# -- work lists ------------------------------------------------------------------------------

DUE_SOON_DAYS = 14


def followups_due(
    *, user: User, today: date | None = None, overdue_only: bool = False, status: str = ""
) -> QuerySet[Child]:
    """Open cases of the user's writable organisations assigned to the user (or to nobody)
    whose next follow-up is due within two weeks or overdue, most overdue first."""
    today = today or timezone.localdate()
    limit = today - timedelta(days=1) if overdue_only else today + timedelta(days=DUE_SOON_DAYS)
    qs = (
        Child.objects.filter(
            merged_into__isnull=True,
            organisation_id__in=writable_organisation_ids(user),
            status__in=OPEN_STATUSES,
            next_followup_on__lte=limit,
        )
        .filter(Q(case_worker=user) | Q(case_worker__isnull=True))
        .select_related("organisation", "area", "case_worker")
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("next_followup_on", "pk")


def duplicates_to_resolve(*, user: User) -> QuerySet[PossibleDuplicate]:
    """Open possible duplicates the user resolves: within their organisations, or across
    organisations for coordinators of the country."""
    own = Q(cross_organisation=False, child__organisation_id__in=writable_organisation_ids(user))
    if roles.is_system_admin(user):
        scope = Q()
    else:
        scope = own | Q(child__country_id__in=roles.coordinated_country_ids(user))
    return (
        PossibleDuplicate.objects.filter(scope, status=DuplicateStatus.OPEN)
        .select_related("child", "candidate", "child__organisation", "candidate__organisation")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class CaseloadRow:
    case_worker_id: int | None
    case_worker: str
    open_cases: int
    overdue: int


def caseload(*, user: User, today: date | None = None) -> list[CaseloadRow]:
    """Per case worker of the organisations the user manages: open cases, overdue follow-ups.
    One query whatever the number of workers."""
    today = today or timezone.localdate()
    rows = (
        Child.objects.filter(
            merged_into__isnull=True,
            organisation_id__in=roles.managed_organisation_ids(user),
            status__in=OPEN_STATUSES,
        )
        .values(
            "case_worker_id",
            "case_worker__username",
            "case_worker__first_name",
            "case_worker__last_name",
        )
        .annotate(
            open_cases=Count("pk"),
            overdue=Count("pk", filter=Q(next_followup_on__lt=today)),
        )
        .order_by("-overdue", "case_worker__username")
    )
    out = []
    for row in rows:
        name = " ".join(
            p for p in (row["case_worker__first_name"], row["case_worker__last_name"]) if p
        ) or (row["case_worker__username"] or "")
        out.append(CaseloadRow(row["case_worker_id"], name, row["open_cases"], row["overdue"]))
    return out


def project_counts(*, project_id: int) -> dict[tuple[int, str, str], int]:
    """(organisation id, kind, sex) → children currently counted (not relapsed)."""
    rows = (
        Outcome.objects.filter(project_id=project_id, relapsed_on__isnull=True)
        .values("organisation_id", "kind", "sex")
        .annotate(n=Count("pk"))
    )
    return {(r["organisation_id"], r["kind"], r["sex"]): r["n"] for r in rows}


def referral_counts(*, user: User) -> dict[str, int]:
    return {
        "received_pending": referrals_received(user=user, status=ReferralStatus.PENDING).count(),
        "sent_pending": referrals_sent(user=user, status=ReferralStatus.PENDING).count(),
    }
