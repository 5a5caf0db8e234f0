"""The error responses of every operation, declared in the OpenAPI document.

Errors never come from the views' return values: ninja answers 401 (no or bad credentials) and
422 (input that fails its schema), and the exception handlers in ``synergy.api.api`` turn
PermissionDenied into 403, Http404 into 404 and ValidationError into 422 (or 409 for a stale
version). Which of them an operation can answer follows from its shape:

* 401 for every operation (all need a token or a session);
* 422 for an operation with any input (path, query or body);
* 404 for an operation that names a record in its path, or that takes a filter which may name
  something that does not exist (``NOT_FOUND_FILTERS``);
* 403 and 409 for the writes (a read-only role; a stale or conflicting version);
* 400 for an operation with a body (one that is not JSON, or not a form, at all);
* whatever an operation adds in ``openapi_extra={"x-errors": [...]}``.

Declaring them makes them part of the contract that schemathesis checks in the test suite.
"""

# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.

from typing import Any

from ninja import NinjaAPI, Schema
from ninja.operation import Operation
from ninja.params.models import BodyModel, FileModel, FormModel

ERROR_DESCRIPTIONS = {
    400: "Bad request",
    401: "Not signed in, or the token is unknown or revoked",
    403: "Your role may not do this",
    404: "No such record, or not one you may see",
    409: "Stale version, or the record conflicts with another",
    413: "The upload is too large",
    422: "The input is invalid; `detail` names each field",
}


class ErrorOut(Schema):
    """``detail`` is a message, a list of ``{loc, msg, type}`` (schema errors) or a mapping of
    field name to messages (rule errors)."""

    detail: str | list[dict[str, Any]] | dict[str, list[str]]


WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _has_input(operation: Operation) -> bool:
    return any(model.__annotations__ or model.model_fields for model in operation.models)


def error_statuses(operation: Operation, path: str) -> set[int]:
    statuses = {401}
    if _has_input(operation) or "{" in path:
        statuses.add(422)
    if "{" in path:
        statuses.add(404)
    if WRITE_METHODS & set(operation.methods):
        statuses |= {403, 409}
    if any(issubclass(model, BodyModel | FormModel | FileModel) for model in operation.models):
        statuses.add(400)  # a body that cannot be parsed at all
    extra = (operation.openapi_extra or {}).get("x-errors", [])
    statuses.update(int(status) for status in extra)
    return statuses


def declare_errors(api: NinjaAPI) -> None:
    """Add the error responses to each operation's response models (for the document only:
    error bodies come from the exception handlers and are not validated on the way out)."""
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for status in error_statuses(operation, prefix + path):
                    operation.response_models.setdefault(
                        status, operation._create_response_model(ErrorOut)
                    )
                if operation.openapi_extra:
                    operation.openapi_extra.pop("x-errors", None)
