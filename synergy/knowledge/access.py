"""Fetch-and-check for the knowledge base (views and the API fetch only through these).

Practices: a published practice is readable by every signed-in user, and by anyone when an
administrator opened the knowledge base to the public (KnowledgeSettings.public_access). A
draft, submitted or reviewed practice exists only for its author and knowledge editors: 404
for everyone else. Writing what one may read but not change is 403. A practice's attachments
follow the practice.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from synergy.core.models import User
from synergy.knowledge.models import (
    Event,
    GoodPractice,
    KnowledgeSettings,
    Outcome,
    PracticeAttachment,
    PracticeStatus,
)
from synergy.knowledge.services import (
    can_edit_event,
    can_edit_outcome,
    can_edit_practice,
    is_knowledge_editor,
)


def public_access_enabled() -> bool:
    return KnowledgeSettings.load().public_access


def can_read(user: User | AnonymousUser) -> bool:
    """Whether this visitor may read published knowledge at all."""
    return bool(user.is_authenticated) or public_access_enabled()


def access_practice(
    user: User | AnonymousUser, practice_id: int, *, write: bool = False
) -> GoodPractice:
    try:
        practice = GoodPractice.objects.select_related("author").get(pk=practice_id)
    except (GoodPractice.DoesNotExist, ValueError, TypeError):
        raise Http404("No such practice") from None
    if not user.is_authenticated:
        if write or practice.status != PracticeStatus.PUBLISHED or not public_access_enabled():
            raise Http404("No such practice")
        return practice
    assert isinstance(user, User)
    visible = (
        practice.status == PracticeStatus.PUBLISHED
        or practice.author_id == user.pk
        or is_knowledge_editor(user)
    )
    if not visible:
        raise Http404("No such practice")
    if write and not can_edit_practice(user, practice):
        raise PermissionDenied("Only its author (while a draft) and knowledge editors edit this")
    return practice


def access_attachment(
    user: User | AnonymousUser, practice_id: int, attachment_id: int, *, write: bool = False
) -> PracticeAttachment:
    """An attachment of a practice, for whoever may read the practice (``write``: edit it).
    404 as for the practice, and for an attachment of another practice."""
    practice = access_practice(user, practice_id, write=write)
    try:
        attachment = PracticeAttachment.objects.get(pk=attachment_id, practice=practice)
    except (PracticeAttachment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such attachment") from None
    attachment.practice = practice
    return attachment


def access_event(user: User, event_id: int, *, write: bool = False) -> Event:
    """Events are open to every signed-in user; editors and the recorder change them."""
    if not user.is_authenticated:
        raise Http404("No such event")
    try:
        event = Event.objects.select_related("country", "host", "created_by").get(pk=event_id)
    except (Event.DoesNotExist, ValueError, TypeError):
        raise Http404("No such event") from None
    if write and not can_edit_event(user, event):
        raise PermissionDenied("Only knowledge editors and whoever recorded the event edit it")
    return event


def access_outcome(user: User, outcome_id: int, *, write: bool = False) -> Outcome:
    if not user.is_authenticated:
        raise Http404("No such outcome")
    try:
        outcome = Outcome.objects.select_related("event").get(pk=outcome_id)
    except (Outcome.DoesNotExist, ValueError, TypeError):
        raise Http404("No such outcome") from None
    if write and not can_edit_outcome(user, outcome):
        raise PermissionDenied("Only the event's editors and the outcome's owner update it")
    return outcome
