"""Partnerships, projects (action programmes) with their targets, and 4W activities.

Who agreed with whom (Partnership, PartnershipParty, FocalPoint, PartnershipDocument), who runs
which programme with which targets (Project, ProjectParticipant, ProjectTarget), and who does
what where (Activity). The interop app maps these to IATI activities and HXL 3W/4W tables, so
the codes below are stable: rename a label, never a stored value.

Multi-valued classifications of a project (service types, target groups, focus, exploitation
forms) are JSON lists of the codes in the TextChoices below. They are filtered with the
``icontains='"<code>"'`` lookup, which works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from synergy.core.models import AdminArea, Country, Organisation, User
from synergy.core.versioning import Versioned
from synergy.core.vocab import ExploitationForm, Sex

# ---------------------------------------------------------------------------------------------
# Code lists
# ---------------------------------------------------------------------------------------------


class PartnershipKind(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding")
    NATIONAL_FORUM = "national_forum", _("National partners forum")
    SOUTH_SOUTH = "south_south", _("South-South cooperation")
    TRIANGULAR = "triangular", _("Triangular cooperation (with a donor)")
    OTHER = "other", _("Other agreement")


class PartnershipStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    ENDED = "ended", _("Ended")


class PartyRole(models.TextChoices):
    """A party's role in a partnership. IATI OrganisationRole: lead → 2 (accountable),
    implementing → 4, funding → 1, technical provider → 3 (extending), beneficiary → none."""

    LEAD = "lead", _("Lead")
    IMPLEMENTING = "implementing", _("Implementing")
    FUNDING = "funding", _("Funding")
    TECHNICAL = "technical", _("Technical provider")
    BENEFICIARY = "beneficiary", _("Beneficiary")


class ParticipantRole(models.TextChoices):
    """An organisation's role in a project. IATI OrganisationRole: funding → 1,
    lead → 2 (accountable), implementing → 4."""

    LEAD = "lead", _("Lead")
    IMPLEMENTING = "implementing", _("Implementing")
    FUNDING = "funding", _("Donor")


IATI_PARTICIPANT_ROLE = {
    ParticipantRole.FUNDING: "1",
    ParticipantRole.LEAD: "2",
    ParticipantRole.IMPLEMENTING: "4",
}


class ShareBasis(models.TextChoices):
    BUDGET = "budget", _("Percent of budget")
    TARGETS = "targets", _("Percent of targets")


class BudgetInterval(models.TextChoices):
    """How a project's budget is reported period by period (IATI: at most a year each)."""

    YEAR = "year", _("Yearly")
    QUARTER = "quarter", _("Quarterly")


class ProjectStatus(models.IntegerChoices):
    """IATI ActivityStatus codelist, stored as its code."""

    PIPELINE = 1, _("Pipeline / identification")
    IMPLEMENTATION = 2, _("Implementation")
    FINALISATION = 3, _("Finalisation")
    CLOSED = 4, _("Closed")
    CANCELLED = 5, _("Cancelled")
    SUSPENDED = 6, _("Suspended")


class ServiceType(models.TextChoices):
    EDUCATION = "education", _("Education")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial counselling")
    HEALTH = "health", _("Health")
    LIVELIHOOD = "livelihood", _("Family and livelihood development")
    VOCATIONAL = "vocational", _("Vocational training")
    AWARENESS = "awareness", _("Awareness raising")
    LEGAL_AID = "legal_aid", _("Legal aid")
    RESCUE = "rescue", _("Rescue and rehabilitation")
    MONITORING = "monitoring", _("Child labour monitoring")
    SOCIAL_PROTECTION = "social_protection", _("Social protection")


class Focus(models.TextChoices):
    RURAL_INFORMAL = "rural_informal", _("Rural and informal economy")
    SUPPLY_CHAIN = "supply_chain", _("Enterprises and supply chains")
    CRISIS = "crisis", _("Crisis and fragile situations")


class TargetKind(models.TextChoices):
    WITHDRAW = "withdraw", _("Withdraw")
    PREVENT = "prevent", _("Prevent")


class InterventionType(models.TextChoices):
    PREVENTION = (
        "prevention",
        _("Broad prevention (livelihoods, training, education, awareness raising)"),
    )
    SAFE_MIGRATION = "safe_migration", _("Safe migration")
    ENFORCEMENT = "enforcement", _("Monitoring and enforcement of labour law")
    VICTIM_ASSISTANCE = "victim_assistance", _("Victim assistance")
    POLICY = "policy", _("Policy and legislation")
    CAPACITY = "capacity", _("Capacity building")
    RESEARCH = "research", _("Research")
    COORDINATION = "coordination", _("Coordination")


