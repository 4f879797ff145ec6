"""Read-only checks of the ledger."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from dxdesk.funds.models import Fund, RequestState


@dataclass(frozen=True)
class Discrepancy:
    fund: Fund
    figure: str
    counter: int
    derived: int

    def __str__(self) -> str:
        return (
            f"{self.fund.name} (fund {self.fund.pk}): {self.figure} is {self.counter:,} on the "
            f"counter row but {self.derived:,} from the entries"
        )


def ledger_discrepancies(funds: list[Fund] | None = None) -> list[Discrepancy]:
    """Compare each fund's counters with what its entries and requests add up to."""
    selected = funds if funds is not None else list(Fund.objects.order_by("pk"))
    sums = {
        row["pk"]: row
        for row in Fund.objects.filter(pk__in=[fund.pk for fund in selected])
        .annotate(
            entry_reserved=Sum("entries__reserved_delta"),
            entry_committed=Sum("entries__committed_delta"),
            entry_paid=Sum("entries__paid_delta"),
        )
        .values("pk", "entry_reserved", "entry_committed", "entry_paid")
    }
    waiting = {
        row["pk"]: row
        for row in Fund.objects.filter(pk__in=[fund.pk for fund in selected])
        .annotate(
            queued=Count("requests", filter=Q(requests__state=RequestState.WAITING)),
            queued_amount=Sum("requests__amount", filter=Q(requests__state=RequestState.WAITING)),
        )
        .values("pk", "queued", "queued_amount")
    }
    found: list[Discrepancy] = []
    for fund in selected:
        derived = {
            "reserved": sums[fund.pk]["entry_reserved"] or 0,
            "committed": sums[fund.pk]["entry_committed"] or 0,
            "paid": sums[fund.pk]["entry_paid"] or 0,
            "waiting_count": waiting[fund.pk]["queued"] or 0,
            "waiting_amount": waiting[fund.pk]["queued_amount"] or 0,
        }
        for figure, value in derived.items():
            if getattr(fund, figure) != value:
                found.append(Discrepancy(fund, figure, getattr(fund, figure), value))
        if fund.limit is not None and fund.taken > fund.limit:
            found.append(Discrepancy(fund, "over limit", fund.taken, fund.limit))
    return found
