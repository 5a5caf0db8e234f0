"""The one way an attachment leaves Synergy, for the page and the API alike: opened through
the service (which audits the download), sent as a download under its safe name, and kept out
of shared caches (drafts are private)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control

from synergy.core.models import User
from synergy.knowledge import services
from synergy.knowledge.models import PracticeAttachment


def attachment_response(
    actor: User | AnonymousUser, attachment: PracticeAttachment
) -> FileResponse:
    """``attachment`` must come from ``access_attachment`` (already checked for ``actor``)."""
    try:
        handle = services.attachment_open(actor=actor, attachment=attachment)
    except OSError:
        raise Http404("The file is missing") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.download_name,
        content_type=attachment.content_type,
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
