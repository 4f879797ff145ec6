from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from dxdesk.funds.models import Fund, FundUnit
from dxdesk.programs.locator import LineLocator
from dxdesk.programs.models import (
    CountCap,
    MoneyPool,
    Program,
    ProgramRevision,
    Track,
    definition_hash,
)
from dxdesk.programs.reader import DefinitionError
from dxdesk.programs.rules import ProgramDefinition

if TYPE_CHECKING:
    from dxdesk.accounts.models import User


class ProgramConflict(Exception):
    """The new definition contradicts what is already recorded; `errors` says where."""

    def __init__(self, code: str, errors: list[DefinitionError]) -> None:
        self.code = code
        self.errors = sorted(errors, key=lambda error: (error.line, error.path))
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass(frozen=True)
class LoadOutcome:
    program: Program
    status: str  # "created", "updated" or "unchanged"


def load_program(definition: ProgramDefinition, *, by: User | None = None) -> LoadOutcome:
    """Create or update the programme with `definition.code`, all or nothing.

    An update that contradicts recorded data is refused with ProgramConflict: a track or
    pool that exists cannot disappear, a track cannot change kind, and no cap or pool may
    fall below what is already committed against it.
    """
    if not definition.text:
        raise ValueError("load a definition read from its file: its text is stored")
    digest = definition_hash(definition.text)
    with transaction.atomic():
        program = Program.objects.select_for_update().filter(code=definition.code).first()
        if program is not None and program.definition_hash == digest:
            return LoadOutcome(program, "unchanged")
        if program is None:
            program = Program(code=definition.code, revision=1)
            status = "created"
        else:
            # Hold every fund of the programme still while limits are compared and
            # changed, so no claim slips in between.
            fund_ids = [
                *MoneyPool.objects.filter(program=program).values_list("fund_id", flat=True),
                *CountCap.objects.filter(track__program=program).values_list("fund_id", flat=True),
            ]
            list(Fund.objects.select_for_update().filter(pk__in=fund_ids).order_by("pk"))
            errors = conflicts_with_records(program, definition)
            if errors:
                raise ProgramConflict(definition.code, errors)
            program.revision += 1
            status = "updated"
        program.title = definition.title
        program.client = definition.client
        program.fiscal_year = definition.fiscal_year
        program.definition_text = definition.text
        program.definition_hash = digest
        program.loaded_at = timezone.now()
        program.loaded_by = by
        program.save()
        program.__dict__.pop("definition", None)
        ProgramRevision.objects.create(
            program=program,
            number=program.revision,
            definition_text=definition.text,
            definition_hash=digest,
            loaded_at=program.loaded_at,
            loaded_by=by,
        )
        pools = _sync_pools(program, definition)
        _sync_tracks(program, definition, pools)
    return LoadOutcome(program, status)


def conflicts_with_records(
    program: Program, definition: ProgramDefinition
) -> list[DefinitionError]:
    locator = LineLocator(definition.text)
    errors: list[DefinitionError] = []

    def refuse(path: str, message: str) -> None:
        errors.append(DefinitionError(path, locator.line_of(path), message))

    caps = {
        cap.track_id: cap
        for cap in CountCap.objects.filter(track__program=program).select_related("fund")
    }
    for track in program.tracks.all():
        path = f"tracks.{track.name}"
        new = definition.tracks.get(track.name)
        if new is None:
            refuse(path, f"track {track.name!r} is recorded and cannot be removed")
            continue
        if new.kind != track.kind:
            refuse(
                f"{path}.kind",
                f"track {track.name!r} is recorded as {track.kind}; it cannot change kind",
            )
        cap = caps.get(track.pk)
        committed = cap.committed() if cap else 0
        if not committed:
            continue
        limit = new.cap.limit if new.cap else None
        if new.cap is None:
            refuse(f"{path}.cap", f"{committed:,} are already committed; the cap cannot be removed")
        elif not isinstance(limit, int):
            refuse(
                f"{path}.cap.limit",
                f"{committed:,} are already committed; the limit must stay a number",
            )
        elif limit < committed:
            refuse(f"{path}.cap.limit", f"{limit:,} is below the {committed:,} already committed")
    for pool in program.pools.select_related("fund"):
        path = f"pools.{pool.name}"
        new_pool = definition.pools.get(pool.name)
        if new_pool is None:
            refuse(path, f"pool {pool.name!r} is recorded and cannot be removed")
            continue
        committed_yen = pool.committed_yen()
        if not committed_yen:
            continue
        if not isinstance(new_pool.limit_yen, int):
            refuse(
                f"{path}.limit_yen",
                f"¥{committed_yen:,} is already committed; the limit must stay a number",
            )
        elif new_pool.limit_yen < committed_yen:
            refuse(
                f"{path}.limit_yen",
                f"¥{new_pool.limit_yen:,} is below the ¥{committed_yen:,} already committed",
            )
    return errors


