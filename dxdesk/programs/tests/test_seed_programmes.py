"""Each seed's programme file reproduces the numbers of its source document."""

from __future__ import annotations

import datetime
from fractions import Fraction
from pathlib import Path

import pytest

from dxdesk.programs.definition import (
    Placeholder,
    ProgramDefinition,
    TrackDefinition,
    load_definition,
)

PROGRAMMES = Path(__file__).resolve().parents[3] / "programmes"
SEED_FILES = {
    "000": "sapporo-dx-2026.toml",
    "001": "nara-diginara-2024.toml",
    "002": "pref-productivity-2023.toml",
    "003": "okayama-cloud-2025.toml",
    "004": "kagoshima-dx-coordinator-2024.toml",
}


def load(seed: str) -> ProgramDefinition:
    return load_definition(PROGRAMMES / SEED_FILES[seed])


def targets(track: TrackDefinition) -> set[tuple[str, object, str, str]]:
    return {(target.measure, target.value, target.per, target.bound) for target in track.targets}


def test_the_folder_holds_exactly_the_five_seed_programmes() -> None:
    assert sorted(path.name for path in PROGRAMMES.glob("*.toml")) == sorted(SEED_FILES.values())


@pytest.mark.parametrize("seed", sorted(SEED_FILES))
def test_each_seed_names_its_source_document(seed: str) -> None:
    definition = load(seed)
    assert definition.source.startswith(f"{seed}_")


def test_000_sapporo() -> None:
    definition = load("000")
    assert definition.client == "札幌市"
    assert definition.dates.contract_end == datetime.date(2027, 2, 28)
    assert isinstance(definition.dates.contract_start, Placeholder)
    tracks = definition.tracks
    assert {name: track.kind for name, track in tracks.items()} == {
        "outreach": "outreach",
        "phase1": "support",
        "topup_grant": "grant",
        "phase2": "support",
        "dx_grant": "grant",
        "inquiries": "desk",
    }

    outreach = tracks["outreach"]
    assert outreach.calls is not None
    assert outreach.calls.attempts == 3
    assert outreach.calls.different_day and outreach.calls.different_band
    assert ("companies_listed", 50_000, "programme", "about") in targets(outreach)
    assert ("companies_listed", 46_000, "programme", "at_least") in targets(outreach)
    assert ("calls", 114_000, "programme", "about") in targets(outreach)
    assert ("calls", 1_900, "day", "about") in targets(outreach)
    assert outreach.dates.starts == datetime.date(2026, 4, 1)
    assert outreach.dates.ends == datetime.date(2026, 6, 30)
    assert outreach.calls.outcomes["this_programme"].route_to == "phase1"
    assert outreach.calls.outcomes["foundation"].refer_to == "foundation_next_year"
    assert outreach.calls.scripts[0].when.cap_reached == "phase1"

    phase1, phase2 = tracks["phase1"], tracks["phase2"]
    assert phase1.cap is not None and phase1.cap.limit == 460
    assert phase1.sessions is not None and phase1.sessions.per_company == 5
    assert len(phase1.sessions.stages) == 5
    assert phase1.admission.order == "first_come"
    assert set(phase1.admission.consents) == {"disclaimer", "wage_policy"}
    assert phase2.cap is not None and phase2.cap.limit == 46
    assert phase2.sessions is not None and phase2.sessions.per_company == 3
    assert phase2.admission.requires == ("phase1",)
    assert phase2.admission.order == "first_come_or_ranking"

    topup = tracks["topup_grant"]
    assert topup.formula is not None
    assert topup.formula.base == "cost_minus_other_grant"
    assert topup.formula.rate == Fraction(1, 2)
    assert isinstance(topup.formula.ceiling_yen, Placeholder)
    assert topup.dates.documents_complete_by == datetime.date(2027, 1, 31)
    assert topup.dates.payment_by == datetime.date(2027, 2, 28)
    assert topup.admission.requires == ("phase1.dx_plan_completed",)
    assert "national_decision_notice" in {attachment.code for attachment in topup.attachments}

    dx_grant = tracks["dx_grant"]
    assert dx_grant.formula is not None
    assert isinstance(dx_grant.formula.rate, Placeholder)
    assert isinstance(dx_grant.formula.ceiling_yen, Placeholder)
    assert dx_grant.dates.documents_complete_by == datetime.date(2027, 1, 31)
    assert dx_grant.admission.requires == ("phase2.beyond_package_confirmed",)
    pledge = {attachment.code: attachment for attachment in dx_grant.attachments}["wage_pledge"]
    assert pledge.required

    assert isinstance(definition.pools["topup_subsidy"].limit_yen, Placeholder)
    assert isinstance(definition.pools["dx_subsidy"].limit_yen, Placeholder)

    settlement = definition.settlement
    assert settlement.method == "fixed_plus_units"
    units = settlement.units
    assert units["phase1"].complete_when.milestone == "it_subsidy_filed"
    assert units["phase2"].complete_when.application_submitted == "dx_grant"
    assert units["phase2"].also_completes == ("phase1",)
    for name, limit in (("phase1", 5), ("phase2", 3)):
        semi = units[name].semi_complete
        assert semi is not None
        assert (semi.rate, semi.min_sessions, semi.max_sessions, semi.within_cap) == (
            Fraction(3, 5),
            1,
            limit,
            True,
        )
        assert isinstance(units[name].unit_price_yen, Placeholder)
    assert definition.portal.measures_expected == 10


