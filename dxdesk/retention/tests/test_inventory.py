"""Every table has a decided disposal: a model added without one fails here."""

from __future__ import annotations

from django.apps import apps

from dxdesk.audit.models import AuditEvent
from dxdesk.retention.inventory import INVENTORY
from dxdesk.retention.selection import DELETION_ORDER, kind_of


def test_it_lists_every_model_of_the_project_and_of_the_django_apps_it_uses() -> None:
    models = {model._meta.label_lower for model in apps.get_models()}
    assert sorted(models - set(INVENTORY)) == []  # add a line to inventory.py
    assert sorted(set(INVENTORY) - models) == []


def test_every_model_it_erases_rows_of_is_in_the_deletion_order() -> None:
    erased = {label for label, treatment in INVENTORY.items() if treatment.erased}
    # The audit trail goes whole, by dxdesk.audit.erasure, not row by row.
    ordered = {kind_of(model) for model in DELETION_ORDER} | {kind_of(AuditEvent)}
    assert erased == ordered


def test_it_says_why_for_what_it_keeps() -> None:
    assert [
        label
        for label, treatment in INVENTORY.items()
        if not treatment.erased and not treatment.kept
    ] == []