def _sync_pools(program: Program, definition: ProgramDefinition) -> dict[str, MoneyPool]:
    existing = {pool.name: pool for pool in program.pools.all()}
    new_pools: list[MoneyPool] = []
    for name, rules in definition.pools.items():
        pool = existing.get(name) or MoneyPool(program=program, name=name)
        pool.title = rules.title
        pool.kind = rules.kind
        pool.limit_yen = rules.limit_yen if isinstance(rules.limit_yen, int) else None
        if pool.pk is None:
            new_pools.append(pool)
    MoneyPool.objects.bulk_create(new_pools)
    MoneyPool.objects.bulk_update(list(existing.values()), ["title", "kind", "limit_yen"])
    pools = {**existing, **{pool.name: pool for pool in new_pools}}
    for name, rules in definition.pools.items():
        pool = pools[name]
        _sync_fund(
            pool,
            name=f"{program.code}: {rules.title}",
            unit=FundUnit.YEN,
            limit=pool.limit_yen,
            closes_when_spent=bool(rules.closes_when_spent),
        )
    return pools


def _sync_fund(
    owner: MoneyPool | CountCap, *, name: str, unit: str, limit: int | None, closes_when_spent: bool
) -> None:
    """Give a pool or cap its ledger counter row, carrying the file's limit."""
    fund = owner.fund
    if fund is None:
        owner.fund = Fund.objects.create(
            name=name, unit=unit, limit=limit, closes_when_spent=closes_when_spent
        )
        owner.save(update_fields=["fund"])
        return
    fund.name = name
    fund.limit = limit
    fund.closes_when_spent = closes_when_spent
    fund.save(update_fields=["name", "limit", "closes_when_spent"])


def _sync_tracks(
    program: Program, definition: ProgramDefinition, pools: dict[str, MoneyPool]
) -> None:
    existing = {track.name: track for track in program.tracks.all()}
    new_tracks: list[Track] = []
    for position, (name, rules) in enumerate(definition.tracks.items()):
        track = existing.get(name) or Track(program=program, name=name, kind=rules.kind)
        track.title = rules.title
        track.pool = pools.get(rules.pool) if rules.pool else None
        track.position = position
        if track.pk is None:
            new_tracks.append(track)
    Track.objects.bulk_create(new_tracks)
    Track.objects.bulk_update(list(existing.values()), ["title", "pool", "position"])
    tracks = {**existing, **{track.name: track for track in new_tracks}}

    caps = {cap.track_id: cap for cap in CountCap.objects.filter(track__program=program)}
    new_caps: list[CountCap] = []
    kept: list[CountCap] = []
    for name, rules in definition.tracks.items():
        if rules.cap is None:
            continue
        track = tracks[name]
        cap = caps.pop(track.pk, None) or CountCap(track=track)
        cap.counts = rules.cap.counts
        cap.limit = rules.cap.limit if isinstance(rules.cap.limit, int) else None
        (kept if cap.pk else new_caps).append(cap)
    CountCap.objects.bulk_create(new_caps)
    CountCap.objects.bulk_update(kept, ["counts", "limit"])
    for cap in [*new_caps, *kept]:
        track = cap.track
        _sync_fund(
            cap,
            name=f"{program.code}: {track.title}",
            unit=FundUnit.COUNT,
            limit=cap.limit,
            closes_when_spent=False,
        )
    # Caps dropped from the file; conflicts_with_records has made sure none is committed.
    CountCap.objects.filter(pk__in=[cap.pk for cap in caps.values()]).delete()
