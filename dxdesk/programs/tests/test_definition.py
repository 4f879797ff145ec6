from __future__ import annotations

import datetime
from fractions import Fraction
from pathlib import Path

import pytest

from dxdesk.programs.definition import (
    InvalidDefinition,
    Placeholder,
    check_definition,
    load_definition,
    parse_definition,
)
from dxdesk.programs.locator import LineLocator
from dxdesk.programs.reader import parse_rate

MINIMAL = """\
format = 1

[programme]
code = "test-programme-2024"
title = "テスト事業"
client = "テスト市"

[dates]
contract_end = 2025-03-31

[pools.subsidy]
title = "補助金"
kind = "subsidy"
limit_yen = 10_000_000

[tracks.coaching]
kind = "support"
title = "伴走支援"
cap = { limit = 20, counts = "companies" }

[tracks.coaching.sessions]
per_company = 5

[tracks.coaching.milestones]
plan_done = "計画策定"

[tracks.grant]
kind = "grant"
title = "補助金"
pool = "subsidy"

[tracks.grant.admission]
requires = ["coaching.plan_done"]

[tracks.grant.formula]
base = "cost"
rate = "1/2"
ceiling_yen = 1_000_000

[[tracks.grant.form]]
code = "cost"
label = "経費"
type = "yen"
feeds = "eligible_cost_yen"
"""


def errors_of(text: str) -> list[tuple[int, str, str]]:
    return [(error.line, error.path, error.message) for error in check_definition(text)]


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the first line of `text` containing `fragment`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in text")


def test_it_reads_a_minimal_programme() -> None:
    definition = parse_definition(MINIMAL)
    assert definition.code == "test-programme-2024"
    assert definition.dates.contract_end == datetime.date(2025, 3, 31)
    assert definition.pools["subsidy"].limit_yen == 10_000_000
    assert definition.tracks["coaching"].cap is not None
    assert definition.tracks["coaching"].cap.limit == 20
    assert definition.tracks["grant"].formula is not None
    assert definition.tracks["grant"].formula.rate == Fraction(1, 2)
    assert definition.tracks["grant"].admission.requires == ("coaching.plan_done",)
    assert definition.placeholders == ()


def test_it_names_the_key_path_and_line_of_an_unknown_key() -> None:
    text = MINIMAL.replace("per_company = 5", "per_compnay = 5")
    assert errors_of(text) == [
        (
            line_of(text, "per_compnay"),
            "tracks.coaching.sessions.per_compnay",
            "unknown key; did you mean 'per_company'?",
        )
    ]


def test_it_reports_every_error_in_one_run() -> None:
    text = (
        MINIMAL.replace('pool = "subsidy"', 'pool = "subsidies"')
        .replace('rate = "1/2"', "rate = 0.5")
        .replace("contract_end = 2025-03-31", "contract_end = 2025-03-31\nsurprise = 1")
        .replace('kind = "support"', 'kind = "suport"')
    )
    found = errors_of(text)
    assert [path for _line, path, _message in found] == [
        "dates.surprise",
        "tracks.coaching.kind",
        "tracks.grant.pool",
        "tracks.grant.formula.rate",
    ]
    assert [line for line, _path, _message in found] == [
        line_of(text, "surprise"),
        line_of(text, '"suport"'),
        line_of(text, '"subsidies"'),
        line_of(text, "rate = 0.5"),
    ]


def test_it_reports_a_toml_syntax_error_with_its_line() -> None:
    text = MINIMAL.replace('title = "伴走支援"', "title = 伴走支援")
    with pytest.raises(InvalidDefinition) as raised:
        parse_definition(text, source="broken.toml")
    (error,) = raised.value.errors
    assert error.line == line_of(text, "title = 伴走支援")
    assert error.message.startswith("TOML syntax")
    assert raised.value.report().startswith(f"broken.toml:{error.line}: TOML syntax")


def test_it_reports_missing_required_keys_at_their_table() -> None:
    text = MINIMAL.replace('title = "補助金"\nkind = "subsidy"\n', 'title = "補助金"\n')
    assert errors_of(text) == [
        (line_of(text, "[pools.subsidy]"), "pools.subsidy.kind", "required key is missing")
    ]


@pytest.mark.parametrize(
    ("raw", "rate"),
    [
        ("1/2", Fraction(1, 2)),
        ("60%", Fraction(3, 5)),
        ("0.5%", Fraction(1, 200)),
        ("2/3", Fraction(2, 3)),
    ],
)
def test_it_reads_rates_as_exact_fractions(raw: str, rate: Fraction) -> None:
    assert parse_rate(raw) == rate


