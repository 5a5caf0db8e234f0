"""Pages of long lists whose exact length is not worth counting.

A national coordinator's child list spans a million records: counting every match of a filter
cost 180-200 ms on PostgreSQL, several times the page itself. Past ``cap`` matches the list
says "more than N" and offers pages up to the cap; a narrower filter finds the rest.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet


class CappedPaginator(Paginator):
    """A Paginator whose ``count`` stops at ``cap`` (``capped`` tells whether there are more);
    the cap defaults to the LIST_COUNT_CAP setting.

    The count reads at most ``cap + 1`` rows, unordered."""

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, cap: int | None = None):
        super().__init__(object_list, per_page)
        self.queryset = object_list
        self.cap: int = cap if cap is not None else settings.LIST_COUNT_CAP

    @cached_property
    def _counted(self) -> int:
        return self.queryset.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap
