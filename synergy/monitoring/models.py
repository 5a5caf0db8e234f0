"""The child labour monitoring system (CLMS): one child's record from identification to closure.

Household ─< Child ─< Visit            (each visit classified by synergy.classification)
                  ─< Referral ─< ServiceDelivery
                  ─< StatusChange       (history of Child.status, append-only)
                  ─< ProjectEnrolment   (links the child to a project and a partner's targets)
                  ─< Outcome            (withdrawn OR prevented, once per (project, child))
                  ─< ChildNameToken     (blind index of each word of the name, for search)
PossibleDuplicate (child, candidate)     (found at registration; resolved by a coordinator)
NationalPolicy (per country)             (classification framework + Policy JSON + status rules)
ProjectRules (per project)               (overrides of the status-rule parameters)
RiskFactor                               (configurable list of prevention risk factors)

Personal data (names, contacts, addresses, photos, free-text notes, identifiers) is stored in
encrypted columns (synergy.monitoring.crypto); names are searchable through blind indexes only.
Every record shown in a URL is addressed by its ``public_id`` (UUID), never by ``pk`` or name.
Editable records carry ``version`` (compare-and-set in services; stale saves are refused).

Writes go through synergy.monitoring.services, never through ``save()`` from views or other
apps; reads through synergy.monitoring.selectors and access.py.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from synergy.classification import FRAMEWORKS
from synergy.core.models import AdminArea, Country, Organisation
from synergy.core.versioning import VersionLocked
from synergy.core.vocab import Sex
from synergy.monitoring.crypto import (
    EncryptedBinaryField,
    EncryptedJSONField,
    EncryptedTextField,
)
from synergy.partners.models import Project


class SchoolStatus(models.TextChoices):
    ATTENDING = "attending", _("Enrolled and attending")
    IRREGULAR = "irregular", _("Enrolled, attending irregularly")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    NEVER_ENROLLED = "never_enrolled", _("Never enrolled")
    COMPLETED = "completed", _("Completed compulsory schooling")


class Livelihood(models.TextChoices):
    FARMING = "farming", _("Farming (own land)")
    AGRI_LABOUR = "agri_labour", _("Agricultural wage labour")
    DAILY_WAGE = "daily_wage", _("Daily wage labour (non-agricultural)")
    TRADE = "trade", _("Small trade / self-employed")
    SALARIED = "salaried", _("Salaried employment")
    REMITTANCES = "remittances", _("Remittances")
    NONE = "none", _("No regular income")
    OTHER = "other", _("Other")


class ConsentBy(models.TextChoices):
    HEAD = "head", _("Head of household")
    PARENT = "parent", _("Parent")
    GUARDIAN = "guardian", _("Legal guardian")
    CHILD = "child", _("Child (assent)")
    OTHER = "other", _("Other adult caregiver")


class Status(models.TextChoices):
    """Case status. Transitions are decided by synergy.monitoring.rules only."""

    IDENTIFIED = "identified", _("Identified")
    REFERRED = "referred", _("Referred")
    RECEIVING_SERVICES = "receiving_services", _("Receiving services")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PREVENTED = "prevented", _("Prevented")
    RELAPSED = "relapsed", _("Relapsed")
    CLOSED = "closed", _("Closed")


class Track(models.TextChoices):
    """Why the child is followed: in child labour when identified (withdrawal), or at high risk
    but not working (prevention). Set by the rules; a prevention child who starts working moves
    to the withdrawal track."""

    NONE = "", _("Not yet assessed")
    WITHDRAWAL = "withdrawal", _("Withdrawal (in child labour)")
    PREVENTION = "prevention", _("Prevention (at risk)")


class NationalPolicy(VersionLocked):
    """The classification policy and status-rule parameters of one country.

    ``policy`` is the JSON of synergy.classification.Policy (missing keys take the reference
    defaults; ``Policy.from_json`` validates it). ``rules`` holds status-rule parameters (see
    synergy.monitoring.rules.RuleParams: attendance_threshold, clean_followups_to_close,
    months_between_followups, followup_interval_days, permitted_work_min_age); empty = defaults.
    A country without a row uses framework icls-sna and the reference policy."""

    country = models.OneToOneField(
        Country, on_delete=models.PROTECT, primary_key=True, related_name="clms_policy"
    )
    framework = models.CharField(
        _("framework"),
        max_length=12,
        choices=[(f, f) for f in FRAMEWORKS],
        default="icls-sna",
    )
    policy = models.JSONField(_("classification policy (JSON)"), default=dict, blank=True)
    rules = models.JSONField(_("status rule parameters (JSON)"), default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("national policy")
        verbose_name_plural = _("national policies")

    def __str__(self) -> str:
        return f"{self.country_id} · {self.framework}"


class ProjectRules(models.Model):
    """Status-rule parameters of one project, overriding its country's (same keys as
    NationalPolicy.rules)."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, primary_key=True, related_name="clms_rules"
    )
    rules = models.JSONField(_("status rule parameters (JSON)"), default=dict, blank=True)

    class Meta:
        verbose_name = _("project status rules")
        verbose_name_plural = _("project status rules")

    def __str__(self) -> str:
        return str(self.project_id)