@pytest.mark.parametrize("raw", ["0.5", '"1/0"', '"3/2"', '"0%"', '"half"', "1"])
def test_it_refuses_a_rate_that_is_not_an_exact_fraction_up_to_one(raw: str) -> None:
    text = MINIMAL.replace('rate = "1/2"', f"rate = {raw}")
    (error,) = errors_of(text)
    assert error[1] == "tracks.grant.formula.rate"


def test_it_records_placeholders_with_their_path_and_line() -> None:
    text = MINIMAL.replace(
        "ceiling_yen = 1_000_000",
        'ceiling_yen = { placeholder = "client to fill: ceiling" }',
    )
    definition = parse_definition(text)
    formula = definition.tracks["grant"].formula
    assert formula is not None
    assert formula.ceiling_yen == Placeholder("client to fill: ceiling")
    (placeholder,) = definition.placeholders
    assert placeholder.path == "tracks.grant.formula.ceiling_yen"
    assert placeholder.line == line_of(text, "client to fill: ceiling")


def test_it_keeps_the_estimate_of_a_placeholder_date() -> None:
    text = MINIMAL.replace(
        "contract_end = 2025-03-31",
        "contract_end = 2025-03-31\n"
        'contract_start = { placeholder = "TBC", estimate = 2024-07-01 }',
    )
    definition = parse_definition(text)
    assert definition.dates.contract_start == Placeholder("TBC", datetime.date(2024, 7, 1))


def test_it_refuses_a_placeholder_without_a_note() -> None:
    text = MINIMAL.replace("ceiling_yen = 1_000_000", 'ceiling_yen = { placeholder = "" }')
    assert errors_of(text) == [
        (
            line_of(text, "ceiling_yen"),
            "tracks.grant.formula.ceiling_yen.placeholder",
            "a placeholder needs a note saying what to fill",
        )
    ]


def test_it_refuses_a_placeholder_where_a_rule_needs_a_value() -> None:
    text = MINIMAL.replace(
        'rate = "1/2"', 'rate = "1/2"\nrounding_unit_yen = { placeholder = "?" }'
    )
    (error,) = errors_of(text)
    assert error[1:] == (
        "tracks.grant.formula.rounding_unit_yen",
        "this value cannot be left as a placeholder",
    )


def test_it_refuses_a_floor_above_the_ceiling() -> None:
    text = MINIMAL.replace(
        "ceiling_yen = 1_000_000", "ceiling_yen = 1_000_000\nfloor_yen = 2_000_000"
    )
    assert errors_of(text) == [
        (
            line_of(text, "floor_yen"),
            "tracks.grant.formula.floor_yen",
            "the floor ¥2,000,000 is above the ceiling ¥1,000,000",
        )
    ]


def test_it_refuses_a_ceiling_off_the_rounding_grid() -> None:
    text = MINIMAL.replace(
        "ceiling_yen = 1_000_000", "ceiling_yen = 1_000_500\nrounding_unit_yen = 1_000"
    )
    (error,) = errors_of(text)
    assert error[1] == "tracks.grant.formula.ceiling_yen"


def test_it_needs_the_other_grant_named_when_the_base_deducts_it() -> None:
    text = MINIMAL.replace('base = "cost"', 'base = "cost_minus_other_grant"')
    assert {path for _line, path, _message in errors_of(text)} == {
        "tracks.grant.formula.other_grant",
        "tracks.grant.form",
    }


def test_it_checks_references_between_tables() -> None:
    text = MINIMAL.replace(
        'requires = ["coaching.plan_done"]', 'requires = ["coaching.plan", "desk"]'
    )
    assert [(path, message) for _line, path, message in errors_of(text)] == [
        ("tracks.grant.admission.requires[0]", "track 'coaching' has no milestone 'plan'"),
        ("tracks.grant.admission.requires[1]", "no track is named 'desk'"),
    ]


def test_it_refuses_tables_that_do_not_belong_to_the_track_kind() -> None:
    text = MINIMAL.replace(
        "[tracks.coaching.sessions]",
        '[tracks.coaching.formula]\nrate = "1/2"\n\n[tracks.coaching.sessions]',
    )
    assert errors_of(text) == [
        (
            line_of(text, "[tracks.coaching.formula]"),
            "tracks.coaching.formula",
            "only grant tracks have formula; this is support",
        )
    ]


