"""The anonymous figures a disposal keeps: counted from the records just before they go.

What the client still needs for its final report once the records are erased (000 §5(8),
001 §10, 002 6(3)): per programme and track, applications by state, channel and money
state with their yen, attachments by document, calls by outcome with their minutes, the
final result of each listed company, and the companies listed or applying by ward,
industry division and size class; for the registry as a whole, companies by the same
three and the number of contacts.

Every key is a word of a fixed vocabulary (`clean_key`): a value outside it is counted
under "other", never kept as written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from dxdesk.funds.models import FundRequest, RequestState
from dxdesk.grants.models import (
    Application,
    ApplicationAttachment,
    ApplicationState,
    Channel,
)
from dxdesk.outreach.models import CallAttempt, CallTask, Campaign, RouteState, TaskState
from dxdesk.programs.models import Track
from dxdesk.registry.industries import INDUSTRY_DIVISIONS
from dxdesk.registry.models import Company, Contact, SizeClass
from dxdesk.retention.models import Dimension, DisposalTally, Measure
from dxdesk.retention.selection import CHUNK, Selection

OTHER = "other"
# A ward of a designated city or a municipality, as `registry.keys.ward_of` derives it:
# letters (kanji, kana) ending in 市, 区, 町 or 村; never digits, never a street.
_MUNICIPALITY = re.compile(r"^[^\W\d_]{1,19}[市区町村]$")
_CODE = re.compile(r"^[a-z0-9_]{1,60}$")
_VOCABULARIES: dict[str, frozenset[str]] = {
    Dimension.STATE: frozenset(ApplicationState.values),
    Dimension.CHANNEL: frozenset(Channel.values),
    Dimension.MONEY_STATE: frozenset(RequestState.values),
    Dimension.TASK_STATE: frozenset(TaskState.values),
    Dimension.ROUTE_STATE: frozenset(value or "none" for value in RouteState.values),
    Dimension.SIZE_CLASS: frozenset(SizeClass.values),
    Dimension.INDUSTRY: frozenset(INDUSTRY_DIVISIONS),
}

Key = tuple[str, str, str, str, str]  # program code, track name, measure, dimension, key


def clean_key(dimension: str, value: Any) -> str:
    """The value as a word of the dimension's vocabulary, or "other"."""
    text = "" if value is None else str(value)
    if dimension == Dimension.TOTAL:
        return ""
    if dimension == Dimension.ROUTE_STATE:
        text = text or "none"
    if dimension in _VOCABULARIES:
        return text if text in _VOCABULARIES[dimension] else OTHER
    if dimension == Dimension.WARD:
        return text if _MUNICIPALITY.match(text) else OTHER
    if dimension in {Dimension.OUTCOME, Dimension.DOCUMENT}:
        return text if _CODE.match(text) else OTHER
    raise ValueError(f"no vocabulary for dimension {dimension!r}")


class Tally:
    def __init__(self) -> None:
        self.values: Counter[Key] = Counter()

    def add(
        self,
        where: tuple[str, str],
        measure: str,
        dimension: str = Dimension.TOTAL,
        key: Any = "",
        value: int = 1,
    ) -> None:
        self.values[(*where, measure, dimension, clean_key(dimension, key))] += value

    def add_companies(
        self, where: tuple[str, str], measure: str, attributes: Iterable[tuple[str, str, str]]
    ) -> None:
        for ward, industry, size_class in attributes:
            self.add(where, measure)
            self.add(where, measure, Dimension.WARD, ward)
            self.add(where, measure, Dimension.INDUSTRY, industry)
            self.add(where, measure, Dimension.SIZE_CLASS, size_class)

    def rows(self) -> list[DisposalTally]:
        return [
            DisposalTally(
                program_code=program_code,
                track_name=track_name,
                measure=measure,
                dimension=dimension,
                key=key,
                value=value,
            )
            for (program_code, track_name, measure, dimension, key), value in sorted(
                self.values.items()
            )
        ]


def count(selection: Selection) -> list[DisposalTally]:
    """The tallies of what `selection` erases (unsaved: the certificate is set by the caller)."""
    tally = Tally()
    tracks = {
        pk: (program_code, name)
        for pk, program_code, name in Track.objects.values_list("pk", "program__code", "name")
    }
    _applications(tally, selection, tracks)
    _campaigns(tally, selection, tracks)
    registry = ("", "")
    company_ids = selection.ids(Company)
    tally.add_companies(registry, Measure.COMPANIES, _attributes(company_ids).values())
    tally.add(registry, Measure.CONTACTS, value=len(selection.ids(Contact)))
    return tally.rows()


