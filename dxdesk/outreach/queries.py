"""Reads of the outreach app: the supervisor's figures, the call log, the call screen."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from dxdesk.lib.dates import day_bounds
from dxdesk.outreach.models import (
    QUEUED_STATES,
    CallAttempt,
    CallTask,
    Campaign,
    RouteState,
    TaskState,
)
from dxdesk.outreach.playbook import Playbook, band_label, cap_is_reached, document_text
from dxdesk.outreach.schedule import TOKYO
from dxdesk.programs.models import CountCap
from dxdesk.programs.rules import TalkScript


def caps_reached(campaign: Campaign, playbook: Playbook) -> set[str]:
    """Support tracks named by this campaign's scripts or routes that have no room (R-OUT-7)."""
    names = playbook.cap_tracks
    if not names:
        return set()
    caps = CountCap.objects.select_related("fund", "track").filter(
        track__program_id=campaign.program_id, track__name__in=names
    )
    return {cap.track.name for cap in caps if cap_is_reached(cap.fund)}


@dataclass(frozen=True)
class StateGroup:
    label: str
    states: tuple[str, ...]
    count: int


@dataclass(frozen=True)
class OperatorFigures:
    name: str
    calls: int
    reached: int
    average_seconds: int


@dataclass(frozen=True)
class DayFigures:
    day: datetime.date
    calls: int
    reached: int


@dataclass(frozen=True)
class RoutedFigures:
    outcome: str
    route: str
    count: int


@dataclass
class Dashboard:
    today: datetime.date
    total: int
    groups: list[StateGroup]
    remaining_attempts: int
    business_days_left: int
    calls_needed_per_day: int | None
    target_calls_per_day: int | None
    operator_day_low: int | None
    operator_day_high: int | None
    calls_today: int
    reached_today: int
    operators: list[OperatorFigures] = field(default_factory=list)
    days: list[DayFigures] = field(default_factory=list)
    routed: list[RoutedFigures] = field(default_factory=list)

    @property
    def today_share_of_plan(self) -> int | None:
        if not self.calls_needed_per_day:
            return None
        return min(100, self.calls_today * 100 // self.calls_needed_per_day)


GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (str(TaskState.UNTOUCHED.label), (TaskState.UNTOUCHED,)),
    ("架電中（再架電・折り返し待ち）", (TaskState.RETRY, TaskState.CALLBACK)),
    (str(TaskState.REACHED.label), (TaskState.REACHED,)),
    (str(TaskState.FUZAI.label), (TaskState.FUZAI,)),
    (str(TaskState.REFUSED.label), (TaskState.REFUSED,)),
    (str(TaskState.DO_NOT_CALL.label), (TaskState.DO_NOT_CALL,)),
    (str(TaskState.CLOSED.label), (TaskState.CLOSED,)),
)


def dashboard(campaign: Campaign, playbook: Playbook, now: datetime.datetime) -> Dashboard:
    """Today against the plan, per operator, by state and by route: five queries."""
    schedule = playbook.schedule
    today = schedule.local(now).date()
    by_state = {
        row["state"]: row
        for row in CallTask.objects.filter(campaign=campaign)
        .values("state")
        .annotate(count=Count("id"), used=Sum("attempts"))
    }
    limit = schedule.attempts
    remaining = sum(
        by_state[state]["count"] * limit - (by_state[state]["used"] or 0)
        for state in QUEUED_STATES
        if state in by_state
    )
    first_day = max(today, campaign.starts_on)
    days_left = len(schedule.calendar.business_days(first_day, campaign.ends_on))
    start, end = day_bounds(today)
    calls_today = CallAttempt.objects.filter(
        campaign=campaign, called_at__gte=start, called_at__lt=end
    )
    operators = [
        OperatorFigures(
            name=row["caller__full_name"] or row["caller__email"],
            calls=row["calls"],
            reached=row["reached"],
            average_seconds=round(row["average"] or 0),
        )
        for row in calls_today.values("caller_id", "caller__full_name", "caller__email")
        .annotate(
            calls=Count("id"),
            reached=Count("id", filter=Q(reached=True)),
            average=Avg("duration_seconds"),
        )
        .order_by("-calls", "caller__full_name")
    ]
    days = [
        DayFigures(row["day"], row["calls"], row["reached"])
        for row in CallAttempt.objects.filter(campaign=campaign)
        .annotate(day=TruncDate("called_at", tzinfo=TOKYO))
        .values("day")
        .annotate(calls=Count("id"), reached=Count("id", filter=Q(reached=True)))
        .order_by("day")
    ]
    titles = {code: outcome.title for code, outcome in playbook.outcomes.items()}
    routed = [
        RoutedFigures(
            outcome=titles.get(row["last_outcome"], row["last_outcome"]),
            route=str(RouteState(row["route_state"]).label) if row["route_state"] else "",
            count=row["count"],
        )
        for row in CallTask.objects.filter(campaign=campaign, state=TaskState.REACHED)
        .values("last_outcome", "route_state")
        .annotate(count=Count("id"))
        .order_by("-count")
    ]
    calls_made = sum(row.calls for row in operators)
    return Dashboard(
        today=today,
        total=sum(row["count"] for row in by_state.values()),
        groups=[
            StateGroup(label, states, sum(by_state.get(s, {}).get("count", 0) for s in states))
            for label, states in GROUPS
        ],
        remaining_attempts=remaining,
        business_days_left=days_left,
        # Planned from the start of today: each call made today took one off the remainder.
        calls_needed_per_day=math.ceil((remaining + calls_made) / days_left) if days_left else None,
        target_calls_per_day=playbook.target("calls", "day"),
        operator_day_low=playbook.target("calls", "operator_day", "at_least"),
        operator_day_high=playbook.target("calls", "operator_day", "at_most"),
        calls_today=calls_made,
        reached_today=sum(row.reached for row in operators),
        operators=operators,
        days=days,
        routed=routed,
    )


def call_history(task: CallTask) -> QuerySet[CallAttempt]:
    return task.attempts_made.select_related("caller").order_by("number")


def operator_today(campaign: Campaign, user: Any, now: datetime.datetime) -> dict[str, int]:
    """The operator's own count for today, shown beside the "next call" button."""
    start, end = day_bounds(now.astimezone(TOKYO).date())
    return CallAttempt.objects.filter(
        campaign=campaign, caller=user, called_at__gte=start, called_at__lt=end
    ).aggregate(calls=Count("id"), reached=Count("id", filter=Q(reached=True)))


def search_call_log(
    attempts: QuerySet[CallAttempt], campaign: Campaign, data: dict[str, Any]
) -> QuerySet[CallAttempt]:
    """The call log filtered by the search form's cleaned data (R-OUT-4)."""
    from dxdesk.registry.models import Company

    found = attempts.filter(campaign=campaign)
    if data.get("q"):
        found = found.filter(task__company__in=Company.objects.search(data["q"]).values("pk"))
    if data.get("outcome"):
        found = found.filter(outcome=data["outcome"])
    if data.get("caller"):
        found = found.filter(caller=data["caller"])
    if data.get("day_from"):
        found = found.filter(called_at__gte=day_bounds(data["day_from"])[0])
    if data.get("day_to"):
        found = found.filter(called_at__lt=day_bounds(data["day_to"])[1])
    return found.select_related("task__company", "caller").order_by("-called_at", "-id")


@dataclass(frozen=True)
class MeasureLink:
    title: str
    owner: str
    url: str  # empty while the programme file still has a placeholder for it


@dataclass(frozen=True)
class CallScreen:
    """Everything the operator sees while on the phone with one company (R-OUT-3)."""

    task: CallTask
    history: list[CallAttempt]
    script: TalkScript | None
    script_text: str
    script_missing: str
    cap_reached: bool
    measures: list[MeasureLink]
    attempt_limit: int
    bands: list[str]


def call_screen(task: CallTask, playbook: Playbook) -> CallScreen:
    reached = caps_reached(task.campaign, playbook)
    script = playbook.choose_script(task.company, reached)
    text, missing = document_text(script)
    history = list(call_history(task))
    for attempt in history:
        attempt.band_text = band_label(playbook.schedule, attempt.band)  # type: ignore[attr-defined]
    return CallScreen(
        task=task,
        history=history,
        script=script,
        script_text=text,
        script_missing=missing,
        cap_reached=bool(reached),
        measures=[
            MeasureLink(m.title, m.owner, m.url if isinstance(m.url, str) else "")
            for m in playbook.measures.values()
        ],
        attempt_limit=playbook.schedule.attempts,
        bands=[band_label(playbook.schedule, i) for i in range(len(playbook.schedule.bands))],
    )