def test_it_checks_dates_are_in_order_and_within_the_contract() -> None:
    text = MINIMAL + (
        "\n[tracks.grant.dates]\nintake_opens = 2024-12-20\nintake_closes = 2024-12-01\n"
        "report_by = 2025-04-30\n"
    )
    assert [(path, message) for _line, path, message in errors_of(text)] == [
        ("tracks.grant.dates.intake_closes", "is before intake_opens"),
        ("tracks.grant.dates.report_by", "is after the contract ends"),
    ]


SETTLEMENT = """
[settlement]
method = "fixed_plus_units"

[settlement.units.coaching]
title = "伴走支援費"
track = "coaching"
unit_price_yen = 100_000
complete_when = { milestone = "plan_done" }
semi_complete = { rate = "60%", min_sessions = 1, max_sessions = 5 }
"""


def test_it_reads_settlement_units() -> None:
    unit = parse_definition(MINIMAL + SETTLEMENT).settlement.units["coaching"]
    assert unit.unit_price_yen == 100_000
    assert unit.complete_when.milestone == "plan_done"
    assert unit.semi_complete is not None
    assert unit.semi_complete.rate == Fraction(3, 5)
    assert unit.semi_complete.within_cap is True


def test_it_refuses_a_semi_complete_range_beyond_the_session_limit() -> None:
    text = MINIMAL + SETTLEMENT.replace("max_sessions = 5", "max_sessions = 6")
    (error,) = errors_of(text)
    assert error[1:] == (
        "settlement.units.coaching.semi_complete.max_sessions",
        "is above the track's session limit (5)",
    )


def test_it_needs_exactly_one_completion_rule() -> None:
    text = MINIMAL + SETTLEMENT.replace(
        '{ milestone = "plan_done" }',
        '{ milestone = "plan_done", application_submitted = "grant" }',
    )
    (error,) = errors_of(text)
    assert error[1] == "settlement.units.coaching.complete_when"


def test_it_refuses_units_in_a_lump_sum_settlement() -> None:
    text = MINIMAL + SETTLEMENT.replace('method = "fixed_plus_units"', 'method = "lump_sum"')
    (error,) = errors_of(text)
    assert error[1:] == ("settlement.method", 'units need method = "fixed_plus_units"')


OUTREACH = """
[tracks.calls]
kind = "outreach"
title = "架電"

[tracks.calls.calls]
attempts = 3
bands = ["09:30-12:00", "13:00-15:00"]

[tracks.calls.calls.outcomes]
no_answer = { title = "不通" }
callback = { title = "折り返し", counts_as_attempt = false, callback = true }
interested = { title = "対象", final = true, route_to = "coaching" }

[[tracks.calls.calls.scripts]]
code = "full"
title = "上限到達"
when = { cap_reached = "coaching" }
document = "scripts/full.pdf"

[[tracks.calls.calls.scripts]]
code = "standard"
title = "通常"
document = { placeholder = "client supplies it" }
"""


def test_it_reads_call_rules() -> None:
    track = parse_definition(MINIMAL + OUTREACH).tracks["calls"]
    assert track.calls is not None
    assert track.calls.attempts == 3
    assert track.calls.bands == (
        (datetime.time(9, 30), datetime.time(12)),
        (datetime.time(13), datetime.time(15)),
    )
    assert track.calls.outcomes["no_answer"].counts_as_attempt is True
    assert track.calls.outcomes["callback"].counts_as_attempt is False
    assert track.calls.scripts[0].when.cap_reached == "coaching"
    assert track.calls.scripts[-1].when.is_default


def test_it_refuses_a_callback_that_uses_up_an_attempt() -> None:
    text = MINIMAL + OUTREACH.replace("counts_as_attempt = false, ", "")
    (error,) = errors_of(text)
    assert error[1:] == (
        "tracks.calls.calls.outcomes.callback.counts_as_attempt",
        "a callback does not use up an attempt",
    )


def test_it_refuses_overlapping_bands() -> None:
    text = MINIMAL + OUTREACH.replace('"13:00-15:00"', '"11:00-15:00"')
    (error,) = errors_of(text)
    assert error[1:] == (
        "tracks.calls.calls.bands[1]",
        "bands must be in order and must not overlap",
    )