class Level(models.TextChoices):
    POLICY = "policy", _("Policy / enabling level")
    OUTREACH = "outreach", _("Outreach / direct assistance level")


class MigrationStage(models.TextChoices):
    SOURCE = "source", _("Source")
    TRANSIT = "transit", _("Transit")
    DESTINATION = "destination", _("Destination")


# ---------------------------------------------------------------------------------------------
# Partnerships
# ---------------------------------------------------------------------------------------------


class Partnership(Versioned):
    """An agreement between organisations: an MoU, a national partners forum, a South-South
    or triangular cooperation. Its parties, their roles, responsibilities and focal points are
    in PartnershipParty and FocalPoint; signed texts in PartnershipDocument.

    ``countries`` are where it applies (several for South-South); national coordinators of any
    of them may edit it."""

    title = models.CharField(_("title"), max_length=250)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnershipKind.choices)
    description = models.TextField(_("description"), blank=True)
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), related_name="partnerships", blank=True
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PartnershipStatus.choices,
        default=PartnershipStatus.ACTIVE,
    )

    class Meta:
        ordering = ["-start_date", "title", "pk"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="partnership_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title


class PartnershipParty(models.Model):
    """One organisation's part in a partnership: its role and the responsibilities it took
    on. An organisation may hold several roles (one row each)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="partnership_parties",
    )
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)
    responsibilities = models.TextField(_("responsibilities"), blank=True)

    class Meta:
        ordering = ["partnership", "role", "organisation__name"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation", "role"], name="party_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_role_display()}"


class FocalPoint(models.Model):
    """The named contact person of one organisation for one partnership. Contact data of an
    adult: shown to signed-in members only, never exported in open formats."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="focal_points"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["partnership", "organisation__name", "name"]
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")

    def __str__(self) -> str:
        return self.name


class PartnershipDocument(models.Model):
    """A file attached to a partnership (the signed MoU, minutes of a forum), under
    MEDIA_ROOT/partners/documents/."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=250)
    file = models.FileField(_("file"), upload_to="partners/documents/%Y/")
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    class Meta:
        ordering = ["partnership", "-uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


# ---------------------------------------------------------------------------------------------
# Projects (action programmes)
# ---------------------------------------------------------------------------------------------


class Project(Versioned):
    """An action programme: an IATI activity. ``code`` is unique (the IATI identifier, when
    published, is ``iati_identifier``). Organisations and their roles are ProjectParticipant
    rows (lead, implementing with a share, donors); targets are ProjectTarget rows.

    ``service_types``, ``target_groups``, ``focus`` and ``exploitation_forms`` are JSON lists
    of ServiceType, TargetGroup, Focus and ExploitationForm codes. ``supply_chain_sector`` is
    free text (e.g. "tea", "garments") used when focus includes supply_chain. The budget is one
    total over ``budget_period_start``..``budget_period_end`` in ``budget_currency`` (ISO 4217).
    """

    code = models.CharField(_("code"), max_length=50, unique=True)
    iati_identifier = models.CharField(_("IATI identifier"), max_length=150, blank=True)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), related_name="projects"
    )
    areas = models.ManyToManyField(
        AdminArea, verbose_name=_("administrative areas"), related_name="projects", blank=True
    )
    service_types = models.JSONField(_("service types"), default=list, blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    focus = models.JSONField(_("focus"), default=list, blank=True)
    supply_chain_sector = models.CharField(_("supply chain sector"), max_length=100, blank=True)
    exploitation_forms = models.JSONField(_("forms of exploitation"), default=list, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.PositiveSmallIntegerField(
        _("status"), choices=ProjectStatus.choices, default=ProjectStatus.PIPELINE
    )
    budget_amount = models.DecimalField(
        _("budget"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    budget_currency = models.CharField(_("currency"), max_length=3, blank=True, default="USD")
    budget_period_start = models.DateField(_("budget period start"), null=True, blank=True)
    budget_period_end = models.DateField(_("budget period end"), null=True, blank=True)
    budget_interval = models.CharField(
        _("budget reported"),
        max_length=8,
        choices=BudgetInterval.choices,
        default=BudgetInterval.YEAR,
        help_text=_("The periods of the budget in exports (IATI): calendar years or quarters."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [models.Index(fields=["status", "code"], name="project_status_code")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"


class ProjectParticipant(models.Model):
    """An organisation in a project: the lead, an implementing partner (with its share of the
    budget or of the targets, in percent) or a donor."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="project_participations",
    )
    role = models.CharField(_("role"), max_length=16, choices=ParticipantRole.choices)
    share_percent = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    share_basis = models.CharField(
        _("share of"), max_length=8, choices=ShareBasis.choices, blank=True
    )

    class Meta:
        ordering = ["project", "role", "organisation__name"]
        verbose_name = _("project participant")
        verbose_name_plural = _("project participants")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "role"], name="participant_unique_role"
            )
        ]
        indexes = [models.Index(fields=["organisation", "role"], name="participant_org_role")]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_role_display()}"


