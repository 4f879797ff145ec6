"""Programme definitions: every rule that differs between programmes, as data.

A programme file (TOML, see docs/programmes.md) is read into the frozen dataclasses of
`dxdesk.programs.rules`, re-exported here. Reading and checking are one pass: every
problem is collected as a `DefinitionError` naming the key path and the line, and
`InvalidDefinition` carries them all. Values a source document leaves open are written
`{ placeholder = "…" }` and read as `Placeholder`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from dxdesk.programs.checks import cross_check
from dxdesk.programs.locator import LineLocator
from dxdesk.programs.reader import DefinitionError, Placeholder, Problems, Reader
from dxdesk.programs.rules import (
    ADMISSION_ORDERS,
    APPLICANT_KINDS,
    BOUNDS,
    CAP_COUNTS,
    CLIENT_REPORTS,
    DESK_CHANNELS,
    DESK_DAYS,
    DOCUMENT_KINDS,
    EVENT_FORMATS,
    EVENT_MODES,
    FIELD_FEEDS,
    FIELD_TYPES,
    FORMAT_VERSION,
    FORMULA_BASES,
    KIND_ONLY,
    KPI_KINDS,
    POOL_KINDS,
    PROGRAMME_CODE,
    RESTRICTED_KINDS,
    REVIEW_DEADLINES,
    ROUNDING_MODES,
    SESSION_MODES,
    SETTLEMENT_METHODS,
    TARGET_PERIODS,
    TRACK_KINDS,
    Admission,
    Attachment,
    Budget,
    CallOutcome,
    CallRules,
    ChecklistItem,
    CompletionRule,
    CountCapDefinition,
    Dates,
    DeskRules,
    EventRules,
    FormField,
    Kpi,
    MoneyPoolDefinition,
    Portal,
    PortalMeasure,
    ProgramDefinition,
    Proposals,
    Review,
    ScriptCondition,
    SemiComplete,
    Sessions,
    Settlement,
    SettlementUnit,
    SubsidyFormula,
    TalkScript,
    Target,
    TrackDates,
    TrackDefinition,
)

__all__ = [
    "Admission",
    "Attachment",
    "Budget",
    "CallOutcome",
    "CallRules",
    "ChecklistItem",
    "CompletionRule",
    "CountCapDefinition",
    "Dates",
    "DefinitionError",
    "DeskRules",
    "EventRules",
    "FormField",
    "InvalidDefinition",
    "Kpi",
    "MoneyPoolDefinition",
    "Placeholder",
    "Portal",
    "PortalMeasure",
    "ProgramDefinition",
    "Proposals",
    "Review",
    "ScriptCondition",
    "SemiComplete",
    "Sessions",
    "Settlement",
    "SettlementUnit",
    "SubsidyFormula",
    "TalkScript",
    "Target",
    "TrackDates",
    "TrackDefinition",
    "check_definition",
    "load_definition",
    "parse_definition",
]


class InvalidDefinition(Exception):
    """A programme file with problems; `errors` holds every one, in line order."""

    def __init__(self, source: str, errors: list[DefinitionError]) -> None:
        self.source = source
        self.errors = sorted(errors, key=lambda error: (error.line, error.path))
        super().__init__(self.report())

    def report(self) -> str:
        return "\n".join(f"{self.source}:{error}" for error in self.errors)


def parse_definition(text: str, *, source: str = "<string>") -> ProgramDefinition:
    """Parse and check a programme file's text; raise InvalidDefinition listing every error."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column \d+\)", str(error))
        line = int(match.group(1)) if match else 1
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise InvalidDefinition(
            source, [DefinitionError("", line, f"TOML syntax: {message}")]
        ) from error
    problems = Problems(LineLocator(text))
    definition = _read_document(Reader(data, "", problems), text)
    cross_check(definition, problems)
    if problems.errors:
        raise InvalidDefinition(source, problems.errors)
    return definition


def check_definition(text: str, *, source: str = "<string>") -> list[DefinitionError]:
    try:
        parse_definition(text, source=source)
    except InvalidDefinition as invalid:
        return invalid.errors
    return []


def summary(definition: ProgramDefinition) -> str:
    """The commands' one-line description: "6 tracks, 2 pools, 19 placeholders"."""
    parts = []
    for items, noun in (
        (definition.tracks, "track"),
        (definition.pools, "pool"),
        (definition.placeholders, "placeholder"),
    ):
        parts.append(f"{len(items)} {noun}" + ("" if len(items) == 1 else "s"))
    return ", ".join(parts)


