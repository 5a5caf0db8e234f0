"""Bounded input types for every API operation.

An unbounded ``int`` lets a client send 10**30, which SQLite cannot bind (OverflowError) and
PostgreSQL refuses mid-query: a 500 instead of a 422 naming the field. Each number a client may
send is one of these types, bounded by the column it ends up compared with or stored in.
``synergy/api/tests/test_openapi.py`` fails if an integer input is left without bounds.

A PATCH field that may be left out but not set to null (its column is NOT NULL) is written
``name: Annotated[str, Field(None)]``: the schema says "string", so an explicit null is a 422
naming the field, while leaving it out keeps the stored value (``patch_fields``).
"""

# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import annotated_types
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from ninja import Field, Path, Schema
from pydantic import ConfigDict, field_validator

SchemaT = TypeVar("SchemaT", bound=Schema)

# BigAutoField keys and the foreign keys to them.
MAX_ID = 2**63 - 1
# PositiveIntegerField: the smallest range among the databases (PostgreSQL's integer).
MAX_COUNT = 2**31 - 1

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Ref = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
# A save writes version + 1, which must still fit the column.
Version = Annotated[
    int,
    Field(ge=1, le=MAX_COUNT - 1, description="The version you read; a stale version gives 409"),
]
Year = Annotated[int, Field(ge=1900, le=2100)]


def _refuse_nul(value: Any) -> Any:
    """PostgreSQL cannot store or compare a NUL character in text (the driver raises), and no
    name, note or code ever holds one: refuse it at the door, with the field named."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    if isinstance(value, list | tuple | set):
        for item in value:
            _refuse_nul(item)
    return value


class Input(Schema):
    """Base of every request body and filter set: no NUL characters in any text."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return _refuse_nul(value)


class Body(Input):
    """A request body: a misspelt field is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


def column_limits(model: type[models.Model]) -> Callable[[type[SchemaT]], type[SchemaT]]:
    """Class decorator: every text field of the schema that is stored in a CharField of
    ``model`` gets that column's ``max_length`` (PostgreSQL refuses a longer value mid-write;
    SQLite would keep it). Read from the model, so the limit cannot drift from the column."""

    def apply(schema: type[SchemaT]) -> type[SchemaT]:
        changed = False
        for name, info in schema.model_fields.items():
            try:
                column = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            limit = getattr(column, "max_length", None)
            # Choices (enums) are bounded already; only free text needs the column's limit.
            if info.annotation is not str or not isinstance(column, models.CharField) or not limit:
                continue
            if any(isinstance(m, annotated_types.MaxLen) for m in info.metadata):
                continue
            info.metadata.append(annotated_types.MaxLen(limit))
            changed = True
        if changed:
            schema.model_rebuild(force=True)
        return schema

    return apply


def patch_fields(payload: Schema) -> dict[str, Any]:
    """The fields a PATCH body names, nested items whole: ``dict(exclude_unset=True)`` would
    also drop the defaults inside each list item (a focal point without its job title)."""
    data = payload.dict()
    return {name: data[name] for name in payload.model_fields_set}
