"""Reads of survey datasets, scoped to the user who asks."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from synergy.core import roles
from synergy.core.models import Organisation, User
from synergy.surveys.access import UPLOAD_ROLES
from synergy.surveys.models import SurveyDataset


def dataset_list(*, user: User) -> QuerySet[SurveyDataset]:
    """The datasets the user may see (see ``access``), newest first."""
    qs = SurveyDataset.objects.select_related("organisation", "country", "uploaded_by")
    if not roles.is_system_admin(user):
        qs = qs.filter(
            Q(organisation_id__in=roles.member_organisation_ids(user))
            | Q(country_id__in=roles.coordinated_country_ids(user))
        )
    return qs.order_by("-created_at", "-id")


def upload_organisations(*, user: User) -> QuerySet[Organisation]:
    """Organisations on whose behalf the user may upload a survey."""
    if roles.is_system_admin(user):
        return Organisation.objects.select_related("country").order_by("name")
    ids = [m.organisation_id for m in roles.memberships(user) if m.role in UPLOAD_ROLES]
    return Organisation.objects.filter(pk__in=ids).select_related("country").order_by("name")