def test_it_needs_the_default_script_last() -> None:
    text = MINIMAL + OUTREACH.replace('when = { cap_reached = "coaching" }\n', "")
    (error,) = errors_of(text)
    assert error[1:] == (
        "tracks.calls.calls.scripts",
        "exactly one script, the last, must have no `when`",
    )


def test_it_refuses_a_route_to_an_unknown_track() -> None:
    text = MINIMAL + OUTREACH.replace('route_to = "coaching"', 'route_to = "coachng"')
    (error,) = errors_of(text)
    assert error[1:] == (
        "tracks.calls.calls.outcomes.interested.route_to",
        "no other track is named 'coachng'",
    )


BANK_FIELD = """
[[tracks.grant.form]]
code = "transfer_account"
label = "振込先口座"
type = "bank_account"
restricted = "bank"
"""


def test_it_reads_restricted_fields_and_bank_accounts() -> None:
    text = MINIMAL + BANK_FIELD + '\n[[tracks.grant.form]]\ncode = "tax_office"\n'
    text += 'label = "所轄税務署"\ntype = "text"\nrestricted = "tax"\n'
    form = parse_definition(text).tracks["grant"].form
    assert [(item.code, item.type, item.restricted) for item in form] == [
        ("cost", "yen", ""),
        ("transfer_account", "bank_account", "bank"),
        ("tax_office", "text", "tax"),
    ]


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            ('restricted = "bank"\n', ""),
            "tracks.grant.form[1].restricted",
            'a field of type "bank_account" needs restricted = "bank"',
        ),
        (
            ('restricted = "bank"', 'restricted = "tax"'),
            "tracks.grant.form[1].restricted",
            'a field of type "bank_account" needs restricted = "bank"',
        ),
        (
            ('restricted = "bank"', 'restricted = "bnak"'),
            "tracks.grant.form[1].restricted",
            "expected one of tax, anti_social_forces, bank; found 'bnak'",
        ),
        (
            (
                'type = "bank_account"\nrestricted = "bank"',
                'type = "yen"\nrestricted = "tax"\nfeeds = "requested_yen"',
            ),
            "tracks.grant.form[1].feeds",
            "a restricted field cannot feed the formula: the amount is shown",
        ),
    ],
)
def test_it_keeps_bank_accounts_and_restricted_fields_away_from_unrestricted_use(
    change: tuple[str, str], path: str, message: str
) -> None:
    text = MINIMAL + BANK_FIELD.replace(*change)
    assert [(error_path, error) for _line, error_path, error in errors_of(text)] == [
        (path, message)
    ]


def test_it_wants_the_file_named_by_the_programme_code(tmp_path: Path) -> None:
    path = tmp_path / "something-else.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(InvalidDefinition) as raised:
        load_definition(path)
    (error,) = raised.value.errors
    assert (error.path, error.line) == ("programme.code", line_of(MINIMAL, "code ="))
    (tmp_path / "test-programme-2024.toml").write_text(MINIMAL, encoding="utf-8")
    assert load_definition(tmp_path / "test-programme-2024.toml").code == "test-programme-2024"


def test_the_locator_finds_keys_in_arrays_inline_tables_and_after_multiline_strings() -> None:
    text = """\
title = \"\"\"first
second \"\"\"
[a]
list = [
  "x",  # comment with = and [brackets]
  { code = "y" },
]
"quoted.key" = 1
[[a.items]]
code = "one"
[[a.items]]
inline = { nested = { deep = true } }
dotted.key = 2
"""
    lines = LineLocator(text).lines
    assert lines["title"] == 1
    assert lines["a"] == 3
    assert lines["a.list[0]"] == 5
    assert lines["a.list[1].code"] == 6
    assert lines['a."quoted.key"'] == 8
    assert lines["a.items[0].code"] == 10
    assert lines["a.items[1].inline.nested.deep"] == 12
    assert lines["a.items[1].dotted.key"] == 13
    assert LineLocator(text).line_of("a.items[1].missing") == 11
    assert LineLocator(text).line_of('a."quoted.key".below') == 8


def test_the_commented_example_in_the_documentation_is_valid() -> None:
    document = (Path(__file__).resolve().parents[3] / "docs" / "programmes.md").read_text()
    example = document.split("## A commented example")[1].split("```toml\n")[1].split("```")[0]
    definition = parse_definition(example)
    assert definition.code == "example-city-2025"
    assert [placeholder.path for placeholder in definition.placeholders] == ["dates.contract_start"]