def test_001_nara() -> None:
    definition = load("001")
    assert definition.dates.contract_end == datetime.date(2025, 3, 14)
    subsidy, commission = definition.pools["subsidy"], definition.pools["commission"]
    assert subsidy.limit_yen == 20_000_000
    assert commission.limit_yen == 6_000_000
    # The campaign closes when either pool is spent (001 §4(4)).
    assert subsidy.closes_when_spent == commission.closes_when_spent == ("interviews", "saas_grant")

    interviews = definition.tracks["interviews"]
    assert interviews.pool == "commission"
    unit = definition.settlement.units["interviews"]
    assert unit.unit_price_yen == 60_000
    assert unit.complete_when.milestone == "reported"
    assert interviews.cap is not None
    assert interviews.cap.limit == 100 == 6_000_000 // 60_000
    assert interviews.proposals is not None and interviews.proposals.own_product_needs_approval
    assert len(interviews.expert_qualifications) == 6
    assert len(interviews.report_items) == 6

    grant = definition.tracks["saas_grant"]
    assert grant.pool == "subsidy"
    assert grant.one_per_company is True
    assert grant.formula is not None
    assert (grant.formula.base, grant.formula.rate, grant.formula.ceiling_yen) == (
        "cost",
        Fraction(1, 2),
        200_000,
    )
    assert grant.formula.floor_yen is None
    assert grant.admission.requires == ("interviews.proposed",)
    assert isinstance(grant.dates.intake_opens, Placeholder)
    assert grant.dates.intake_opens.estimate == datetime.date(2024, 7, 31)

    settlement = definition.settlement
    assert (settlement.contract_ceiling_yen, settlement.fixed_fee_yen) == (11_000_000, 5_000_000)
    assert settlement.tax_included is True


def test_002_prefecture() -> None:
    definition = load("002")
    assert definition.dates.contract_end == datetime.date(2024, 12, 27)
    grant = definition.tracks["subsidy"]
    assert grant.formula is not None
    formula = grant.formula
    assert formula.rate == Fraction(1, 2)
    assert formula.ceiling_yen == 5_000_000
    assert formula.floor_yen == 1_000_000
    assert (formula.rounding_unit_yen, formula.rounding) == (1_000, "down")
    assert grant.dates.intake_opens == datetime.date(2023, 12, 20)
    assert grant.dates.intake_closes == datetime.date(2024, 3, 29)
    assert grant.dates.completion_by == datetime.date(2024, 8, 30)
    assert grant.dates.report_by == datetime.date(2024, 8, 30)
    assert grant.review is not None
    assert grant.review.business_days == {
        "deficiency_notice": 5,
        "deficiency_notice_after_resubmission": 5,
        "review_complete": 15,
        "review_complete_after_fix": 10,
    }
    assert grant.review.inspection_rate == Fraction(1, 10)
    assert grant.review.expected_deficiency_rate == Fraction(4, 5)
    assert grant.review.anti_social_forces_list and grant.review.duplicate_check
    assert ("applications", 800, "programme", "about") in targets(grant)
    assert [item.code for item in grant.checklist] == [
        "applicant_eligible",
        "costs_eligible",
        "attachments_complete",
        "completion_in_time",
        "other_requirements",
    ]
    # 002 §5(3)⑯: the application carries the account the prefecture transfers to.
    account = next(item for item in grant.form if item.type == "bank_account")
    assert (account.restricted, account.required) == ("bank", True)

    desk = definition.tracks["call_centre"]
    assert desk.desk is not None
    assert desk.desk.phone_hours == (datetime.time(9, 30), datetime.time(17, 30))
    assert desk.desk.window_hours == (datetime.time(9), datetime.time(18))
    assert desk.dates.ends == datetime.date(2024, 9, 30)
    assert ("inquiries", 80, "day", "about") in targets(desk)
    answer_rate = definition.kpis["answer_rate"]
    assert (answer_rate.target, answer_rate.bound) == (Fraction(9, 10), "at_least")


def test_003_okayama() -> None:
    definition = load("003")
    assert definition.dates.contract_end == datetime.date(2026, 3, 31)
    support = definition.tracks["cloud_support"]
    assert support.cap is not None and support.cap.limit == 20
    assert support.admission.order == "client_selects"
    assert support.proposals is not None
    assert len(support.proposals.categories) == 10
    assert support.proposals.categories[0] == "人事"
    assert support.budget is not None
    assert (support.budget.per_company_yen, support.budget.bound) == (400_000, "about")
    assert set(support.budget.lines) == {"cloud_fees", "setup_support", "consulting", "common"}
    assert support.sessions is not None and support.sessions.first_session == "visit"
    assert support.sessions.per_company is None
    assert "three_year_plan" in support.documents

    usage, productivity = (
        definition.kpis["cloud_usage_days"],
        definition.kpis["labour_productivity"],
    )
    assert (usage.target, usage.bound, usage.fiscal_year) == (1_000, "at_least", 2025)
    assert (productivity.target, productivity.fiscal_year) == (Fraction(1, 100), 2025)


def test_004_kagoshima() -> None:
    definition = load("004")
    assert definition.dates.contract_end == datetime.date(2025, 3, 31)
    tracks = definition.tracks
    assert targets(tracks["seminars"]) == {
        ("events", 3, "programme", "about"),
        ("attendees", 50, "event", "about"),
    }
    assert tracks["seminars"].event is not None and tracks["seminars"].event.survey
    assert targets(tracks["trainings"]) == {
        ("sessions", 3, "company", "about"),
        ("companies", 3, "programme", "about"),
    }
    assert targets(tracks["visits"]) == {("visits", 5, "month", "about")}
    consultation = tracks["consultation"]
    assert consultation.kind == "desk"
    assert consultation.desk is not None and consultation.desk.days == "any_day"
    assert "outreach_session" in consultation.desk.channels
    assert tracks["lectures"].report_to_client == "by_end_of_next_month"
    assert definition.settlement.method == "lump_sum"
