"""The one pagination of the API: limit/offset with a default and a ceiling.

django-ninja's own default is 100 items and no ceiling at all, so ``?limit=10000000`` would
serialise a whole table in one response.
"""

# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.

from typing import Any

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from synergy.api.types import Count

DEFAULT_LIMIT: int = getattr(settings, "API_PAGE_SIZE", 50)
MAX_LIMIT = 500


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
        offset: Count = 0

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
