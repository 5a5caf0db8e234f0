"""The knowledge base: good practices, the events where partners learn from each other, and
what those events produced.

Data only. Writes go through ``services.py`` (workflow, versions, audit), reads through
``selectors.py`` (what a user may see) and fetch-and-check through ``access.py``.

Search seam: ``synergy/knowledge/search.py`` (written separately) indexes
``GoodPractice`` (title, summary and the six section fields), ``Outcome`` (lessons learned and
other outcomes) and ``Event``. The field names below are stable.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from synergy.core import vocab
from synergy.core.models import Country, IloRegion, Organisation
from synergy.core.versioning import VersionLocked
from synergy.knowledge import attachments


class TaxonomyName:
    """A vocabulary entry shown by its name in the reader's language when it is one of the
    names Synergy ships with (see migration 0002); a name an administrator added is shown as
    written."""

    name: str

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return gettext(self.name)


class Theme(TaxonomyName, models.Model):
    """A subject a practice is about: child labour monitoring systems, conditional cash
    transfers, SCREAM, labour inspection… Identified by a stable ``slug`` (used in URLs)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class ExploitationForm(TaxonomyName, models.Model):
    """A form of exploitation a practice addresses (hazardous work, domestic work,
    trafficking, commercial sexual exploitation, forced labour…)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    # The SDG 8.7 form this entry is a case of: how a practice meets projects and indicators.
    form = models.CharField(
        _("under SDG 8.7"), max_length=16, choices=vocab.ExploitationForm.choices, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("form of exploitation")
        verbose_name_plural = _("forms of exploitation")


class TargetGroup(TaxonomyName, models.Model):
    """People a practice works with or for (children, families, employers, inspectors…)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    # The shared target group this entry is (the projects' vocabulary).
    group = models.CharField(
        _("shared group"), max_length=32, choices=vocab.TargetGroup.choices, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class PracticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHED = "published", _("Published")


class EvidenceLevel(models.TextChoices):
    SELF_REPORTED = "self_reported", _("Self-reported")
    DOCUMENTED = "documented", _("Documented")
    EVALUATED = "evaluated", _("Evaluated")


# The six sections of an IPEC good practice, in reading order: (field name, label).
SECTION_FIELDS: tuple[tuple[str, Any], ...] = (
    ("background", _("Background")),
    ("action", _("Action")),
    ("achievements", _("Achievements")),
    ("sustainability", _("Sustainability")),
    ("lessons_learned", _("Lessons learned")),
    ("necessary_conditions", _("Necessary conditions")),
)


class GoodPractice(VersionLocked):
    """A good practice, written as IPEC structures one: a summary and six sections.

    Workflow: draft → submitted → reviewed → published (see services). ``version`` guards
    concurrent edits (compare-and-set); every saved version also leaves a
    ``PracticeVersion`` snapshot. Imported practices carry ``source_key`` (stable per
    publication and case) so that importing the same publication again changes nothing.
    """

    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    background = models.TextField(_("background"), blank=True)
    action = models.TextField(_("action"), blank=True)
    achievements = models.TextField(_("achievements / accomplishments"), blank=True)
    sustainability = models.TextField(_("sustainability"), blank=True)
    lessons_learned = models.TextField(_("lessons learned"), blank=True)
    necessary_conditions = models.TextField(_("necessary conditions"), blank=True)

    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PracticeStatus.choices,
        default=PracticeStatus.DRAFT,
        db_index=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="knowledge_practices",
    )
    countries: models.ManyToManyField[Country, PracticeCountry] = models.ManyToManyField(
        Country,
        through="PracticeCountry",
        related_name="knowledge_practices",
        blank=True,
        verbose_name=_("countries"),
    )
    organisations = models.ManyToManyField(
        Organisation,
        related_name="knowledge_practices",
        blank=True,
        verbose_name=_("organisations"),
    )
    themes = models.ManyToManyField(
        Theme, related_name="practices", blank=True, verbose_name=_("themes")
    )
    exploitation_forms = models.ManyToManyField(
        ExploitationForm,
        related_name="practices",
        blank=True,
        verbose_name=_("forms of exploitation"),
    )
    target_groups = models.ManyToManyField(
        TargetGroup, related_name="practices", blank=True, verbose_name=_("target groups")
    )
    # ISO 639-1 codes of the languages the practice is available in, e.g. ["en", "fr"].
    languages = models.JSONField(_("languages"), default=list, blank=True)
    year_start = models.PositiveSmallIntegerField(
        _("first year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    year_end = models.PositiveSmallIntegerField(
        _("last year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    evidence_level = models.CharField(
        _("evidence level"), max_length=16, choices=EvidenceLevel.choices, blank=True
    )
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    # Where an imported practice came from: "<sha256 of the file, 16 hex>/<slug of the title>".
    source_key = models.CharField(_("source key"), max_length=200, blank=True, editable=False)
    source_title = models.CharField(_("source publication"), max_length=300, blank=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"],
                condition=~Q(source_key=""),
                name="goodpractice_unique_source_key",
            ),
            models.CheckConstraint(
                condition=Q(year_start__isnull=True)
                | Q(year_end__isnull=True)
                | Q(year_end__gte=models.F("year_start")),
                name="goodpractice_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def sections(self) -> list[tuple[str, Any, str]]:
        """(field, label, text) of the sections that have text, in reading order."""
        return [
            (field, label, getattr(self, field))
            for field, label in SECTION_FIELDS
            if getattr(self, field)
        ]


class CountryRole(models.TextChoices):
    SHARED = "shared", _("Shared the practice")
    LEARNED = "learned", _("Learned from it")
    PARTICIPATED = "participated", _("Took part")


class PracticeCountry(models.Model):
    """A country's part in a practice. A country may both share and learn (two rows)."""

    practice = models.ForeignKey(
        GoodPractice, on_delete=models.CASCADE, related_name="country_roles"
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="knowledge_practice_roles"
    )
    role = models.CharField(_("role"), max_length=14, choices=CountryRole.choices)

    class Meta:
        ordering = ["country__name", "role"]
        verbose_name = _("country of a practice")
        verbose_name_plural = _("countries of practices")
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "country", "role"], name="practicecountry_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} · {self.get_role_display()}"


class PracticeRegion(models.Model):
    """An ILO region a practice belongs to (a practice may span several)."""

    practice = models.ForeignKey(GoodPractice, on_delete=models.CASCADE, related_name="regions")
    region = models.CharField(_("region"), max_length=24, choices=IloRegion.choices)

    class Meta:
        ordering = ["region"]
        verbose_name = _("region of a practice")
        verbose_name_plural = _("regions of practices")
        constraints = [
            models.UniqueConstraint(fields=["practice", "region"], name="practiceregion_unique"),
        ]

    def __str__(self) -> str:
        return str(self.get_region_display())


class PracticeSource(models.Model):
    """A document the practice draws on (a report, an evaluation, a web page)."""

    practice = models.ForeignKey(GoodPractice, on_delete=models.CASCADE, related_name="sources")
    citation = models.CharField(_("citation"), max_length=500)
    url = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.citation


class PracticeAttachment(models.Model):
    """A file attached to a practice (a tool, a photo, a report). Stored under a random name
    (see attachments.py) and served only by the download view, which checks that the visitor
    may read the practice: never link to ``file.url``."""

    practice = models.ForeignKey(GoodPractice, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="knowledge/attachments/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title

    @property
    def extension(self) -> str:
        return attachments.extension_of(self.file.name or "")

    @property
    def content_type(self) -> str:
        return attachments.content_type_of(self.file.name or "")

    @property
    def download_name(self) -> str:
        return attachments.download_name(self.title, self.extension)

    @cached_property
    def size(self) -> int | None:
        """Bytes in the storage; None when the file is missing there."""
        try:
            return int(self.file.size)
        except (OSError, ValueError):
            return None


class Criterion(models.TextChoices):
    """The seven IPEC criteria for a good practice."""

    INNOVATIVE = "innovative", _("Innovative or creative")
    EFFECTIVE = "effective", _("Effective, with impact")
    REPLICABLE = "replicable", _("Replicable")
    SUSTAINABLE = "sustainable", _("Sustainable")
    RELEVANT = "relevant", _("Relevant")
    ETHICAL = "ethical", _("Responsive and ethical")
    EFFICIENT = "efficient", _("Efficient")


class CriterionAssessment(models.Model):
    """How well a practice meets one criterion: 0 (not at all) to 3 (fully), with evidence."""

    practice = models.ForeignKey(GoodPractice, on_delete=models.CASCADE, related_name="assessments")
    criterion = models.CharField(_("criterion"), max_length=12, choices=Criterion.choices)
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(0), MaxValueValidator(3)]
    )
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("criterion assessment")
        verbose_name_plural = _("criterion assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "criterion"], name="criterionassessment_unique"
            ),
            models.CheckConstraint(condition=Q(score__lte=3), name="criterionassessment_score"),
        ]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()}: {self.score}"


class ReviewAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted for review")
    REVIEW = "review", _("Reviewed")
    PUBLISH = "publish", _("Published")
    RETURN = "return", _("Returned to the author")
    COMMENT = "comment", _("Commented")


class PracticeReview(models.Model):
    """One step of the workflow or a reviewer's comment, in order."""

    practice = models.ForeignKey(GoodPractice, on_delete=models.CASCADE, related_name="reviews")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=ReviewAction.choices)
    from_status = models.CharField(max_length=12, choices=PracticeStatus.choices)
    to_status = models.CharField(max_length=12, choices=PracticeStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d})"


class PracticeVersion(models.Model):
    """A snapshot of a practice as it was saved at ``number`` (= GoodPractice.version)."""

    practice = models.ForeignKey(GoodPractice, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("snapshot"))
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("practice version")
        verbose_name_plural = _("practice versions")
        constraints = [
            models.UniqueConstraint(fields=["practice", "number"], name="practiceversion_unique"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class EventKind(models.TextChoices):
    FORUM = "forum", _("Forum")
    WORKSHOP = "workshop", _("Workshop")
    STUDY_TOUR = "study_tour", _("Study tour")
    TRAINING = "training", _("Training session")
    EXCHANGE_VISIT = "exchange_visit", _("Exchange visit")


class Event(VersionLocked):
    """A forum, workshop, study tour, training session or exchange visit.

    Events are readable by every signed-in user; knowledge editors, system administrators and
    the person who recorded the event change it.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("host country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="knowledge_events_hosted",
    )
    host = models.ForeignKey(
        Organisation,
        verbose_name=_("host"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="knowledge_events_hosted",
    )
    organisers = models.ManyToManyField(
        Organisation,
        related_name="knowledge_events_organised",
        blank=True,
        verbose_name=_("organisers"),
    )
    participating_organisations = models.ManyToManyField(
        Organisation,
        related_name="knowledge_events_attended",
        blank=True,
        verbose_name=_("participating organisations"),
    )
    participating_countries = models.ManyToManyField(
        Country,
        related_name="knowledge_events",
        blank=True,
        verbose_name=_("participating countries"),
    )
    agenda = models.TextField(_("agenda"), blank=True)
    practices = models.ManyToManyField(
        GoodPractice,
        related_name="events",
        blank=True,
        verbose_name=_("related good practices"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="event_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class OutcomeKind(models.TextChoices):
    LESSON = "lesson", _("Lesson learned")
    SUCCESS_STORY = "success_story", _("Success story")
    COMMITMENT = "commitment", _("Commitment")
    RECOMMENDATION = "recommendation", _("Recommendation")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Outcome(VersionLocked):
    """What an event produced, and its follow-up: who owns it (a user or an organisation),
    by when, and how far it has got."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("kind"), max_length=16, choices=OutcomeKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner (person)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="knowledge_outcomes",
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owner (organisation)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="knowledge_outcomes",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self) -> str:
        return self.title


class KnowledgeSettings(models.Model):
    """Settings of the knowledge base an administrator changes in the admin. One row (pk=1);
    read it with ``KnowledgeSettings.load()``."""

    public_access = models.BooleanField(
        _("public access to published practices"),
        default=False,
        help_text=_(
            "Let people who are not signed in read published good practices (pages and API)."
        ),
    )

    class Meta:
        verbose_name = _("knowledge base settings")
        verbose_name_plural = _("knowledge base settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="knowledgesettings_singleton"),
        ]

    def __str__(self) -> str:
        return str(_("Knowledge base settings"))

    @classmethod
    def load(cls) -> KnowledgeSettings:
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row
