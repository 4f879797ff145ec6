from __future__ import annotations

from dataclasses import dataclass

from dxdesk.grants.intake import IntakeStatus, intake_status
from dxdesk.programs.models import Track, TrackKind


@dataclass(frozen=True)
class Offer:
    track: Track
    status: IntakeStatus

    @property
    def remaining_yen(self) -> int | None:
        fund = self.status.fund
        return None if fund is None else fund.remaining

    @property
    def waiting_count(self) -> int:
        fund = self.status.fund
        return 0 if fund is None else fund.waiting_count


def grant_tracks_on_offer() -> list[Offer]:
    """Every grant track of every programme with its intake status and the budget left
    (R-APP-3: the portal shows the remaining budget)."""
    tracks = (
        Track.objects.filter(kind=TrackKind.GRANT)
        .select_related("program", "pool__fund")
        .order_by("program__code", "position")
    )
    return [Offer(track, intake_status(track)) for track in tracks]
