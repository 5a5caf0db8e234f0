"""The typed fields the write services accept (TypedDicts, checked by mypy at every call)
are fields of the model they write: a rename in the model cannot leave a service accepting a
name it would then fail to save."""

from __future__ import annotations

import pytest
from django.db import models

from synergy.core.models import Organisation
from synergy.core.services import OrganisationFields
from synergy.monitoring.models import Child, Household
from synergy.monitoring.services.children import ChildFields
from synergy.monitoring.services.households import HouseholdFields
from synergy.partners.models import Activity
from synergy.partners.services import ActivityFields

TYPED = [
    (OrganisationFields, Organisation),
    (HouseholdFields, Household),
    (ChildFields, Child),
    (ActivityFields, Activity),
]


@pytest.mark.parametrize(("fields", "model"), TYPED, ids=lambda v: getattr(v, "__name__", ""))
def test_every_typed_field_is_an_editable_field_of_the_model(
    fields: type, model: type[models.Model]
) -> None:
    names = {f.name for f in model._meta.concrete_fields}
    assert set(fields.__annotations__) - names == set()
    assert "version" not in fields.__annotations__  # the version is the services' own
