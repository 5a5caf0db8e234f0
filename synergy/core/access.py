"""Fetch-and-check helpers: the only way views and the API fetch a record they will show or
change. 404 when the user has no relation to the record, so that its existence is not
revealed; 403 when they may see it but not change it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from synergy.core import roles
from synergy.core.models import Organisation, User


def access_organisation(user: User, organisation_id: int, *, write: bool = False) -> Organisation:
    """The organisation directory is open to every signed-in user; changing an entry is for
    system administrators and the national coordinators of its country. A user with no
    relation to the organisation (neither member, nor coordinator of its country) gets 404 on a
    write, a member without the right role gets 403."""
    try:
        organisation = Organisation.objects.select_related("country").get(pk=organisation_id)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404("No such organisation") from None
    if not write:
        return organisation
    if roles.can_edit_organisation(user, organisation):
        return organisation
    if organisation.pk in roles.member_organisation_ids(user):
        raise PermissionDenied("Only system administrators and national coordinators edit this")
    raise Http404("No such organisation")
