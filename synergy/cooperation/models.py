"""South-South cooperation: what each country has in place, what it needs and offers, and the
exchanges between countries with what came of them.

Data only. Writes go through ``services.py`` (versions, history, audit), reads through
``selectors.py`` and fetch-and-check through ``access.py``; the ranking of provider countries
is ``matching.py`` (its method is in ``docs/cooperation-matching.md``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from synergy.core.models import Country, Organisation
from synergy.core.versioning import Versioned, VersionLocked
from synergy.indicators.models import Action
from synergy.knowledge.models import Event, GoodPractice, Theme
from synergy.partners.models import Partnership


class LegalTradition(models.TextChoices):
    CIVIL = "civil", _("Civil law")
    COMMON = "common", _("Common law")
    MIXED = "mixed", _("Mixed system")
    ISLAMIC = "islamic", _("Islamic law with civil or common law")
    CUSTOMARY = "customary", _("Customary law with civil or common law")


class IncomeGroup(models.TextChoices):
    """The World Bank's income groups, in order (the level of development compares ranks)."""

    LOW = "low", _("Low income")
    LOWER_MIDDLE = "lower_middle", _("Lower-middle income")
    UPPER_MIDDLE = "upper_middle", _("Upper-middle income")
    HIGH = "high", _("High income")


INCOME_RANK = {value: rank for rank, value in enumerate(IncomeGroup.values)}


class Convention(models.TextChoices):
    C138 = "c138", _("C138 Minimum Age Convention")
    C182 = "c182", _("C182 Worst Forms of Child Labour Convention")
    C29 = "c29", _("C29 Forced Labour Convention")
    P29 = "p29", _("P29 Protocol to the Forced Labour Convention")


class InPlace(models.TextChoices):
    """What a country has in place against child labour (a profile records the year)."""

    NATIONAL_ACTION_PLAN = "national_action_plan", _("National action plan")
    HAZARDOUS_WORK_LIST = "hazardous_work_list", _("Hazardous work list")
    CHILD_LABOUR_UNIT = "child_labour_unit", _("Child labour unit")
    STEERING_COMMITTEE = "steering_committee", _("National steering committee")
    TRIPARTITE_COMMISSION = "tripartite_commission", _("Tripartite child labour commission")
    CLMS = "clms", _("Child labour monitoring system")
    CCT = "cct", _("Conditional cash transfer")
    LABOUR_INSPECTION = "labour_inspection", _("Labour inspection covering child labour")
    TRADE_UNION_POLICY = "trade_union_policy", _("Trade union policy on child labour")
    FREE_ZONES = "free_zones", _("Child labour free zones")
    SCREAM = "scream", _("SCREAM education programme")
    ANTI_TRAFFICKING = "anti_trafficking", _("Anti-trafficking law and referral mechanism")


