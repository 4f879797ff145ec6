from __future__ import annotations

import pytest

from dxdesk.lib.bulk import fetch_values
from dxdesk.registry.models import Company

pytestmark = pytest.mark.django_db


def test_fetch_values_gives_the_rows_of_a_values_list_as_plain_values() -> None:
    Company.objects.create(
        name="札幌テック株式会社", ref="A1", capital_yen=10_000_000, employees=None
    )
    Company.objects.create(name="個人商店", ref="A2", sole_proprietor=True, employees=3)
    query = Company.objects.order_by("ref").values_list(
        "pk", "ref", "name", "capital_yen", "employees", "sole_proprietor"
    )
    fetched = fetch_values(query)
    assert fetched == [tuple(row) for row in query]  # booleans may come back as 0 and 1
    assert [row[1:5] for row in fetched] == [
        ("A1", "札幌テック株式会社", 10_000_000, None),
        ("A2", "個人商店", None, 3),
    ]
    assert fetch_values(query.filter(ref="none")) == []
