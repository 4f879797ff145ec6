"""A campaign's rules as read from its programme file: schedule, outcomes, scripts, measures.

Parsing a programme file takes a few milliseconds, and "next call" needs the bands on
every request, so each definition is read once per process and kept by its hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dxdesk.outreach.models import TaskState
from dxdesk.outreach.schedule import Calendar, CallSchedule
from dxdesk.programs.reader import Placeholder
from dxdesk.programs.rules import CallOutcome, PortalMeasure, TalkScript, Target

if TYPE_CHECKING:
    from dxdesk.funds.models import Fund
    from dxdesk.outreach.models import Campaign
    from dxdesk.registry.models import Company


@dataclass(frozen=True)
class Playbook:
    schedule: CallSchedule
    outcomes: dict[str, CallOutcome]
    scripts: tuple[TalkScript, ...]
    measures: dict[str, PortalMeasure]
    targets: tuple[Target, ...]

    @property
    def cap_tracks(self) -> set[str]:
        """Support tracks whose cap decides a script or receives a routed company."""
        names = {script.when.cap_reached for script in self.scripts if script.when.cap_reached}
        names |= {outcome.route_to for outcome in self.outcomes.values() if outcome.route_to}
        return names

    def choose_script(self, company: Company, caps_reached: set[str]) -> TalkScript | None:
        """The first script whose conditions the company meets, top to bottom (R-OUT-3)."""
        for script in self.scripts:
            when = script.when
            if when.cap_reached and when.cap_reached not in caps_reached:
                continue
            if when.industries and not any(
                company.industry_code.startswith(code) for code in when.industries
            ):
                continue
            employees = company.employees
            if when.employees_at_least is not None and (
                employees is None or employees < when.employees_at_least
            ):
                continue
            if when.employees_at_most is not None and (
                employees is None or employees > when.employees_at_most
            ):
                continue
            return script
        return None

    def target(self, measure: str, per: str, bound: str | None = None) -> int | None:
        for target in self.targets:
            if target.measure != measure or target.per != per:
                continue
            if bound is not None and target.bound != bound:
                continue
            if isinstance(target.value, int):
                return target.value
        return None


def closing_state(outcome: CallOutcome, *, person_reached: str) -> str:
    """The state a final outcome leaves the company in.

    The programme file does not say which final outcomes mean somebody answered, so a
    final outcome that neither routes nor refers counts as reached when the operator
    recorded who they spoke to (番号無効・廃業 has nobody).
    """
    if outcome.do_not_call:
        return TaskState.REFUSED
    if outcome.route_to or outcome.refer_to or person_reached.strip():
        return TaskState.REACHED
    return TaskState.CLOSED


def cap_is_reached(fund: Fund | None) -> bool:
    """No room left for another company: spent, someone already waits, or intake closed."""
    if fund is None or fund.limit is None:
        return False
    return not fund.intake_open or not fund.fits(1)


_CACHE: dict[tuple[str, str], Playbook] = {}


def playbook_for(campaign: Campaign) -> Playbook:
    program = campaign.program
    key = (program.definition_hash, campaign.track.name)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    track = program.definition.tracks[campaign.track.name]
    calls = track.calls
    if calls is None or calls.attempts is None:
        raise ValueError(f"track {track.name} has no call rules")
    playbook = Playbook(
        schedule=CallSchedule(
            attempts=calls.attempts,
            bands=calls.bands,
            calendar=Calendar(frozenset(calls.closed_days)),
            different_day=calls.different_day,
            different_band=calls.different_band,
        ),
        outcomes=dict(calls.outcomes),
        scripts=calls.scripts,
        measures=dict(program.definition.portal.measures),
        targets=track.targets,
    )
    _CACHE[key] = playbook
    return playbook


def document_text(script: TalkScript | None) -> tuple[str, str]:
    """The script's text and, when the client has not supplied it yet, what is missing."""
    if script is None:
        return "", ""
    if isinstance(script.document, Placeholder):
        return "", script.document.note
    return script.document or "", ""


def band_label(schedule: CallSchedule, band: int | None) -> str:
    if band is None or band >= len(schedule.bands):
        return ""
    start, end = schedule.bands[band]
    return f"{start:%H:%M}–{end:%H:%M}"