class CountryProfile(VersionLocked):
    """The facts about a country that make it a good partner for another: legal context,
    institutions, level of development. Region and official languages are not stored: they
    come from the country table and from Babel's CLDR data (``profiles.py``)."""

    country = models.OneToOneField(
        Country, on_delete=models.PROTECT, related_name="cooperation_profile"
    )
    legal_tradition = models.CharField(
        _("legal tradition"), max_length=12, choices=LegalTradition.choices, blank=True
    )
    income_group = models.CharField(
        _("income group"), max_length=14, choices=IncomeGroup.choices, blank=True
    )
    minimum_age = models.PositiveSmallIntegerField(
        _("general minimum working age"),
        null=True,
        blank=True,
        validators=[MinValueValidator(12), MaxValueValidator(18)],
    )
    c138_ratified_on = models.DateField(_("C138 ratified on"), null=True, blank=True)
    c182_ratified_on = models.DateField(_("C182 ratified on"), null=True, blank=True)
    c29_ratified_on = models.DateField(_("C29 ratified on"), null=True, blank=True)
    p29_ratified_on = models.DateField(_("P29 ratified on"), null=True, blank=True)
    # The latest 8.7.1 figure when no survey of the country is in Synergy (a survey's wins).
    prevalence_percent = models.DecimalField(
        _("children in child labour (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    prevalence_year = models.PositiveSmallIntegerField(
        _("year of the figure"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    prevalence_source = models.CharField(_("source of the figure"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["country__name"]
        verbose_name = _("country profile")
        verbose_name_plural = _("country profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(prevalence_percent__isnull=True) | Q(prevalence_year__isnull=False),
                name="profile_prevalence_has_year",
            )
        ]

    def __str__(self) -> str:
        return str(self.country)


class ProfileMeasure(models.Model):
    """One thing a country has in place, since a year."""

    profile = models.ForeignKey(CountryProfile, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("in place"), max_length=24, choices=InPlace.choices)
    since = models.PositiveSmallIntegerField(
        _("since"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "kind"], name="profile_measure_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.since or '?'})"


class ProfileVersion(models.Model):
    """A profile as it was saved at ``number`` (= CountryProfile.version): the history shown
    on the profile page."""

    profile = models.ForeignKey(CountryProfile, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    changed = models.JSONField(default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "number"], name="profile_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.profile} v{self.number}"


class CooperationForm(models.TextChoices):
    STUDY_TOUR = "study_tour", _("Study tour")
    WORKSHOP = "workshop", _("Workshop")
    TECHNICAL_ASSISTANCE = "technical_assistance", _("Technical assistance")
    MATERIALS = "materials", _("Exchange of materials")
    JOINT_TRAINING = "joint_training", _("Joint training")
    TRIANGULAR = "triangular", _("Triangular project with a donor")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    CLOSED = "closed", _("Closed")


class CooperationRequest(Versioned):
    """What needs and offers share: a country, a theme, a text and a preferred form."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    form = models.CharField(
        _("preferred form"), max_length=24, choices=CooperationForm.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=8, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Need(CooperationRequest):
    """What a country wants to learn. A confidential need is seen only by its country's
    national coordinators and administrators."""

    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="cooperation_needs", verbose_name=_("organisations")
    )
    confidential = models.BooleanField(_("confidential"), default=False)
    action = models.ForeignKey(
        Action,
        verbose_name=_("roadmap action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cooperation_needs",
    )

    class Meta(CooperationRequest.Meta):
        verbose_name = _("need")
        verbose_name_plural = _("needs")


class Offer(CooperationRequest):
    """What a country can share, backed by its published good practices."""

    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="cooperation_offers", verbose_name=_("organisations")
    )
    practices = models.ManyToManyField(
        GoodPractice, blank=True, related_name="cooperation_offers", verbose_name=_("practices")
    )

    class Meta(CooperationRequest.Meta):
        verbose_name = _("offer")
        verbose_name_plural = _("offers")


class ExchangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    CARRIED_OUT = "carried_out", _("Carried out")
    FOLLOWED_UP = "followed_up", _("Followed up")
    CANCELLED = "cancelled", _("Cancelled")


class ExchangeOutcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    ADAPTED = "adapted", _("Adapted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class Exchange(Versioned):
    """A need taken up by a provider country: proposed → agreed (the agreement recorded as a
    partnership) → carried out (linked to its events) → followed up (the outcome)."""

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="exchanges")
    provider = models.ForeignKey(
        Country, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="+"
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.SET_NULL, null=True, blank=True, related_name="exchanges"
    )
    provider_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("provider organisations")
    )
    form = models.CharField(_("form"), max_length=24, choices=CooperationForm.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ExchangeStatus.choices, default=ExchangeStatus.PROPOSED
    )
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("agreement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cooperation_exchanges",
    )
    events = models.ManyToManyField(
        Event, blank=True, related_name="cooperation_exchanges", verbose_name=_("events")
    )
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    carried_out_on = models.DateField(_("carried out on"), null=True, blank=True)
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=ExchangeOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("what came of it, and why"), blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | Q(status="followed_up"),
                name="exchange_outcome_when_followed_up",
            )
        ]

    def __str__(self) -> str:
        return f"{self.need.title} ← {self.provider}"


class ExchangeStep(models.Model):
    """One move of an exchange, with who made it and why: the exchange's history."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=12, choices=ExchangeStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ExchangeStatus.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"