class RiskFactor(models.Model):
    """A configurable risk factor for prevention (sibling of a child labourer, out of school,
    high-risk area, …). Children store the codes in ``Child.risk_factors``."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    label = models.CharField(_("label"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("risk factor")
        verbose_name_plural = _("risk factors")

    def __str__(self) -> str:
        return self.label


class Household(VersionLocked):
    """A household visited by the CLMS. ``organisation`` registered it and owns it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="clms_households"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(
        AdminArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Personal data, encrypted.
    address = EncryptedTextField(_("address"), blank=True)
    head_name = EncryptedTextField(_("head of household"), blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    members = EncryptedJSONField(
        _("members"),
        null=True,
        blank=True,
        help_text=_("List of members: name, relationship, sex, age."),
    )
    member_count = models.PositiveSmallIntegerField(_("number of members"), default=0)
    livelihood = models.CharField(
        _("main livelihood"), max_length=16, choices=Livelihood.choices, blank=True
    )
    livelihood_notes = models.CharField(_("livelihood details"), max_length=250, blank=True)
    consent_given = models.BooleanField(_("consent given"), default=False)
    consent_by = models.CharField(
        _("consent given by"), max_length=10, choices=ConsentBy.choices, blank=True
    )
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [models.Index(fields=["organisation", "created_at"], name="hh_org_created")]

    def __str__(self) -> str:
        return f"household {self.public_id}"


class Child(VersionLocked):
    """A child followed by the CLMS.

    Names and contacts are encrypted; ``name_fp`` and ``phonetic_fp`` are blind indexes of the
    whole name (see crypto.name_fingerprint/phonetic_fingerprint) and ChildNameToken rows index
    each word, so search and duplicate detection never decrypt. ``birth_year`` is plain for the
    same reason. ``date_of_birth`` may be estimated (``dob_estimated``) from an age.

    ``status``/``track`` change only through services calling rules; ``next_followup_on`` and
    ``last_visit_on`` are kept by the services for the work lists. ``merged_into`` is set on a
    duplicate after a merge: such a child is hidden from lists and counts.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="clms_children"
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(
        AdminArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Personal data, encrypted.
    first_name = EncryptedTextField(_("first name"))
    last_name = EncryptedTextField(_("last name"), blank=True)
    other_names = EncryptedTextField(_("other names"), blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    identifiers = EncryptedJSONField(
        _("identifiers"),
        null=True,
        blank=True,
        help_text=_("Birth registration, school or national identifiers: {kind: number}."),
    )
    photo = EncryptedBinaryField(_("photo"), null=True, blank=True)
    photo_content_type = models.CharField(max_length=40, blank=True)
    # Blind indexes (HMAC-SHA256 hex), never decrypted.
    # Indexed by child_dedup_name and child_dedup below (with the duplicate-search columns).
    name_fp = models.CharField(max_length=64, editable=False)
    phonetic_fp = models.CharField(max_length=64, editable=False)

    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    dob_estimated = models.BooleanField(_("date of birth estimated"), default=False)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    school_status = models.CharField(
        _("school status"), max_length=16, choices=SchoolStatus.choices, blank=True
    )
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    risk_factors = models.JSONField(_("risk factors"), default=list, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IDENTIFIED
    )
    track = models.CharField(
        _("track"), max_length=12, choices=Track.choices, default=Track.NONE, blank=True
    )
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clms_cases",
        verbose_name=_("case worker"),
    )
    last_visit_on = models.DateField(null=True, blank=True, editable=False)
    next_followup_on = models.DateField(null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_children"
    )

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("child")
        verbose_name_plural = _("children")
        indexes = [
            models.Index(fields=["organisation", "status"], name="child_org_status"),
            models.Index(fields=["country", "status"], name="child_country_status"),
            models.Index(fields=["case_worker", "next_followup_on"], name="child_worker_due"),
            # The duplicate search (registration, import, dedup) finds candidates by exact or
            # phonetic name with sex and birth year, and checks country, area and merge
            # from the index alone: a common name has hundreds of records, which an import of
            # 5,000 children read one by one from the table (5.6 of its 11 s).
            models.Index(
                fields=["name_fp", "sex", "birth_year"],
                include=["id", "phonetic_fp", "country", "area", "organisation", "merged_into"],
                name="child_dedup_name",
            ),
            models.Index(
                fields=["phonetic_fp", "sex", "birth_year"],
                include=["id", "name_fp", "country", "area", "organisation", "merged_into"],
                name="child_dedup_sound",
            ),
            # The child lists show the newest first: with this index a coordinator's page of
            # 25 among a million children is read in order, not sorted (375 -> 2 ms).
            models.Index(fields=["created_at", "id"], name="child_created"),
        ]

    def __str__(self) -> str:
        # Never the name: __str__ ends up in logs, admin history and error pages.
        return f"child {self.public_id}"

    @property
    def number(self) -> str:
        """The child's number for field forms: the first 8 characters of its public id (the
        visit form's import accepts it, or the whole id)."""
        return self.public_id.hex[:8]


class ChildNameToken(models.Model):
    """Blind index of one word of a child's name: kind "exact" or "phonetic"."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="name_tokens")
    kind = models.CharField(max_length=8)
    digest = models.CharField(max_length=64)

    class Meta:
        # The child id is in the index, in order: a name matching 20,000 children is then
        # read from the index alone (23,000 token rows: 75 ms of scattered table reads
        # without it), newest child first, so that a list page stops at its 50th child.
        indexes = [models.Index(fields=["kind", "digest", "child"], name="childtoken_find")]
        constraints = [
            models.UniqueConstraint(fields=["child", "kind", "digest"], name="childtoken_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} token of {self.child_id}"


class VisitKind(models.TextChoices):
    IDENTIFICATION = "identification", _("Identification")
    FOLLOW_UP = "follow_up", _("Follow-up")
    VERIFICATION = "verification", _("Verification")


class MonitorRole(models.TextChoices):
    LABOUR_INSPECTOR = "labour_inspector", _("Labour inspector")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    TEACHER = "teacher", _("Teacher")
    COMMUNITY_MONITOR = "community_monitor", _("Community monitor")


# Hazards a monitor can tick on a visit (Recommendation 190 para 3, MICS CL4-CL6); codes are
# stored in Visit.hazards.
HAZARD_LABELS = {
    "heavy_loads": _("Carrying heavy loads"),
    "dangerous_tools": _("Dangerous tools or heavy machinery"),
    "dust_fumes": _("Dust, fumes or gas"),
    "extreme_temperature": _("Extreme cold, heat or humidity"),
    "noise_vibration": _("Loud noise or vibration"),
    "heights": _("Working at heights"),
    "chemicals": _("Chemicals (pesticides, glues) or explosives"),
    "abuse": _("Physical, psychological or sexual abuse"),
}


class Visit(VersionLocked):
    """One visit to a child: what the child does, school attendance, and the classification.

    ``label``/``is_child_labour``/``reasons``/``framework``/``policy_name`` are the result of
    synergy.classification.classify under the country's NationalPolicy, stored at recording
    time (a later policy change does not rewrite history). ``attendance_percent`` is the share
    of school days attended (0-100), None when not known. ``age_at_visit`` is completed years.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="visits")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of visit"), max_length=16, choices=VisitKind.choices)
    visit_date = models.DateField(_("visit date"))
    monitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    monitor_role = models.CharField(
        _("monitor"), max_length=20, choices=MonitorRole.choices, blank=True
    )
    activities = models.CharField(_("work activities"), max_length=500, blank=True)
    industry_code = models.CharField(_("industry (ISIC)"), max_length=10, blank=True)
    occupation_code = models.CharField(_("occupation (ISCO)"), max_length=10, blank=True)
    econ_hours = models.DecimalField(
        _("hours of economic work per week"),
        max_digits=5,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
    )
    chore_hours = models.DecimalField(
        _("hours of household chores per week"),
        max_digits=5,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
    )
    hazardous_conditions = models.BooleanField(_("hazardous conditions"), default=False)
    hazards = models.JSONField(_("hazards observed"), default=list, blank=True)
    night_work = models.BooleanField(_("night work"), default=False)
    worst_forms = models.BooleanField(
        _("worst forms other than hazardous work"),
        default=False,
        help_text=_("Forced labour, trafficking, sexual exploitation, illicit activities."),
    )
    attendance_percent = models.DecimalField(
        _("school attendance (share of school days, 0-100)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    notes = EncryptedTextField(_("notes"), blank=True)

    age_at_visit = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    label = models.CharField(max_length=4, editable=False)
    is_child_labour = models.BooleanField(default=False, editable=False)
    reasons = models.JSONField(default=list, editable=False)
    warnings = models.JSONField(default=list, editable=False)
    framework = models.CharField(max_length=12, editable=False)
    # The status rules' verdict: a follow-up that counts towards withdrawal/closure.
    clean_followup = models.BooleanField(default=False, editable=False)
    policy_name = models.CharField(max_length=200, blank=True, editable=False)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-visit_date", "-pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["child", "visit_date"], name="visit_child_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(attendance_percent__isnull=True)
                | Q(attendance_percent__gte=0, attendance_percent__lte=100),
                name="visit_attendance_range",
            )
        ]

    def __str__(self) -> str:
        return f"visit {self.public_id}"

    @property
    def hazard_labels(self) -> list[str]:
        return [str(HAZARD_LABELS.get(code, code)) for code in self.hazards or []]


class ReferralServiceType(models.TextChoices):
    FORMAL_EDUCATION = "formal_education", _("Formal education")
    NON_FORMAL_EDUCATION = "non_formal_education", _("Non-formal education")
    VOCATIONAL_TRAINING = "vocational_training", _("Vocational training")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial counselling")
    HEALTH = "health", _("Health")
    LIVELIHOOD = "livelihood", _("Family livelihood support")
    LEGAL_AID = "legal_aid", _("Legal aid")
    REHABILITATION = "rehabilitation", _("Rehabilitation")


# Services that count as "education services" for prevention (and USDOL indicator E1).
EDUCATION_SERVICES = frozenset(
    {
        ReferralServiceType.FORMAL_EDUCATION,
        ReferralServiceType.NON_FORMAL_EDUCATION,
        ReferralServiceType.VOCATIONAL_TRAINING,
    }
)


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Referral(VersionLocked):
    """A referral of a child to a service provider organisation for one service type.

    The provider (members of ``to_organisation``) sees only: the child's first name, age and
    sex, ``service_type``, ``notes`` and ``contact`` (the contact point at the referring
    organisation) - see access.access_referral and selectors.ReferralForProvider."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="referrals")
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="clms_referrals_sent"
    )
    to_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="clms_referrals_received",
        verbose_name=_("service provider"),
    )
    service_type = models.CharField(
        _("service type"), max_length=24, choices=ReferralServiceType.choices
    )
    notes = EncryptedTextField(_("notes for the provider"), blank=True)
    consent_given = models.BooleanField(_("consent to share with the provider"), default=False)
    consent_by = models.CharField(
        _("consent given by"), max_length=10, choices=ConsentBy.choices, blank=True
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact point"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    referred_on = models.DateField(_("referral date"), default=timezone.localdate)
    responded_at = models.DateTimeField(null=True, blank=True, editable=False)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            # A provider's inbox, newest referral date first, read in order (42,000 referrals:
            # no sort), with or without a status, and a date range as a range of the index.
            models.Index(
                fields=["to_organisation", "referred_on", "id"], name="referral_inbox_date"
            ),
            models.Index(
                fields=["to_organisation", "status", "referred_on", "id"],
                name="referral_inbox_status",
            ),
            models.Index(fields=["from_organisation", "status"], name="referral_from_status"),
        ]

    def __str__(self) -> str:
        return f"referral {self.public_id}"


class ServiceDelivery(models.Model):
    """A service the provider delivered under a referral: dates and what was provided."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="deliveries")
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    description = models.TextField(_("what was provided"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="delivery_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"service {self.pk}"


class StatusChange(models.Model):
    """One change of a child's status (append-only): from, to, a reason code of
    synergy.monitoring.rules, the visit or referral that caused it, who and when."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    reason = models.CharField(max_length=40)
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status} ({self.reason})"

    @property
    def reason_label(self) -> str:
        return str(REASON_LABELS.get(self.reason, self.reason))


# Readable labels of the reason codes of synergy.monitoring.rules.REASONS.
REASON_LABELS = {
    "registered": _("Registered"),
    "identified_in_child_labour": _("Found in child labour"),
    "enrolled_for_prevention": _("Enrolled for prevention (at risk)"),
    "at_risk_started_working": _("Child at risk started working"),
    "referral_sent": _("Referred to a service"),
    "referral_accepted": _("Referral accepted by the provider"),
    "referral_declined": _("Referral declined by the provider"),
    "verified_withdrawn": _("Verified no longer in child labour"),
    "verified_prevented": _("Verified not working after education services"),
    "closed_clean_followups": _("Closed after clean follow-ups"),
    "relapse": _("Back in child labour"),
    "relapse_back_to_services": _("Back to services after a relapse"),
    "relapse_back_to_identified": _("Back to identified after a relapse"),
    "merged": _("Merged into another record"),
}


class ProjectEnrolment(models.Model):
    """A child enrolled in a project by an (implementing) organisation: the child's outcome in
    that project counts against that organisation's ProjectTarget rows."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="enrolments")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="clms_enrolments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    enrolled_on = models.DateField(_("enrolled on"), default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("project enrolment")
        verbose_name_plural = _("project enrolments")
        constraints = [
            models.UniqueConstraint(fields=["child", "project"], name="enrolment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.child_id} in {self.project_id}"


class OutcomeKind(models.TextChoices):
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PREVENTED = "prevented", _("Prevented")


class Outcome(models.Model):
    """The count: a child withdrawn or prevented in a project, at most once per (project,
    child) - a database constraint. ``organisation`` and ``sex`` are copied from the enrolment
    and the child so counts vs ProjectTarget need no join. ``relapsed_on`` is set when the child
    went back to child labour afterwards (and cleared when verified again); indicators count
    rows with ``relapsed_on IS NULL`` as currently withdrawn/prevented."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="clms_outcomes")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="outcomes")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=OutcomeKind.choices)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    achieved_on = models.DateField()
    visit = models.ForeignKey(
        Visit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    relapsed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(fields=["project", "child"], name="outcome_once_per_project")
        ]
        indexes = [
            models.Index(fields=["project", "organisation", "kind", "sex"], name="outcome_count"),
            # The dashboards' counts by month and sex read only this index (a million
            # children: 71 -> 48 ms per kind), relapsed outcomes left out as the counts do.
            models.Index(
                fields=["kind", "achieved_on", "sex", "organisation"],
                name="outcome_by_day",
                condition=models.Q(relapsed_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.child_id} in {self.project_id}"


class ChildTally(models.Model):
    """Children followed (not merged into another record) and their current outcomes, per
    country and organisation of the child: what the home page's cards add up for a scope
    (an organisation's children, a country's). Counting them from the records reads every
    child of a country (0.6 s at a million); this table has one row per country and
    organisation.

    Database triggers (migration 0015, PostgreSQL and SQLite) keep it: after every insert,
    update or delete of a child or an outcome, whoever the writer (services, imports, field
    sync, the admin, bulk writes). A test compares it with a count of the records after each
    kind of write. ``country`` and ``organisation`` are plain values, not relations: a tally
    row is a figure, not a record anything depends on."""

    country = models.CharField(max_length=2)
    organisation = models.BigIntegerField()
    children = models.BigIntegerField(default=0)
    withdrawn = models.BigIntegerField(default=0)
    prevented = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("children tally")
        verbose_name_plural = _("children tallies")
        constraints = [
            models.UniqueConstraint(fields=["country", "organisation"], name="tally_bucket")
        ]

    def __str__(self) -> str:
        return f"{self.country}/{self.organisation}: {self.children}"


class OutcomeMonth(models.Model):
    """Outcomes not relapsed per organisation, project, kind, sex and month achieved: what
    the dashboards' counts by month read instead of every outcome of a country (350,000 at a
    million children). Kept by database triggers on the outcomes (migration 0016), as
    ``ChildTally`` is; ``month`` is the first day of the month. Plain values, not relations."""

    organisation = models.BigIntegerField()
    project = models.BigIntegerField()
    kind = models.CharField(max_length=10)
    sex = models.CharField(max_length=1)
    month = models.DateField()
    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("outcomes of a month")
        verbose_name_plural = _("outcomes by month")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "project", "kind", "sex", "month"], name="outcome_month"
            )
        ]
        indexes = [models.Index(fields=["kind", "month"], name="outcome_month_kind")]

    def __str__(self) -> str:
        return f"{self.organisation}/{self.project} {self.kind} {self.sex} {self.month}: {self.n}"


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To review")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Not a duplicate")


class PossibleDuplicate(models.Model):
    """``child`` (the newer record) may be the same person as ``candidate``. ``match`` is
    "exact" (same name fingerprint) or "phonetic"; ``score`` 0..1. ``cross_organisation``: the
    two records belong to different organisations, so only a coordinator resolves it and the
    registering user is told only that a duplicate exists elsewhere."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="duplicate_flags")
    candidate = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    match = models.CharField(max_length=10)
    score = models.FloatField(default=0)
    cross_organisation = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(fields=["child", "candidate"], name="duplicate_pair_unique")
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="duplicate_status")]

    def __str__(self) -> str:
        return f"{self.child_id} ~ {self.candidate_id}"


class ImportJobStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    INVALID = "invalid", _("Errors found")
    VALID = "valid", _("Ready to import")
    QUEUED = "queued", _("Waiting to start")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


def _import_source_name(job: ImportJob, _filename: str) -> str:
    # The user's file name stays in ``filename``: a name in a storage path may be personal data.
    return f"monitoring/imports/{job.id}/source.enc"


class ImportJob(models.Model):
    """One file of children being imported: upload -> map -> preview -> confirm -> import.

    ``source`` is the upload, encrypted with the field keys (it is personal data), in the
    project's file storage; it is deleted once imported and by the retention sweep. ``errors``
    hold line, column and message, never a value from the file. The progress of a running
    import is not a column: the import writes all or nothing in one transaction, so it is kept
    beside the source (see ``importing.jobs``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    fmt = models.CharField(max_length=8)
    source = models.FileField(upload_to=_import_source_name, max_length=200, blank=True)
    columns = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    mapping = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.UPLOADED
    )
    rows_done = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    error_total = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("import of children")
        verbose_name_plural = _("imports of children")
        indexes = [models.Index(fields=["status", "created_at"], name="import_job_status")]

    def __str__(self) -> str:
        return f"import {self.id} ({self.status})"

    @property
    def percent(self) -> int:
        total = self.summary.get("children") or self.row_count or 1
        return min(100, round(100 * self.rows_done / total))


class ImportedRecord(models.Model):
    """A record that came from a KoBoToolbox or ODK export, by its identifier in the tool, so
    that importing the same export again changes nothing and an edited submission updates
    the record it made (see ``importing.sources``).

    ``source`` and ``digest`` are blind indexes (HMAC with the blind key) of the identifier and
    of the values imported: an identifier a partner chose may say something about a child, and
    the values are personal data. ``record_id`` is the household's, child's or visit's key."""

    class Kind(models.TextChoices):
        HOUSEHOLD = "household", _("household")
        CHILD = "child", _("child")
        VISIT = "visit", _("visit")
        REFERRAL = "referral", _("referral")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.CharField(max_length=64)
    record_id = models.BigIntegerField()
    digest = models.CharField(max_length=64)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "source"], name="imported_record_source"
            )
        ]

    def __str__(self) -> str:
        return f"imported {self.kind} {self.record_id}"
