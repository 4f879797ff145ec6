"""The rules of one programme, as frozen dataclasses, and the vocabularies they use.

`dxdesk.programs.definition` reads a programme file into these; everything else reads
them. Values a source document leaves open are `Placeholder`s, so code that needs a
number has to face the fact that it is not known yet.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TypeAlias

from dxdesk.programs.reader import Placeholder

FORMAT_VERSION = 1
PROGRAMME_CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

TRACK_KINDS = ("outreach", "support", "grant", "event", "desk")
POOL_KINDS = ("subsidy", "commission", "budget")
CAP_COUNTS = ("companies", "interviews", "applications", "participants")
ADMISSION_ORDERS = ("first_come", "first_come_or_ranking", "client_selects", "open")
SESSION_MODES = ("visit", "online", "phone", "email")
TARGET_PERIODS = ("programme", "month", "day", "event", "company", "operator_day")
BOUNDS = ("about", "at_least", "at_most", "exactly")
FORMULA_BASES = ("cost", "cost_minus_other_grant")
ROUNDING_MODES = ("down", "up", "half_up")
APPLICANT_KINDS = ("sme", "small_business", "any")
RESTRICTED_KINDS = ("tax", "anti_social_forces", "bank")
FIELD_TYPES = (
    "text",
    "textarea",
    "integer",
    "yen",
    "date",
    "choice",
    "boolean",
    "email",
    "phone",
    "bank_account",
)
FIELD_FEEDS = ("eligible_cost_yen", "other_grant_yen", "requested_yen", "completion_date")
DOCUMENT_KINDS = ("dx_plan", "three_year_plan", "interview_report", "support_report", "proposal")
EVENT_FORMATS = (
    "seminar",
    "lecture",
    "training",
    "workshop",
    "results_meeting",
    "briefing",
    "liaison_meeting",
)
EVENT_MODES = ("venue", "online")
DESK_CHANNELS = ("phone", "form", "email", "visit", "online", "outreach_session")
DESK_DAYS = ("weekdays", "any_day")
CLIENT_REPORTS = ("daily", "per_event", "monthly", "by_end_of_next_month", "as_needed")
KPI_KINDS = ("output", "outcome", "service_level")
SETTLEMENT_METHODS = ("lump_sum", "fixed_plus_units")
REVIEW_DEADLINES = (
    "deficiency_notice",
    "deficiency_notice_after_resubmission",
    "review_complete",
    "review_complete_after_fix",
)

# Tables that only make sense on some kinds of track.
KIND_ONLY: dict[str, tuple[str, ...]] = {
    "calls": ("outreach",),
    "sessions": ("support",),
    "proposals": ("support",),
    "budget": ("support",),
    "documents": ("support",),
    "expert_qualifications": ("support",),
    "formula": ("grant",),
    "one_per_company": ("grant",),
    "applicants": ("grant",),
    "checklist": ("grant",),
    "attachments": ("grant",),
    "review": ("grant",),
    "event": ("event",),
    "desk": ("desk",),
    "form": ("support", "grant", "event", "desk"),
}

Yen: TypeAlias = int | Placeholder
Count: TypeAlias = int | Placeholder
Day: TypeAlias = datetime.date | Placeholder
Rate: TypeAlias = Fraction | Placeholder
Band: TypeAlias = tuple[datetime.time, datetime.time]


@dataclass(frozen=True)
class Dates:
    contract_start: Day | None
    contract_end: Day | None
    final_report_due: Day | None


@dataclass(frozen=True)
class TrackDates:
    starts: Day | None = None
    ends: Day | None = None
    intake_opens: Day | None = None
    intake_closes: Day | None = None
    documents_complete_by: Day | None = None
    completion_by: Day | None = None
    report_by: Day | None = None
    payment_by: Day | None = None


@dataclass(frozen=True)
class MoneyPoolDefinition:
    name: str
    title: str
    kind: str
    limit_yen: Yen | None
    # Tracks whose intake closes the moment this pool is spent (001 §4(4)).
    closes_when_spent: tuple[str, ...] = ()


@dataclass(frozen=True)
class CountCapDefinition:
    limit: Count | None
    counts: str


@dataclass(frozen=True)
class Admission:
    order: str = "open"
    # "track" (a case in that track) or "track.milestone" (that milestone reached).
    requires: tuple[str, ...] = ()
    consents: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    measure: str
    value: int | Fraction | Placeholder | None
    per: str
    bound: str
    note: str = ""


@dataclass(frozen=True)
class Sessions:
    per_company: Count | None
    modes: tuple[str, ...] = ()
    first_session: str = ""
    stages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Proposals:
    categories: tuple[str, ...] = ()
    # Proposing the secretariat's own product needs the client's approval (001 §9(3)②).
    own_product_needs_approval: bool = False


@dataclass(frozen=True)
class Budget:
    per_company_yen: Yen | None
    bound: str
    lines: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SubsidyFormula:
    base: str
    rate: Rate | None
    other_grant: str = ""
    ceiling_yen: Yen | None = None
    floor_yen: Yen | None = None
    rounding_unit_yen: int = 1
    rounding: str = "down"


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str
    attachment: str = ""


@dataclass(frozen=True)
class Attachment:
    code: str
    label: str
    required: bool = True
    # One of RESTRICTED_KINDS: data only certain roles may open (R-SEC-1); which roles
    # is the security policy of dxdesk.accounts.roles.RESTRICTED_DATA.
    restricted: str = ""


@dataclass(frozen=True)
class FormField:
    code: str
    label: str
    type: str
    required: bool = True
    choices: tuple[str, ...] = ()
    feeds: str = ""
    # As on an attachment: staff outside RESTRICTED_DATA[restricted] see the answer masked.
    restricted: str = ""


@dataclass(frozen=True)
class Review:
    # Business days (Japanese holidays excluded), keyed by REVIEW_DEADLINES.
    business_days: dict[str, int] = field(default_factory=dict)
    inspection_rate: Rate | None = None
    expected_deficiency_rate: Rate | None = None
    anti_social_forces_list: bool = False
    duplicate_check: bool = False


@dataclass(frozen=True)
class CallOutcome:
    code: str
    title: str
    counts_as_attempt: bool
    final: bool
    callback: bool = False
    do_not_call: bool = False
    route_to: str = ""
    refer_to: str = ""


@dataclass(frozen=True)
class ScriptCondition:
    cap_reached: str = ""
    industries: tuple[str, ...] = ()
    employees_at_least: int | None = None
    employees_at_most: int | None = None

    @property
    def is_default(self) -> bool:
        return self == ScriptCondition()


@dataclass(frozen=True)
class TalkScript:
    code: str
    title: str
    document: str | Placeholder | None
    when: ScriptCondition


@dataclass(frozen=True)
class CallRules:
    attempts: int | None
    different_day: bool
    different_band: bool
    bands: tuple[Band, ...]
    closed_days: tuple[datetime.date, ...]
    outcomes: dict[str, CallOutcome]
    scripts: tuple[TalkScript, ...]


@dataclass(frozen=True)
class EventRules:
    format: str
    modes: tuple[str, ...] = ()
    survey: bool = False
    attendee_list: bool = False


@dataclass(frozen=True)
class DeskRules:
    channels: tuple[str, ...]
    days: str = "weekdays"
    phone_hours: Band | None = None
    window_hours: Band | None = None
    # Questions the client's Q&A does not answer go to the client (002 §5(1)⑦).
    escalate_unanswered_to_client: bool = False


@dataclass(frozen=True)
class TrackDefinition:
    name: str
    kind: str
    title: str
    summary: str = ""
    pool: str = ""
    cap: CountCapDefinition | None = None
    admission: Admission = field(default_factory=Admission)
    dates: TrackDates = field(default_factory=TrackDates)
    targets: tuple[Target, ...] = ()
    milestones: dict[str, str] = field(default_factory=dict)
    report_to_client: str = ""
    # What each record or report of this track must state (001 §9(4)①, 004 §5(2)ウ).
    report_items: tuple[str, ...] = ()
    form: tuple[FormField, ...] = ()
    sessions: Sessions | None = None
    proposals: Proposals | None = None
    budget: Budget | None = None
    documents: tuple[str, ...] = ()
    expert_qualifications: tuple[str, ...] = ()
    formula: SubsidyFormula | None = None
    one_per_company: bool = False
    applicants: str = ""
    checklist: tuple[ChecklistItem, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    review: Review | None = None
    calls: CallRules | None = None
    event: EventRules | None = None
    desk: DeskRules | None = None

    def targets_for(self, measure: str) -> list[Target]:
        return [target for target in self.targets if target.measure == measure]


@dataclass(frozen=True)
class CompletionRule:
    """What makes one settlement unit complete; exactly one of the three is set."""

    milestone: str = ""
    application_submitted: str = ""
    application_decided: str = ""


@dataclass(frozen=True)
class SemiComplete:
    rate: Rate | None
    min_sessions: int | None
    max_sessions: int | None
    # Complete plus semi-complete cases may not exceed the track's cap.
    within_cap: bool


@dataclass(frozen=True)
class SettlementUnit:
    name: str
    title: str
    track: str
    unit_price_yen: Yen | None
    complete_when: CompletionRule
    semi_complete: SemiComplete | None = None
    # Tracks counted complete too when this unit completes and they did not (000 §6(1)ウ).
    also_completes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settlement:
    method: str = "lump_sum"
    contract_ceiling_yen: Yen | None = None
    tax_included: bool = True
    fixed_fee_yen: Yen | None = None
    fixed_cost_items: tuple[str, ...] = ()
    units: dict[str, SettlementUnit] = field(default_factory=dict)


@dataclass(frozen=True)
class Kpi:
    name: str
    title: str
    kind: str
    unit: str
    target: int | Fraction | Placeholder | None
    bound: str
    fiscal_year: int | None = None
    measurement: str = ""


@dataclass(frozen=True)
class PortalMeasure:
    name: str
    title: str
    owner: str = ""
    url: str | Placeholder | None = None
    summary: str = ""


@dataclass(frozen=True)
class Portal:
    measures_expected: int | None = None
    measures: dict[str, PortalMeasure] = field(default_factory=dict)


@dataclass(frozen=True)
class ProgramDefinition:
    code: str
    title: str
    client: str
    fiscal_year: int | None
    source: str
    dates: Dates
    pools: dict[str, MoneyPoolDefinition]
    tracks: dict[str, TrackDefinition]
    settlement: Settlement
    kpis: dict[str, Kpi]
    portal: Portal
    placeholders: tuple[Placeholder, ...] = ()
    text: str = field(default="", repr=False, compare=False)

    def tracks_of_kind(self, kind: str) -> list[TrackDefinition]:
        return [track for track in self.tracks.values() if track.kind == kind]
