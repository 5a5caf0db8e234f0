"""Fetch-and-check of survey datasets, the only way views fetch one.

Survey microdata are sensitive. A dataset is visible to the members of the organisation that
uploaded it (its analysts included), to the national coordinators of the dataset's country and
to system administrators; everybody else gets 404, so that its existence is not revealed.
Changing it (mapping variables, starting an import) is for the uploading organisation's
partner managers and analysts and for system administrators; other readers get 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from synergy.core import roles
from synergy.core.models import Organisation, Role, User
from synergy.surveys.models import SurveyDataset

UPLOAD_ROLES = {Role.SYSTEM_ADMIN, Role.PARTNER_MANAGER, Role.ANALYST, Role.NATIONAL_COORDINATOR}


def can_read_dataset(user: User, dataset: SurveyDataset) -> bool:
    if not user.is_authenticated:
        return False
    return (
        roles.is_system_admin(user)
        or dataset.organisation_id in roles.member_organisation_ids(user)
        or dataset.country_id in roles.coordinated_country_ids(user)
    )


def can_write_dataset(user: User, dataset: SurveyDataset) -> bool:
    if roles.is_system_admin(user):
        return True
    return any(
        m.organisation_id == dataset.organisation_id and m.role in UPLOAD_ROLES
        for m in roles.memberships(user)
    )


def can_upload_for(user: User, organisation: Organisation) -> bool:
    if roles.is_system_admin(user):
        return True
    return any(
        m.organisation_id == organisation.pk and m.role in UPLOAD_ROLES
        for m in roles.memberships(user)
    )


def can_upload(user: User) -> bool:
    return roles.is_system_admin(user) or any(
        m.role in UPLOAD_ROLES for m in roles.memberships(user)
    )


def access_survey_dataset(user: User, dataset_id: int, *, write: bool = False) -> SurveyDataset:
    try:
        dataset = SurveyDataset.objects.select_related(
            "organisation", "country", "uploaded_by"
        ).get(pk=dataset_id)
    except (SurveyDataset.DoesNotExist, ValueError, TypeError):
        raise Http404("No such survey dataset") from None
    if not can_read_dataset(user, dataset):
        raise Http404("No such survey dataset")
    if write and not can_write_dataset(user, dataset):
        raise PermissionDenied("Only the uploading organisation's managers and analysts do this")
    return dataset