def load_definition(path: Path | str) -> ProgramDefinition:
    """Read a programme file; its name must be the programme code plus `.toml`."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    definition = parse_definition(text, source=str(path))
    if path.stem != definition.code:
        line = LineLocator(text).line_of("programme.code")
        message = f"the file is named {path.name}; name it {definition.code}.toml"
        raise InvalidDefinition(str(path), [DefinitionError("programme.code", line, message)])
    return definition


# -- reading ----------------------------------------------------------------------------


def _read_document(document: Reader, text: str) -> ProgramDefinition:
    version = document.plain_integer("format", required=True, minimum=1)
    if version is not None and version != FORMAT_VERSION:
        document.error("format", f"this dxdesk reads format {FORMAT_VERSION}, not {version}")
    programme = document.table("programme", required=True)
    if programme is None:
        programme = Reader({}, "programme", document.problems)
    code = programme.text("code")
    if code and not PROGRAMME_CODE.fullmatch(code):
        programme.error("code", "expected lower-case words joined by -, like sapporo-dx-2026")
    title = programme.text("title")
    client = programme.text("client")
    fiscal_year = programme.plain_integer("fiscal_year", minimum=2000)
    source = programme.text("source", required=False)
    programme.finish()

    dates = _read_dates(document.table("dates", required=True))
    pools = {name: _read_pool(name, table) for name, table in document.named_tables("pools")}
    tracks = {
        name: _read_track(name, table)
        for name, table in document.named_tables("tracks", required=True)
    }
    settlement = _read_settlement(document.table("settlement"))
    kpis = {name: _read_kpi(name, table) for name, table in document.named_tables("kpis")}
    portal = _read_portal(document.table("portal"))
    document.finish()
    return ProgramDefinition(
        code=code,
        title=title,
        client=client,
        fiscal_year=fiscal_year,
        source=source,
        dates=dates,
        pools=pools,
        tracks=tracks,
        settlement=settlement,
        kpis=kpis,
        portal=portal,
        placeholders=tuple(sorted(document.problems.placeholders, key=lambda item: item.line)),
        text=text,
    )


def _read_dates(table: Reader | None) -> Dates:
    if table is None:
        return Dates(None, None, None)
    dates = Dates(
        contract_start=table.day("contract_start"),
        contract_end=table.day("contract_end", required=True),
        final_report_due=table.day("final_report_due"),
    )
    table.finish()
    return dates


def _read_pool(name: str, table: Reader) -> MoneyPoolDefinition:
    pool = MoneyPoolDefinition(
        name=name,
        title=table.text("title"),
        kind=table.choice("kind", POOL_KINDS),
        limit_yen=table.yen("limit_yen", required=True),
        closes_when_spent=table.names("closes_when_spent"),
    )
    table.finish()
    return pool


def _read_track(name: str, table: Reader) -> TrackDefinition:
    kind = table.choice("kind", TRACK_KINDS)
    if not kind:
        # The kind is wrong already; its tables would only repeat the error as unknown keys.
        table.seen.update(KIND_ONLY)
    for key, kinds in KIND_ONLY.items():
        if table.has(key) and kind and kind not in kinds:
            table.seen.add(key)
            table.error(key, f"only {' and '.join(kinds)} tracks have {key}; this is {kind}")
    allowed = {key for key, kinds in KIND_ONLY.items() if kind in kinds}

    def when(key: str) -> bool:
        return key in allowed and table.has(key)

    track = TrackDefinition(
        name=name,
        kind=kind,
        title=table.text("title"),
        summary=table.text("summary", required=False),
        pool=table.name("pool", required=False),
        cap=_read_cap(table.table("cap")),
        admission=_read_admission(table.table("admission")),
        dates=_read_track_dates(table.table("dates")),
        targets=tuple(_read_target(target) for target in table.tables("targets")),
        milestones=table.labels("milestones"),
        report_to_client=table.choice("report_to_client", CLIENT_REPORTS, default=""),
        report_items=table.texts("report_items"),
        form=tuple(_read_field(item) for item in table.tables("form")) if when("form") else (),
        sessions=_read_sessions(table.table("sessions")) if when("sessions") else None,
        proposals=_read_proposals(table.table("proposals")) if when("proposals") else None,
        budget=_read_budget(table.table("budget")) if when("budget") else None,
        documents=table.names("documents", choices=DOCUMENT_KINDS) if when("documents") else (),
        expert_qualifications=(
            table.texts("expert_qualifications") if when("expert_qualifications") else ()
        ),
        formula=_read_formula(table.table("formula")) if when("formula") else None,
        one_per_company=table.flag("one_per_company", default=False) if kind == "grant" else False,
        applicants=table.choice("applicants", APPLICANT_KINDS, default="sme")
        if kind == "grant"
        else "",
        checklist=tuple(_read_check(item) for item in table.tables("checklist"))
        if when("checklist")
        else (),
        attachments=tuple(_read_attachment(item) for item in table.tables("attachments"))
        if when("attachments")
        else (),
        review=_read_review(table.table("review")) if when("review") else None,
        calls=_read_calls(table.table("calls")) if when("calls") else None,
        event=_read_event(table.table("event")) if when("event") else None,
        desk=_read_desk(table.table("desk")) if when("desk") else None,
    )
    table.finish()
    return track


def _read_cap(table: Reader | None) -> CountCapDefinition | None:
    if table is None:
        return None
    cap = CountCapDefinition(
        limit=table.integer("limit", required=True, minimum=1),
        counts=table.choice("counts", CAP_COUNTS),
    )
    table.finish()
    return cap


def _read_admission(table: Reader | None) -> Admission:
    if table is None:
        return Admission()
    requires: list[str] = []
    for index, item in enumerate(table.texts("requires")):
        if re.fullmatch(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?", item):
            requires.append(item)
        else:
            table.problems.add(
                f"{table.key_path('requires')}[{index}]",
                'expected "track" or "track.milestone"',
            )
    admission = Admission(
        order=table.choice("order", ADMISSION_ORDERS, default="open"),
        requires=tuple(requires),
        consents=table.labels("consents"),
    )
    table.finish()
    return admission


def _read_track_dates(table: Reader | None) -> TrackDates:
    if table is None:
        return TrackDates()
    dates = TrackDates(
        starts=table.day("starts"),
        ends=table.day("ends"),
        intake_opens=table.day("intake_opens"),
        intake_closes=table.day("intake_closes"),
        documents_complete_by=table.day("documents_complete_by"),
        completion_by=table.day("completion_by"),
        report_by=table.day("report_by"),
        payment_by=table.day("payment_by"),
    )
    table.finish()
    return dates


def _read_target(table: Reader) -> Target:
    target = Target(
        measure=table.name("measure"),
        value=table.amount("value", required=True),
        per=table.choice("per", TARGET_PERIODS, default="programme"),
        bound=table.choice("bound", BOUNDS, default="about"),
        note=table.text("note", required=False),
    )
    table.finish()
    return target


def _read_sessions(table: Reader | None) -> Sessions | None:
    if table is None:
        return None
    modes = table.names("modes", choices=SESSION_MODES)
    sessions = Sessions(
        per_company=table.integer("per_company", minimum=1),
        modes=modes,
        first_session=table.choice("first_session", SESSION_MODES, default=""),
        stages=table.texts("stages"),
    )
    if sessions.first_session and modes and sessions.first_session not in modes:
        table.error("first_session", "the first session's mode is not among modes")
    table.finish()
    return sessions


def _read_proposals(table: Reader | None) -> Proposals | None:
    if table is None:
        return None
    proposals = Proposals(
        categories=table.texts("categories"),
        own_product_needs_approval=table.flag("own_product_needs_approval", default=False),
    )
    table.finish()
    return proposals


def _read_budget(table: Reader | None) -> Budget | None:
    if table is None:
        return None
    budget = Budget(
        per_company_yen=table.yen("per_company_yen", required=True),
        bound=table.choice("bound", BOUNDS, default="about"),
        lines=table.labels("lines"),
    )
    table.finish()
    return budget


def _read_formula(table: Reader | None) -> SubsidyFormula | None:
    if table is None:
        return None
    base = table.choice("base", FORMULA_BASES)
    other_grant = table.text("other_grant", required=base == "cost_minus_other_grant")
    if other_grant and base == "cost":
        table.error("other_grant", 'only a formula with base = "cost_minus_other_grant" has this')
    unit = table.plain_integer("rounding_unit_yen", minimum=1)
    formula = SubsidyFormula(
        base=base,
        other_grant=other_grant,
        rate=table.rate("rate", required=True),
        ceiling_yen=table.yen("ceiling_yen"),
        floor_yen=table.yen("floor_yen"),
        rounding_unit_yen=unit or 1,
        rounding=table.choice("rounding", ROUNDING_MODES, default="down"),
    )
    table.finish()
    return formula


def _read_check(table: Reader) -> ChecklistItem:
    item = ChecklistItem(
        code=table.name("code"),
        label=table.text("label"),
        attachment=table.name("attachment", required=False),
    )
    table.finish()
    return item


def _read_attachment(table: Reader) -> Attachment:
    attachment = Attachment(
        code=table.name("code"),
        label=table.text("label"),
        required=table.flag("required", default=True),
        restricted=table.choice("restricted", RESTRICTED_KINDS, default=""),
    )
    table.finish()
    return attachment


def _read_field(table: Reader) -> FormField:
    form_field = FormField(
        code=table.name("code"),
        label=table.text("label"),
        type=table.choice("type", FIELD_TYPES),
        required=table.flag("required", default=True),
        choices=table.texts("choices"),
        feeds=table.choice("feeds", FIELD_FEEDS, default=""),
        restricted=table.choice("restricted", RESTRICTED_KINDS, default=""),
    )
    if form_field.type == "choice" and not form_field.choices:
        table.error("choices", 'a field of type "choice" needs choices')
    if form_field.choices and form_field.type != "choice":
        table.error("choices", 'only a field of type "choice" has choices')
    # Said in the file rather than implied by the type, so a reviewer reads who may see it.
    wrong_kind = form_field.restricted or not table.has("restricted")  # not a typo's echo
    if form_field.type == "bank_account" and form_field.restricted != "bank" and wrong_kind:
        table.error("restricted", 'a field of type "bank_account" needs restricted = "bank"')
    # The amount a field feeds is shown to every staff role, which would unmask it.
    if form_field.feeds and form_field.restricted:
        table.error("feeds", "a restricted field cannot feed the formula: the amount is shown")
    if form_field.feeds and form_field.type == "bank_account":
        table.error("feeds", 'a field of type "bank_account" feeds nothing')
    table.finish()
    return form_field


def _read_review(table: Reader | None) -> Review | None:
    if table is None:
        return None
    business_days: dict[str, int] = {}
    days = table.table("business_days")
    if days is not None:
        for key in REVIEW_DEADLINES:
            value = days.plain_integer(key, minimum=1)
            if value is not None:
                business_days[key] = value
        days.finish()
    review = Review(
        business_days=business_days,
        inspection_rate=table.rate("inspection_rate"),
        expected_deficiency_rate=table.rate("expected_deficiency_rate"),
        anti_social_forces_list=table.flag("anti_social_forces_list", default=False),
        duplicate_check=table.flag("duplicate_check", default=False),
    )
    table.finish()
    return review


def _read_calls(table: Reader | None) -> CallRules | None:
    if table is None:
        return None
    outcomes: dict[str, CallOutcome] = {}
    for code, outcome in table.named_tables("outcomes", required=True):
        outcomes[code] = CallOutcome(
            code=code,
            title=outcome.text("title"),
            counts_as_attempt=outcome.flag("counts_as_attempt", default=True),
            final=outcome.flag("final", default=False),
            callback=outcome.flag("callback", default=False),
            do_not_call=outcome.flag("do_not_call", default=False),
            route_to=outcome.name("route_to", required=False),
            refer_to=outcome.name("refer_to", required=False),
        )
        if outcomes[code].callback and outcomes[code].counts_as_attempt:
            outcome.error("counts_as_attempt", "a callback does not use up an attempt")
        outcome.finish()
    calls = CallRules(
        attempts=table.plain_integer("attempts", required=True, minimum=1),
        different_day=table.flag("different_day", default=True),
        different_band=table.flag("different_band", default=True),
        bands=table.bands("bands"),
        closed_days=table.days("closed_days"),
        outcomes=outcomes,
        scripts=tuple(_read_script(script) for script in table.tables("scripts")),
    )
    table.finish()
    return calls


def _read_script(table: Reader) -> TalkScript:
    condition = ScriptCondition()
    when = table.table("when")
    if when is not None:
        condition = ScriptCondition(
            cap_reached=when.name("cap_reached", required=False),
            industries=when.texts("industries"),
            employees_at_least=when.plain_integer("employees_at_least"),
            employees_at_most=when.plain_integer("employees_at_most"),
        )
        when.finish()
    script = TalkScript(
        code=table.name("code"),
        title=table.text("title"),
        document=table.text_or_placeholder("document"),
        when=condition,
    )
    table.finish()
    return script


def _read_event(table: Reader | None) -> EventRules | None:
    if table is None:
        return None
    event = EventRules(
        format=table.choice("format", EVENT_FORMATS),
        modes=table.names("modes", choices=EVENT_MODES),
        survey=table.flag("survey", default=False),
        attendee_list=table.flag("attendee_list", default=False),
    )
    table.finish()
    return event


def _read_desk(table: Reader | None) -> DeskRules | None:
    if table is None:
        return None
    desk = DeskRules(
        channels=table.names("channels", choices=DESK_CHANNELS),
        days=table.choice("days", DESK_DAYS, default="weekdays"),
        phone_hours=table.band("phone_hours"),
        window_hours=table.band("window_hours"),
        escalate_unanswered_to_client=table.flag("escalate_unanswered_to_client", default=False),
    )
    table.finish()
    return desk


def _read_settlement(table: Reader | None) -> Settlement:
    if table is None:
        return Settlement()
    units: dict[str, SettlementUnit] = {}
    for name, unit in table.named_tables("units"):
        units[name] = _read_unit(name, unit)
    method = table.choice("method", SETTLEMENT_METHODS, default="lump_sum")
    if method == "lump_sum" and units:
        table.error("method", 'units need method = "fixed_plus_units"')
    settlement = Settlement(
        method=method,
        contract_ceiling_yen=table.yen("contract_ceiling_yen"),
        tax_included=table.flag("tax_included", default=True),
        fixed_fee_yen=table.yen("fixed_fee_yen"),
        fixed_cost_items=table.texts("fixed_cost_items"),
        units=units,
    )
    table.finish()
    return settlement


def _read_unit(name: str, table: Reader) -> SettlementUnit:
    rule = CompletionRule()
    complete_when = table.table("complete_when", required=True)
    if complete_when is not None:
        rule = CompletionRule(
            milestone=complete_when.name("milestone", required=False),
            application_submitted=complete_when.name("application_submitted", required=False),
            application_decided=complete_when.name("application_decided", required=False),
        )
        if sum(bool(value) for value in vars(rule).values()) != 1:
            complete_when.error(
                "",
                "give exactly one of milestone, application_submitted, application_decided",
            )
        complete_when.finish()
    semi_complete = None
    semi = table.table("semi_complete")
    if semi is not None:
        semi_complete = SemiComplete(
            rate=semi.rate("rate", required=True),
            min_sessions=semi.plain_integer("min_sessions", required=True, minimum=1),
            max_sessions=semi.plain_integer("max_sessions", required=True, minimum=1),
            within_cap=semi.flag("within_cap", default=True),
        )
        semi.finish()
    unit = SettlementUnit(
        name=name,
        title=table.text("title"),
        track=table.name("track"),
        unit_price_yen=table.yen("unit_price_yen", required=True),
        complete_when=rule,
        semi_complete=semi_complete,
        also_completes=table.names("also_completes"),
    )
    table.finish()
    return unit


def _read_kpi(name: str, table: Reader) -> Kpi:
    kpi = Kpi(
        name=name,
        title=table.text("title"),
        kind=table.choice("kind", KPI_KINDS),
        unit=table.text("unit"),
        target=table.amount("target", required=True),
        bound=table.choice("bound", BOUNDS, default="at_least"),
        fiscal_year=table.plain_integer("fiscal_year", minimum=2000),
        measurement=table.text("measurement", required=False),
    )
    table.finish()
    return kpi


def _read_portal(table: Reader | None) -> Portal:
    if table is None:
        return Portal()
    measures: dict[str, PortalMeasure] = {}
    for name, measure in table.named_tables("measures"):
        measures[name] = PortalMeasure(
            name=name,
            title=measure.text("title"),
            owner=measure.text("owner", required=False),
            url=measure.text_or_placeholder("url", required=False),
            summary=measure.text("summary", required=False),
        )
        measure.finish()
    portal = Portal(
        measures_expected=table.plain_integer("measures_expected", minimum=1),
        measures=measures,
    )
    table.finish()
    return portal
