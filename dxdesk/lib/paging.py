"""Pagination that never counts more rows than a person would page through."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most `count_cap` matches, so a broad search never scans the whole table
    just to print its total; `is_capped` tells the template to say "N or more"."""

    count_cap = 1000

    @cached_property
    def count(self) -> int:
        return int(self.object_list[: self.count_cap + 1].count())

    @property
    def is_capped(self) -> bool:
        return self.count > self.count_cap
