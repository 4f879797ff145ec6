"""Pagination that never counts more rows than a person would page through."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Pages of a search result, counting at most `count_cap` matches.

    The count fetches the matching ids (unordered, at most cap + 1). When there are no
    more than the cap, each page then sorts just those ids: otherwise a database given
    ORDER BY … LIMIT may walk the whole sort index looking for a handful of rare
    matches. A broad result is paged directly, where walking the index is cheap, and
    `is_capped` tells the template to say "N or more".
    """

    count_cap = 1000

    @cached_property
    def matching_ids(self) -> list[Any]:
        return list(self.object_list.order_by().values_list("pk", flat=True)[: self.count_cap + 1])

    @cached_property
    def count(self) -> int:
        return len(self.matching_ids)

    @property
    def is_capped(self) -> bool:
        return self.count > self.count_cap

    def page(self, number: Any) -> Page:  # type: ignore[type-arg]
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if self.is_capped:
            return self._get_page(self.object_list[bottom:top], number, self)
        few = self.object_list.filter(pk__in=self.matching_ids)
        return self._get_page(few[bottom:top], number, self)