class ProjectTarget(models.Model):
    """How many children one implementing partner is to withdraw or prevent, by sex.

    Also the project's IATI result indicators: one indicator per ``kind`` ("children
    withdrawn", "children prevented"), measure 1 (unit), with a ``sex`` dimension; ``baseline``
    and ``number`` (the target) and, once known, ``actual``."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="targets")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=TargetKind.choices)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    number = models.PositiveIntegerField(_("target"))
    baseline = models.PositiveIntegerField(_("baseline"), null=True, blank=True)
    actual = models.PositiveIntegerField(_("achieved"), null=True, blank=True)

    class Meta:
        ordering = ["project", "organisation__name", "kind", "sex"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "kind", "sex"], name="target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_sex_display()}: {self.number}"


# ---------------------------------------------------------------------------------------------
# Who does what where (4W)
# ---------------------------------------------------------------------------------------------


class Activity(Versioned):
    """Who (organisation) does what (intervention type, level) where (country, admin area,
    migration stage) when (start..end; end empty = ongoing), against which form of
    exploitation, reaching whom: people reached by sex and age group, in four integer columns
    ``reached_<f|m>_<child|adult>`` (child = 5-17 years, adult = 18 and over)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    title = models.CharField(_("title"), max_length=250, blank=True)
    intervention_type = models.CharField(
        _("intervention type"), max_length=20, choices=InterventionType.choices
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="activities"
    )
    admin_area = models.ForeignKey(
        AdminArea,
        verbose_name=_("administrative area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    migration_stage = models.CharField(
        _("migration stage"), max_length=12, choices=MigrationStage.choices
    )
    exploitation_form = models.CharField(
        _("form of exploitation"), max_length=16, choices=ExploitationForm.choices
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    reached_f_child = models.PositiveIntegerField(_("girls reached (5-17)"), default=0)
    reached_m_child = models.PositiveIntegerField(_("boys reached (5-17)"), default=0)
    reached_f_adult = models.PositiveIntegerField(_("women reached (18+)"), default=0)
    reached_m_adult = models.PositiveIntegerField(_("men reached (18+)"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            # The matrix: one country, grouped by level × type × stage, distinct organisations,
            # read from the index alone in its order, also under the area, form and period
            # filters (their columns are included; PostgreSQL only, SQLite ignores INCLUDE).
            models.Index(
                fields=["country", "level", "intervention_type", "migration_stage", "organisation"],
                include=["admin_area", "exploitation_form", "start_date", "end_date"],
                name="activity_matrix",
            ),
            # The coverage map: distinct (area, organisation) pairs of one country, read from
            # the index alone, with the same filter columns included.
            models.Index(
                fields=["country", "admin_area", "organisation"],
                include=["exploitation_form", "start_date", "end_date"],
                name="activity_area_org",
            ),
            # A period filter: the activities of one country that start before its end, with
            # every column the matrix and the map group by, read from the index alone
            # (otherwise 80,000 heap reads for a year of 200,000 activities: 130 -> 50 ms).
            models.Index(
                fields=["country", "start_date"],
                include=[
                    "end_date",
                    "level",
                    "intervention_type",
                    "migration_stage",
                    "organisation",
                    "admin_area",
                    "exploitation_form",
                ],
                name="activity_country_period",
            ),
            models.Index(fields=["organisation", "start_date"], name="activity_org_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="activity_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title or f"{self.organisation} · {self.get_intervention_type_display()}"

    @property
    def reached_total(self) -> int:
        return (
            self.reached_f_child
            + self.reached_m_child
            + self.reached_f_adult
            + self.reached_m_adult
        )


class ActivityState(models.Model):
    """One row (pk 1) whose ``token`` changes with every write to the activities table.

    Database triggers (migration 0004, PostgreSQL and SQLite) replace the token with a random
    one after any INSERT, UPDATE or DELETE on partners_activity, so it follows every writer:
    the services, the interop import, the admin, bulk writes, cascades, fixtures. The
    who-does-what-where matrix caches its grouped counts under this token (selectors), so a
    cached result is always one computed from the activities as they are now. A rolled-back
    write restores the old token together with the old rows. Without the row (a flushed
    test database) nothing is cached."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("activity state")
        verbose_name_plural = _("activity states")

    def __str__(self) -> str:
        return self.token
