"""The shared kernel: people, organisations, their roles, places and the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from synergy.core import countries
from synergy.core.versioning import VersionLocked


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships."""

    preferred_language = models.CharField(_("preferred language"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class IloRegion(models.TextChoices):
    AFRICA = "africa", _("Africa")
    AMERICAS = "americas", _("Americas")
    ARAB_STATES = "arab_states", _("Arab States")
    ASIA_PACIFIC = "asia_pacific", _("Asia and the Pacific")
    EUROPE_CENTRAL_ASIA = "europe_central_asia", _("Europe and Central Asia")


class Country(models.Model):
    """An ISO 3166-1 country, loaded from pycountry with its UN M49 and ILO regions."""

    iso2 = models.CharField(_("ISO alpha-2 code"), max_length=2, primary_key=True)
    iso3 = models.CharField(_("ISO alpha-3 code"), max_length=3, unique=True)
    numeric = models.CharField(_("ISO numeric code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=120)
    official_name = models.CharField(_("official name"), max_length=200, blank=True)
    m49_region_code = models.CharField(_("M49 region code"), max_length=3, blank=True)
    m49_region = models.CharField(_("M49 region"), max_length=60, blank=True)
    m49_subregion_code = models.CharField(_("M49 sub-region code"), max_length=3, blank=True)
    m49_subregion = models.CharField(_("M49 sub-region"), max_length=60, blank=True)
    ilo_region = models.CharField(
        _("ILO region"), max_length=24, choices=IloRegion.choices, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        """The name in the active language (``name`` is the English one)."""
        return countries.local_name(self.name)


class OrganisationKind(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    WORKERS = "workers", _("Workers' organisation")
    EMPLOYERS = "employers", _("Employers' organisation")
    NGO = "ngo", _("NGO / civil society")
    INTERNATIONAL = "international", _("International organisation")
    ACADEMIA = "academia", _("Academia / research")
    MEDIA = "media", _("Media")
    ENTERPRISE = "enterprise", _("Enterprise")
    DONOR = "donor", _("Donor")


# IATI OrganisationType codes (codelist OrganisationType, version 2.03). Workers'
# organisations and media have no code of their own in IATI, so they are "Other" (90); an NGO
# without a country is international (21), with one it is national (22).
IATI_ORGANISATION_TYPE = {
    OrganisationKind.GOVERNMENT: "10",
    OrganisationKind.WORKERS: "90",
    OrganisationKind.EMPLOYERS: "70",
    OrganisationKind.NGO: "22",
    OrganisationKind.INTERNATIONAL: "40",
    OrganisationKind.ACADEMIA: "80",
    OrganisationKind.MEDIA: "90",
    OrganisationKind.ENTERPRISE: "70",
    OrganisationKind.DONOR: "60",
}


class Organisation(VersionLocked):
    """A partner: a ministry, a trade union, an employers' federation, an NGO, a donor…"""

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OrganisationKind.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("Leave empty for an international or regional organisation."),
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    iati_identifier = models.CharField(
        _("IATI organisation identifier"), max_length=100, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="organisation_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def iati_organisation_type(self) -> str:
        if self.kind == OrganisationKind.NGO and self.country_id is None:
            return "21"
        return IATI_ORGANISATION_TYPE[OrganisationKind(self.kind)]


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator")
    PARTNER_MANAGER = "partner_manager", _("Partner manager")
    CASE_WORKER = "case_worker", _("Case worker")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    ANALYST = "analyst", _("Analyst")
    KNOWLEDGE_EDITOR = "knowledge_editor", _("Knowledge editor")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    """A user's role in one organisation. A user may belong to several organisations."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class RolePolicy(models.Model):
    """Security rules an administrator sets per role, such as requiring two-factor sign-in."""

    role = models.CharField(_("role"), max_length=24, choices=Role.choices, unique=True)
    require_two_factor = models.BooleanField(_("require two-factor sign-in"), default=False)

    class Meta:
        verbose_name = _("role policy")
        verbose_name_plural = _("role policies")

    def __str__(self) -> str:
        return str(self.get_role_display())


class AdminArea(models.Model):
    """One unit of a country's administrative hierarchy, valid over a period.

    Boundaries change (districts split, provinces are created), so an area carries the dates
    between which its code was valid rather than being edited in place.
    """

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="admin_areas")
    code = models.CharField(_("code (p-code)"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # A GeoJSON Polygon or MultiPolygon geometry (lon/lat, WGS 84), drawn by the coverage maps.
    geometry = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["country", "level", "code"]
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="adminarea_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only")


class AuditEvent(models.Model):
    """Who did what to which record, when and from where. Append-only.

    ``detail`` holds field names and codes, never personal data: the audit log itself must be
    safe to show to an auditor.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        # Related-object access and Django internals use the base manager: make it the
        # append-only one too.
        base_manager_name = "objects"
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A guard, not domain logic: an audit row once written is never rewritten.
        if self.pk is not None:
            raise PermissionError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only")


class ApiToken(models.Model):
    """A personal API token. Only a hash is stored; the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
