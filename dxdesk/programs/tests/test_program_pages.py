from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dxdesk.accounts.roles import Role
from dxdesk.funds.actions import commit_request, request_funds
from dxdesk.programs.actions import load_program
from dxdesk.programs.definition import load_definition
from dxdesk.programs.models import Program
from dxdesk.testing import client_for, make_user

pytestmark = pytest.mark.django_db

PROGRAMMES = Path(settings.BASE_DIR) / "programmes"


@pytest.fixture
def nara() -> Program:
    return load_program(load_definition(PROGRAMMES / "nara-diginara-2024.toml")).program


def test_the_client_sees_each_pool_and_cap_with_its_figures(nara: Program) -> None:
    subsidy = nara.pools.get(name="subsidy").fund
    first = request_funds(subsidy, subject="application:1", amount=150_000).request
    commit_request(first)
    request_funds(subsidy, subject="application:2", amount=200_000)
    response = client_for(make_user(Role.CLIENT)).get(f"/staff/programmes/{nara.code}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "20,000,000" in body  # the subsidy pool's limit
    assert "6,000,000" in body  # the commission pool's limit
    assert "19,650,000" in body  # remaining after 150,000 committed and 200,000 reserved
    rows = {row.title: row.fund for row in response.context["funds"]}
    assert sum(1 for fund in rows.values() if fund.unit == "count") >= 1
    timeline = list(response.context["page"].object_list)
    assert [entry.kind for entry in timeline] == ["reserve", "commit", "reserve"]


def test_the_programme_list_shows_loaded_programmes(nara: Program) -> None:
    response = client_for(make_user(Role.SUPERVISOR)).get("/staff/programmes/")
    assert nara.title in response.content.decode()


def test_an_applicant_cannot_see_programme_figures(nara: Program) -> None:
    assert (
        client_for(make_user(Role.APPLICANT)).get(f"/staff/programmes/{nara.code}/").status_code
        == 403
    )


def test_the_detail_page_runs_a_fixed_number_of_queries(nara: Program) -> None:
    client = client_for(make_user(Role.SUPERVISOR))
    subsidy = nara.pools.get(name="subsidy").fund
    request_funds(subsidy, subject="application:first", amount=1_000)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/staff/programmes/{nara.code}/")
    for number in range(20):
        request_funds(subsidy, subject=f"application:{number}", amount=1_000)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/staff/programmes/{nara.code}/")
    assert len(many) == len(few)


def test_loading_a_programme_gives_each_pool_and_cap_a_ledger_fund(nara: Program) -> None:
    subsidy = nara.pools.get(name="subsidy")
    assert subsidy.fund.limit == 20_000_000
    assert subsidy.fund.closes_when_spent
    cap = nara.tracks.get(name="interviews").cap
    assert cap.fund.limit == 100 and cap.fund.unit == "count"


def test_a_cap_cannot_be_lowered_below_what_the_ledger_holds(nara: Program, tmp_path: Path) -> None:
    from dxdesk.programs.actions import ProgramConflict

    cap_fund = nara.tracks.get(name="interviews").cap.fund
    for number in range(60):
        request_funds(cap_fund, subject=f"case:{number}", amount=1)
    text = (PROGRAMMES / "nara-diginara-2024.toml").read_text()
    lowered = tmp_path / "nara-diginara-2024.toml"
    lowered.write_text(text.replace("cap = { limit = 100,", "cap = { limit = 50,"))
    with pytest.raises(ProgramConflict, match="50 is below the 60 already committed"):
        load_program(load_definition(lowered))