def _applications(tally: Tally, selection: Selection, tracks: dict[int, tuple[str, str]]) -> None:
    applications = list(
        _rows(
            Application,
            ("pk", "track_id", "company_id", "state", "channel", "fund_request_id"),
            selection.ids(Application),
        )
    )
    requests = {
        pk: (state, amount)
        for pk, state, amount in _rows(
            FundRequest,
            ("pk", "state", "amount"),
            [row[5] for row in applications if row[5] is not None],
        )
    }
    track_of: dict[int, tuple[str, str]] = {}
    applying: dict[tuple[str, str], set[int]] = {}
    for pk, track_id, company_id, state, channel, fund_request_id in applications:
        where = tracks[track_id]
        track_of[pk] = where
        tally.add(where, Measure.APPLICATIONS)
        tally.add(where, Measure.APPLICATIONS, Dimension.STATE, state)
        tally.add(where, Measure.APPLICATIONS, Dimension.CHANNEL, channel)
        if fund_request_id in requests:
            money_state, amount = requests[fund_request_id]
            tally.add(where, Measure.APPLICATIONS, Dimension.MONEY_STATE, money_state)
            tally.add(where, Measure.APPLICATION_YEN, Dimension.MONEY_STATE, money_state, amount)
        applying.setdefault(where, set()).add(company_id)
    for application_id, code in _rows(
        ApplicationAttachment, ("application_id", "code"), selection.ids(ApplicationAttachment)
    ):
        tally.add(track_of[application_id], Measure.ATTACHMENTS, Dimension.DOCUMENT, code)
    _companies_per_track(tally, applying, Measure.APPLICANT_COMPANIES)


def _campaigns(tally: Tally, selection: Selection, tracks: dict[int, tuple[str, str]]) -> None:
    where_of = {
        pk: tracks[track_id]
        for pk, track_id in _rows(Campaign, ("pk", "track_id"), selection.ids(Campaign))
    }
    for where in where_of.values():
        tally.add(where, Measure.CAMPAIGNS)
    listed: dict[tuple[str, str], set[int]] = {}
    for campaign_id, company_id, state, route_state in _rows(
        CallTask, ("campaign_id", "company_id", "state", "route_state"), selection.ids(CallTask)
    ):
        where = where_of[campaign_id]
        listed.setdefault(where, set()).add(company_id)
        tally.add(where, Measure.CALL_RESULTS, Dimension.TASK_STATE, state)
        tally.add(where, Measure.CALL_RESULTS, Dimension.ROUTE_STATE, route_state)
    for campaign_id, outcome, seconds in _rows(
        CallAttempt, ("campaign_id", "outcome", "duration_seconds"), selection.ids(CallAttempt)
    ):
        where = where_of[campaign_id]
        tally.add(where, Measure.CALLS)
        tally.add(where, Measure.CALLS, Dimension.OUTCOME, outcome)
        tally.add(where, Measure.CALL_SECONDS, Dimension.OUTCOME, outcome, seconds)
    _companies_per_track(tally, listed, Measure.COMPANIES_LISTED)


def _companies_per_track(
    tally: Tally, companies: dict[tuple[str, str], set[int]], measure: str
) -> None:
    attributes = _attributes(sorted(set().union(*companies.values())) if companies else [])
    for where, company_ids in sorted(companies.items()):
        tally.add_companies(where, measure, (attributes[pk] for pk in sorted(company_ids)))


def _attributes(company_ids: list[int]) -> dict[int, tuple[str, str, str]]:
    return {
        pk: (ward, industry, size_class)
        for pk, ward, industry, size_class in _rows(
            Company, ("pk", "ward", "industry_division", "size_class"), company_ids
        )
    }


def _rows(model: Any, columns: tuple[str, ...], ids: list[int]) -> Iterable[tuple[Any, ...]]:
    for start in range(0, len(ids), CHUNK):
        yield from model._base_manager.filter(pk__in=ids[start : start + CHUNK]).values_list(
            *columns
        )
