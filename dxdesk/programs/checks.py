"""Checks across a programme definition: references between tables, dates in order,
formula bounds. They run even when some tables had errors, so one run reports every
problem; a value that failed to parse is empty or None here and is simply skipped."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from dxdesk.programs.locator import index_path, join_path
from dxdesk.programs.reader import Placeholder, Problems
from dxdesk.programs.rules import ProgramDefinition, SubsidyFormula, TrackDefinition

# Pairs of track dates that must not run backwards: (earlier, later).
TRACK_DATE_ORDER = (
    ("starts", "ends"),
    ("intake_opens", "intake_closes"),
    ("intake_opens", "documents_complete_by"),
    ("intake_opens", "completion_by"),
    ("completion_by", "report_by"),
    ("documents_complete_by", "payment_by"),
    ("report_by", "payment_by"),
)


def cross_check(definition: ProgramDefinition, problems: Problems) -> None:
    for name, pool in definition.pools.items():
        for index, closed in enumerate(pool.closes_when_spent):
            if closed not in definition.tracks:
                path = index_path(f"pools.{name}.closes_when_spent", index)
                problems.add(path, f"no track is named {closed!r}")
    for track in definition.tracks.values():
        _check_track(definition, track, problems)
    _check_settlement(definition, problems)
    _check_dates(definition, problems)


def _check_track(definition: ProgramDefinition, track: TrackDefinition, problems: Problems) -> None:
    path = f"tracks.{track.name}"
    if track.pool and track.pool not in definition.pools:
        problems.add(f"{path}.pool", f"no pool is named {track.pool!r}")
    for index, requirement in enumerate(track.admission.requires):
        required_track, _dot, milestone = requirement.partition(".")
        where = index_path(f"{path}.admission.requires", index)
        other = definition.tracks.get(required_track)
        if other is None:
            problems.add(where, f"no track is named {required_track!r}")
        elif other is track:
            problems.add(where, "a track cannot require itself")
        elif milestone and milestone not in other.milestones:
            problems.add(where, f"track {required_track!r} has no milestone {milestone!r}")
    # A support track draws on its pool by the settlement unit price of each case.
    units = definition.settlement.units.values()
    if track.kind == "support" and track.pool and all(unit.track != track.name for unit in units):
        problems.add(f"{path}.pool", "a support track with a pool needs a settlement unit")
    if track.kind == "grant":
        _check_grant(track, problems)
    if track.kind == "outreach":
        _check_calls(definition, track, problems)
    _check_duplicate_codes(path, "form", [item.code for item in track.form], problems)


def _check_grant(track: TrackDefinition, problems: Problems) -> None:
    path = f"tracks.{track.name}"
    formula = track.formula
    if formula is None:
        problems.add(f"{path}.formula", "a grant track needs a formula")
        return
    _check_formula(f"{path}.formula", formula, problems)
    feeds = [item.feeds for item in track.form]
    needed = ["eligible_cost_yen"]
    if formula.base == "cost_minus_other_grant":
        needed.append("other_grant_yen")
    for feed in needed:
        if feeds.count(feed) != 1:
            problems.add(f"{path}.form", f'exactly one field needs feeds = "{feed}"')
    attachments = {attachment.code for attachment in track.attachments}
    for index, item in enumerate(track.checklist):
        if item.attachment and item.attachment not in attachments:
            where = f"{index_path(f'{path}.checklist', index)}.attachment"
            problems.add(where, f"no attachment has code {item.attachment!r}")
    _check_duplicate_codes(path, "checklist", [item.code for item in track.checklist], problems)
    codes = [attachment.code for attachment in track.attachments]
    _check_duplicate_codes(path, "attachments", codes, problems)


def _check_formula(path: str, formula: SubsidyFormula, problems: Problems) -> None:
    unit = formula.rounding_unit_yen
    for key, value in (("ceiling_yen", formula.ceiling_yen), ("floor_yen", formula.floor_yen)):
        # A ceiling or floor off the rounding grid would make "rounded" amounts exceed it.
        if isinstance(value, int) and value % unit:
            problems.add(f"{path}.{key}", f"must be a multiple of rounding_unit_yen ({unit:,})")
    ceiling, floor = formula.ceiling_yen, formula.floor_yen
    if isinstance(ceiling, int) and isinstance(floor, int) and floor > ceiling:
        problems.add(f"{path}.floor_yen", f"the floor ¥{floor:,} is above the ceiling ¥{ceiling:,}")


def _check_calls(definition: ProgramDefinition, track: TrackDefinition, problems: Problems) -> None:
    path = f"tracks.{track.name}.calls"
    calls = track.calls
    if calls is None:
        problems.add(path, "an outreach track needs calls")
        return
    for code, outcome in calls.outcomes.items():
        where = f"{path}.outcomes.{code}"
        if outcome.route_to:
            target = definition.tracks.get(outcome.route_to)
            if target is None or target is track:
                problems.add(f"{where}.route_to", f"no other track is named {outcome.route_to!r}")
        if outcome.refer_to and outcome.refer_to not in definition.portal.measures:
            problems.add(f"{where}.refer_to", f"no portal measure is named {outcome.refer_to!r}")
        if (outcome.route_to or outcome.refer_to) and not outcome.final:
            problems.add(f"{where}.final", "an outcome that routes the company must be final")
    if not any(
        not outcome.final and outcome.counts_as_attempt for outcome in calls.outcomes.values()
    ):
        problems.add(f"{path}.outcomes", "no outcome counts as an unanswered attempt")
    defaults = [index for index, script in enumerate(calls.scripts) if script.when.is_default]
    if calls.scripts and defaults != [len(calls.scripts) - 1]:
        problems.add(f"{path}.scripts", "exactly one script, the last, must have no `when`")
    for index, script in enumerate(calls.scripts):
        name = script.when.cap_reached
        if not name:
            continue
        where = f"{index_path(f'{path}.scripts', index)}.when.cap_reached"
        capped = definition.tracks.get(name)
        if capped is None or capped.cap is None:
            problems.add(where, f"no track with a cap is named {name!r}")
    _check_duplicate_codes(path, "scripts", [script.code for script in calls.scripts], problems)


def _check_settlement(definition: ProgramDefinition, problems: Problems) -> None:
    for name, unit in definition.settlement.units.items():
        path = f"settlement.units.{name}"
        if not unit.track:
            continue
        track = definition.tracks.get(unit.track)
        if track is None:
            problems.add(f"{path}.track", f"no track is named {unit.track!r}")
            continue
        rule = unit.complete_when
        if rule.milestone and rule.milestone not in track.milestones:
            problems.add(
                f"{path}.complete_when.milestone",
                f"track {unit.track!r} has no milestone {rule.milestone!r}",
            )
        for key in ("application_submitted", "application_decided"):
            grant = getattr(rule, key)
            if grant and getattr(definition.tracks.get(grant), "kind", "") != "grant":
                problems.add(f"{path}.complete_when.{key}", f"no grant track is named {grant!r}")
        for index, other in enumerate(unit.also_completes):
            if other not in definition.tracks or other == unit.track:
                where = index_path(f"{path}.also_completes", index)
                problems.add(where, f"no other track is named {other!r}")
        semi = unit.semi_complete
        if semi is None:
            continue
        limit = track.sessions.per_company if track.sessions else None
        if semi.min_sessions and semi.max_sessions and semi.min_sessions > semi.max_sessions:
            problems.add(f"{path}.semi_complete.min_sessions", "is above max_sessions")
        if isinstance(limit, int) and semi.max_sessions and semi.max_sessions > limit:
            problems.add(
                f"{path}.semi_complete.max_sessions",
                f"is above the track's session limit ({limit})",
            )
        if semi.within_cap and track.cap is None:
            problems.add(f"{path}.semi_complete.within_cap", f"track {unit.track!r} has no cap")


def _check_dates(definition: ProgramDefinition, problems: Problems) -> None:
    dates = definition.dates
    start, end = _known(dates.contract_start), _known(dates.contract_end)
    if start and end and start > end:
        problems.add("dates.contract_end", "is before contract_start")
    final = _known(dates.final_report_due)
    if final and end and final > end:
        problems.add("dates.final_report_due", "is after contract_end")
    for track in definition.tracks.values():
        path = f"tracks.{track.name}.dates"
        for key, value in _track_dates(track):
            if start and value < start:
                problems.add(join_path(path, key), "is before the contract starts")
            if end and value > end:
                problems.add(join_path(path, key), "is after the contract ends")
        for earlier, later in TRACK_DATE_ORDER:
            first = _known(getattr(track.dates, earlier))
            second = _known(getattr(track.dates, later))
            if first and second and second < first:
                problems.add(join_path(path, later), f"is before {earlier}")


def _track_dates(track: TrackDefinition) -> Iterator[tuple[str, datetime.date]]:
    for key, value in vars(track.dates).items():
        known = _known(value)
        if known:
            yield key, known


def _known(value: datetime.date | Placeholder | None) -> datetime.date | None:
    return value if isinstance(value, datetime.date) else None


def _check_duplicate_codes(path: str, key: str, codes: list[str], problems: Problems) -> None:
    seen: set[str] = set()
    for index, code in enumerate(codes):
        if code and code in seen:
            problems.add(
                f"{index_path(f'{path}.{key}', index)}.code", f"code {code!r} is used twice"
            )
        seen.add(code)
