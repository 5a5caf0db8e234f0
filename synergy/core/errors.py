"""Domain errors with a message a user can act on."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class StaleVersionError(ValidationError):
    """Somebody else saved the record after this user loaded it."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else changed this record after you opened it. "
                "Reload the page to see their changes, then apply yours again."
            ),
            code="stale",
        )


class ImportRowError(Exception):
    """An import found bad rows; ``errors`` lists them as (line, field, message)."""

    def __init__(self, errors: list[tuple[int, str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"line {line}: {field}: {msg}" for line, field, msg in errors))
