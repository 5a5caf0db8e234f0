"""Writes to the knowledge base. Each function is atomic and leaves an audit event.

Who may do what (checked here as well as in access.py, so that the API and the pages agree):
- any signed-in user creates a practice (as its author) and edits it while it is a draft;
- knowledge editors and system administrators edit any practice, review and publish;
- attachments: whoever may edit the practice adds and deletes them;
- events and outcomes: knowledge editors, system administrators and whoever recorded the
  event.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from synergy.core import roles
from synergy.core.audit import audit_record
from synergy.core.errors import ImportRowError
from synergy.core.models import Country, Role, User
from synergy.core.versioning import versioned_update
from synergy.knowledge import attachments
from synergy.knowledge.importing import parse_publication
from synergy.knowledge.models import (
    SECTION_FIELDS,
    Criterion,
    CriterionAssessment,
    Event,
    GoodPractice,
    KnowledgeSettings,
    Outcome,
    PracticeAttachment,
    PracticeCountry,
    PracticeRegion,
    PracticeReview,
    PracticeStatus,
    PracticeVersion,
    ReviewAction,
    Theme,
)

PRACTICE_FIELDS = (
    "title",
    "summary",
    *(name for name, _label in SECTION_FIELDS),
    "languages",
    "year_start",
    "year_end",
    "evidence_level",
    "last_verified",
)
# Many-to-many and role rows, given as lists.
PRACTICE_RELATIONS = ("themes", "exploitation_forms", "target_groups", "organisations")


def is_knowledge_editor(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return roles.is_system_admin(user) or Role.KNOWLEDGE_EDITOR in roles.roles(user)


def can_edit_practice(user: User, practice: GoodPractice) -> bool:
    if is_knowledge_editor(user):
        return True
    return practice.author_id == user.pk and practice.status == PracticeStatus.DRAFT


def snapshot(practice: GoodPractice) -> dict[str, Any]:
    """What a version keeps: every field and relation that a reader sees."""
    data: dict[str, Any] = {name: getattr(practice, name) for name in PRACTICE_FIELDS}
    if isinstance(data["last_verified"], date):
        data["last_verified"] = data["last_verified"].isoformat()
    data["status"] = practice.status
    data["themes"] = sorted(practice.themes.values_list("slug", flat=True))
    data["exploitation_forms"] = sorted(practice.exploitation_forms.values_list("slug", flat=True))
    data["target_groups"] = sorted(practice.target_groups.values_list("slug", flat=True))
    data["organisations"] = sorted(practice.organisations.values_list("pk", flat=True))
    data["countries"] = sorted(
        [c, r] for c, r in practice.country_roles.values_list("country_id", "role")
    )
    data["regions"] = sorted(practice.regions.values_list("region", flat=True))
    data["assessments"] = {
        a.criterion: {"score": a.score, "evidence": a.evidence} for a in practice.assessments.all()
    }
    return data


def _save_version(practice: GoodPractice, actor: User) -> PracticeVersion:
    return PracticeVersion.objects.create(
        practice=practice, number=practice.version, snapshot=snapshot(practice), saved_by=actor
    )


def _set_relations(practice: GoodPractice, fields: dict[str, Any]) -> list[str]:
    changed: list[str] = []
    for name in PRACTICE_RELATIONS:
        if name in fields and fields[name] is not None:
            manager = getattr(practice, name)
            new = {obj.pk for obj in fields[name]}
            if new != set(manager.values_list("pk", flat=True)):
                manager.set(list(fields[name]))
                changed.append(name)
    if fields.get("countries") is not None:
        new_rows = {(c.pk if isinstance(c, Country) else c, r) for c, r in fields["countries"]}
        old_rows = set(practice.country_roles.values_list("country_id", "role"))
        if new_rows != old_rows:
            practice.country_roles.all().delete()
            for code, role in sorted(new_rows):
                row = PracticeCountry(practice=practice, country_id=code, role=role)
                row.full_clean(exclude=["practice"])
                row.save()
            changed.append("countries")
    if fields.get("regions") is not None:
        new_regions = set(fields["regions"])
        if new_regions != set(practice.regions.values_list("region", flat=True)):
            practice.regions.all().delete()
            for region in sorted(new_regions):
                region_row = PracticeRegion(practice=practice, region=region)
                region_row.full_clean(exclude=["practice"])
                region_row.save()
            changed.append("regions")
    return changed


@transaction.atomic
def practice_create(*, actor: User, **fields: Any) -> GoodPractice:
    """A new draft by ``actor``. ``countries`` is a list of (country or code, role),
    ``regions`` a list of IloRegion values; themes and the like are lists of objects."""
    if not actor.is_authenticated:
        raise PermissionDenied("Sign in to write a good practice")
    practice = GoodPractice(
        author=actor, **{k: v for k, v in fields.items() if k in PRACTICE_FIELDS}
    )
    practice.full_clean()
    practice.save()
    _set_relations(practice, fields)
    _save_version(practice, actor)
    audit_record(actor=actor, action="create", obj=practice)
    return practice


@transaction.atomic
def practice_update(
    *, actor: User, practice: GoodPractice, version: int, **fields: Any
) -> GoodPractice:
    """Apply ``fields`` if nobody saved the practice since ``version``; keep a snapshot."""
    if not can_edit_practice(actor, practice):
        raise PermissionDenied("Only its author (while a draft) and knowledge editors edit this")
    changed = sorted(
        k for k, v in fields.items() if k in PRACTICE_FIELDS and getattr(practice, k) != v
    )
    for key in changed:
        setattr(practice, key, fields[key])
    practice.full_clean()
    versioned_update(
        practice, version, **{k: getattr(practice, k) for k in fields if k in PRACTICE_FIELDS}
    )
    changed += _set_relations(practice, fields)
    _save_version(practice, actor)
    audit_record(actor=actor, action="update", obj=practice, detail={"fields": changed})
    return practice


# (from, action) → to; who may do it is decided in practice_transition.
TRANSITIONS: dict[tuple[str, str], str] = {
    (PracticeStatus.DRAFT, ReviewAction.SUBMIT): PracticeStatus.SUBMITTED,
    (PracticeStatus.SUBMITTED, ReviewAction.REVIEW): PracticeStatus.REVIEWED,
    (PracticeStatus.REVIEWED, ReviewAction.PUBLISH): PracticeStatus.PUBLISHED,
    (PracticeStatus.SUBMITTED, ReviewAction.RETURN): PracticeStatus.DRAFT,
    (PracticeStatus.REVIEWED, ReviewAction.RETURN): PracticeStatus.DRAFT,
    (PracticeStatus.PUBLISHED, ReviewAction.RETURN): PracticeStatus.DRAFT,
}


def allowed_actions(user: User, practice: GoodPractice) -> list[str]:
    """Workflow actions this user may take now (for buttons and the API)."""
    out = []
    for (source, action), _target in TRANSITIONS.items():
        if source != practice.status:
            continue
        if action == ReviewAction.SUBMIT and not can_edit_practice(user, practice):
            continue
        if action != ReviewAction.SUBMIT and not is_knowledge_editor(user):
            continue
        out.append(str(action))
    if is_knowledge_editor(user):
        out.append(str(ReviewAction.COMMENT))
    return out


@transaction.atomic
def practice_transition(
    *, actor: User, practice: GoodPractice, action: str, comment: str = ""
) -> GoodPractice:
    """Move a practice along draft → submitted → reviewed → published, or return it to its
    author (with a comment). Only knowledge editors and system administrators review,
    publish, return and comment; the author submits their own draft."""
    if action not in allowed_actions(actor, practice):
        if action in {a for _s, a in TRANSITIONS} | {ReviewAction.COMMENT} and (
            is_knowledge_editor(actor) or practice.author_id == actor.pk
        ):
            if action != ReviewAction.SUBMIT and not is_knowledge_editor(actor):
                raise PermissionDenied("Only knowledge editors review and publish")
            raise ValidationError(
                {"action": [f"Cannot {action} a practice that is {practice.status}"]}
            )
        raise PermissionDenied("Only knowledge editors review and publish")
    if action == ReviewAction.RETURN and not comment.strip():
        raise ValidationError({"comment": ["Say what the author should change"]})
    if action == ReviewAction.COMMENT and not comment.strip():
        raise ValidationError({"comment": ["A comment cannot be empty"]})
    source = practice.status
    target = TRANSITIONS.get((source, action), source)
    practice.status = target
    practice.updated_at = timezone.now()
    update: dict[str, Any] = {"status": target, "updated_at": practice.updated_at}
    if target == PracticeStatus.PUBLISHED:
        practice.published_at = practice.updated_at
        update["published_at"] = practice.published_at
    GoodPractice.objects.filter(pk=practice.pk).update(**update)
    PracticeReview.objects.create(
        practice=practice,
        actor=actor,
        action=action,
        from_status=source,
        to_status=target,
        comment=comment.strip(),
    )
    audit_record(
        actor=actor,
        action=f"practice_{action}",
        obj=practice,
        detail={"from": source, "to": target},
    )
    return practice


@transaction.atomic
def practice_assess(
    *,
    actor: User,
    practice: GoodPractice,
    scores: dict[str, tuple[int, str]],
    evidence_level: str | None = None,
) -> GoodPractice:
    """Score the practice against the seven IPEC criteria: {criterion: (score 0-3, evidence)}.
    Knowledge editors assess any practice; an author may self-assess a draft."""
    if not can_edit_practice(actor, practice):
        raise PermissionDenied("Only its author (while a draft) and knowledge editors assess this")
    errors: dict[str, list[str]] = {}
    for criterion, (score, _evidence) in scores.items():
        if criterion not in Criterion.values:
            errors[criterion] = ["Not one of the seven criteria"]
        elif not 0 <= int(score) <= 3:
            errors[criterion] = ["A score is between 0 and 3"]
    if errors:
        raise ValidationError(errors)
    for criterion, (score, evidence) in scores.items():
        CriterionAssessment.objects.update_or_create(
            practice=practice,
            criterion=criterion,
            defaults={"score": int(score), "evidence": evidence},
        )
    if evidence_level is not None:
        practice.evidence_level = evidence_level
        practice.full_clean()
        GoodPractice.objects.filter(pk=practice.pk).update(evidence_level=evidence_level)
    audit_record(
        actor=actor, action="practice_assess", obj=practice, detail={"criteria": sorted(scores)}
    )
    return practice


@transaction.atomic
def practice_verify(*, actor: User, practice: GoodPractice, on: date | None = None) -> GoodPractice:
    """Record that an editor checked the practice is still accurate."""
    if not is_knowledge_editor(actor):
        raise PermissionDenied("Only knowledge editors verify practices")
    practice.last_verified = on or timezone.localdate()
    GoodPractice.objects.filter(pk=practice.pk).update(last_verified=practice.last_verified)
    audit_record(actor=actor, action="practice_verify", obj=practice)
    return practice


# --- attachments ----------------------------------------------------------------------------


@transaction.atomic
def attachment_add(
    *, actor: User, practice: GoodPractice, file: File[Any], title: str = ""
) -> PracticeAttachment:
    """Attach ``file`` to the practice. Whoever may edit the practice may attach files; the
    type and size are checked here (see attachments.py), so the pages and the API agree."""
    if not can_edit_practice(actor, practice):
        raise PermissionDenied("Only its author (while a draft) and knowledge editors edit this")
    ext = attachments.check_upload(file, max_bytes=settings.KNOWLEDGE_ATTACHMENT_MAX_BYTES)
    size = file.size
    title = title.strip() or attachments.default_title(file.name or "") or ext.upper()
    attachment = PracticeAttachment(
        practice=practice,
        title=title,
        file=File(file, name=attachments.storage_name(ext)),
        uploaded_by=actor,
    )
    # Validate before save(): saving writes the file to the storage.
    attachment.full_clean()
    try:
        attachment.save()
        audit_record(
            actor=actor,
            action="attachment_upload",
            obj=practice,
            detail={"attachment": attachment.pk, "type": ext, "size": size},
        )
    except BaseException:
        # The row is undone with the transaction: the file written by save() goes too, or
        # it would stay in the storage with no record pointing at it.
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, actor: User, attachment: PracticeAttachment) -> None:
    """Delete the attachment and, once that is committed, its file (knowledge.signals)."""
    practice = attachment.practice
    if not can_edit_practice(actor, practice):
        raise PermissionDenied("Only its author (while a draft) and knowledge editors edit this")
    name, pk = attachment.file.name, attachment.pk
    attachment.delete()
    audit_record(
        actor=actor,
        action="attachment_delete",
        obj=practice,
        detail={"attachment": pk, "type": attachments.extension_of(name or "")},
    )


@transaction.atomic
def attachment_open(*, actor: User | AnonymousUser, attachment: PracticeAttachment) -> File[Any]:
    """The attachment's file, open for reading, and an audit event saying who downloaded it.
    The caller checked that ``actor`` may read the practice (access.access_attachment).
    Raises OSError when the file is missing from the storage."""
    handle = attachment.file.open("rb")
    audit_record(
        actor=actor if isinstance(actor, User) else None,
        action="attachment_download",
        obj=attachment.practice,
        detail={"attachment": attachment.pk},
    )
    return handle


# --- import ---------------------------------------------------------------------------------


@dataclass
class ImportResult:
    publication: str
    created: list[GoodPractice] = field(default_factory=list)
    unchanged: int = 0
    unresolved_countries: dict[str, list[str]] = field(default_factory=dict)


@transaction.atomic
def practices_import(*, actor: User, path: Path) -> ImportResult:
    """One draft practice per case of a publication (see importing.py). A case already
    imported from the same file (same content hash and title) is left as it is, so importing
    the same file twice changes nothing. The text stays in this database only."""
    if not is_knowledge_editor(actor):
        raise PermissionDenied("Only knowledge editors import publications")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ImportRowError([(0, "file", "not UTF-8 text")]) from None
    publication = parse_publication(text)
    if not publication.cases:
        raise ImportRowError(
            [(0, "file", "no case found (a heading followed by Background, Action…)")]
        )
    digest = hashlib.sha256(raw).hexdigest()[:16]
    errors: list[tuple[int, str, str]] = []
    keys: list[str] = []
    for number, case in enumerate(publication.cases, start=1):
        key = f"{digest}/{slugify(case.title)[:150]}"
        if key in keys:
            errors.append((number, "title", f"two cases share the title {case.title!r}"))
        keys.append(key)
        if len(case.title) > 300:
            errors.append((number, "title", "longer than 300 characters"))
    if errors:
        raise ImportRowError(errors)
    existing = set(
        GoodPractice.objects.filter(source_key__in=keys).values_list("source_key", flat=True)
    )
    known_countries = set(Country.objects.values_list("pk", flat=True))
    themes = {t.slug: t for t in Theme.objects.all()}
    result = ImportResult(publication=publication.title)
    for key, case in zip(keys, publication.cases, strict=True):
        if key in existing:
            result.unchanged += 1
            continue
        countries = [(c, r) for c, r in case.countries if c in known_countries]
        missing = case.unresolved_countries + [
            c for c, _r in case.countries if c not in known_countries
        ]
        if missing:
            result.unresolved_countries[case.title] = missing
        practice = GoodPractice(
            author=actor,
            title=case.title,
            summary=case.summary,
            source_key=key,
            source_title=publication.title[:300],
            **case.sections,
        )
        practice.full_clean()
        practice.save()
        _set_relations(
            practice,
            {
                "countries": countries,
                "regions": [case.region] if case.region else [],
                "themes": [themes[s] for s in case.themes if s in themes],
            },
        )
        _save_version(practice, actor)
        result.created.append(practice)
    audit_record(
        actor=actor,
        action="practices_import",
        object_type="knowledge.goodpractice",
        detail={
            "file_sha256": digest,
            "created": len(result.created),
            "unchanged": result.unchanged,
        },
    )
    return result


# --- events and outcomes --------------------------------------------------------------------


@transaction.atomic
def practices_import_and_publish(*, actor: User, path: Path, publish: bool) -> ImportResult:
    """``practices_import``, then (with ``publish``) each practice it created submitted,
    reviewed and published by the same user: one transaction, so a publication is either all
    in and published or not in at all."""
    result = practices_import(actor=actor, path=path)
    if publish:
        for practice in result.created:
            for action in (ReviewAction.SUBMIT, ReviewAction.REVIEW, ReviewAction.PUBLISH):
                practice_transition(actor=actor, practice=practice, action=action)
    return result


EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "start_date",
    "end_date",
    "place",
    "country",
    "host",
    "agenda",
)
EVENT_RELATIONS = (
    "organisers",
    "participating_organisations",
    "participating_countries",
    "practices",
)


def can_edit_event(user: User, event: Event) -> bool:
    return is_knowledge_editor(user) or event.created_by_id == user.pk


def _set_event_relations(event: Event, fields: dict[str, Any]) -> list[str]:
    changed = []
    for name in EVENT_RELATIONS:
        if fields.get(name) is not None:
            manager = getattr(event, name)
            if {o.pk for o in fields[name]} != set(manager.values_list("pk", flat=True)):
                manager.set(list(fields[name]))
                changed.append(name)
    return changed


@transaction.atomic
def event_create(*, actor: User, **fields: Any) -> Event:
    if not actor.is_authenticated:
        raise PermissionDenied("Sign in to record an event")
    event = Event(created_by=actor, **{k: v for k, v in fields.items() if k in EVENT_FIELDS})
    event.full_clean()
    event.save()
    _set_event_relations(event, fields)
    audit_record(actor=actor, action="create", obj=event)
    return event


@transaction.atomic
def event_update(*, actor: User, event: Event, version: int, **fields: Any) -> Event:
    if not can_edit_event(actor, event):
        raise PermissionDenied("Only knowledge editors and whoever recorded the event edit it")
    changed = sorted(k for k, v in fields.items() if k in EVENT_FIELDS and getattr(event, k) != v)
    for key in changed:
        setattr(event, key, fields[key])
    event.full_clean()
    versioned_update(event, version, **{k: getattr(event, k) for k in fields if k in EVENT_FIELDS})
    changed += _set_event_relations(event, fields)
    audit_record(actor=actor, action="update", obj=event, detail={"fields": changed})
    return event


OUTCOME_FIELDS = (
    "kind",
    "title",
    "description",
    "owner_user",
    "owner_organisation",
    "due_date",
    "status",
)


@transaction.atomic
def outcome_create(*, actor: User, event: Event, **fields: Any) -> Outcome:
    if not can_edit_event(actor, event):
        raise PermissionDenied("Only knowledge editors and whoever recorded the event add outcomes")
    outcome = Outcome(event=event, **{k: v for k, v in fields.items() if k in OUTCOME_FIELDS})
    outcome.full_clean()
    outcome.save()
    audit_record(actor=actor, action="create", obj=outcome, detail={"event": event.pk})
    return outcome


def can_edit_outcome(user: User, outcome: Outcome) -> bool:
    """The event's editors, and the outcome's owner (who reports progress on it)."""
    if can_edit_event(user, outcome.event):
        return True
    if outcome.owner_user_id == user.pk:
        return True
    return outcome.owner_organisation_id in roles.member_organisation_ids(user) and bool(
        {Role.PARTNER_MANAGER, Role.NATIONAL_COORDINATOR} & roles.roles(user)
    )


@transaction.atomic
def outcome_update(*, actor: User, outcome: Outcome, version: int, **fields: Any) -> Outcome:
    if not can_edit_outcome(actor, outcome):
        raise PermissionDenied("Only the event's editors and the outcome's owner update it")
    changed = sorted(
        k for k, v in fields.items() if k in OUTCOME_FIELDS and getattr(outcome, k) != v
    )
    for key in changed:
        setattr(outcome, key, fields[key])
    outcome.full_clean()
    versioned_update(
        outcome, version, **{k: getattr(outcome, k) for k in fields if k in OUTCOME_FIELDS}
    )
    audit_record(actor=actor, action="update", obj=outcome, detail={"fields": changed})
    return outcome


@transaction.atomic
def settings_set_public_access(*, actor: User, public_access: bool) -> KnowledgeSettings:
    if not roles.is_system_admin(actor):
        raise PermissionDenied("Only system administrators open the knowledge base to the public")
    row = KnowledgeSettings.load()
    row.public_access = public_access
    row.save(update_fields=["public_access"])
    audit_record(
        actor=actor, action="settings_update", obj=row, detail={"public_access": public_access}
    )
    return row
