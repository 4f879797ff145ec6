"""Reading the audit trail: checking its chain."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from dxdesk.audit.models import GENESIS_HASH, AuditChain, AuditEvent


@dataclass(frozen=True)
class ChainCheck:
    events: int  # events found intact before the first problem (all of them when intact)
    head_hash: str
    problem: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem


def check_chain(*, chunk_size: int = 2000) -> ChainCheck:
    """Recompute every event's hash in order; name the first event that breaks the chain.

    An event altered after it was written no longer matches its hash; an event removed
    leaves a gap in the numbering; events swapped, or one put in another's place, no
    longer follow the hash before them; events removed from the end no longer reach the
    chain's head.
    """
    previous = GENESIS_HASH
    expected = 1
    events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=chunk_size)
    for event in events:
        when = timezone.localtime(event.occurred_at)
        where = f"event #{event.sequence} (id {event.pk}, {when:%Y-%m-%d %H:%M:%S})"
        if event.sequence != expected:
            missing = (
                f"#{expected}"
                if event.sequence == expected + 1
                else f"#{expected}–#{event.sequence - 1}"
            )
            return ChainCheck(
                expected - 1, previous, f"{where}: event {missing} is missing before it"
            )
        if event.previous_hash != previous:
            return ChainCheck(
                expected - 1,
                previous,
                f"{where} does not follow event #{expected - 1}: events were removed, replaced "
                "or reordered",
            )
        if event.compute_hash() != event.hash:
            return ChainCheck(expected - 1, previous, f"{where} was altered after it was written")
        previous = event.hash
        expected += 1
    found = expected - 1
    head = AuditChain.objects.get()
    if head.length > found:
        return ChainCheck(
            found,
            previous,
            f"event #{found + 1} is missing: the chain's head records {head.length} events, "
            f"{found} remain",
        )
    if head.length == found and head.last_hash != previous:
        return ChainCheck(
            found,
            previous,
            f"event #{found} or the chain's head was replaced: the head records hash "
            f"{head.last_hash[:12]}…, the events end in {previous[:12]}…",
        )
    if head.length < found:
        return ChainCheck(
            head.length,
            previous,
            f"event #{head.length + 1} and after were written around the chain's head",
        )
    return ChainCheck(found, previous)
