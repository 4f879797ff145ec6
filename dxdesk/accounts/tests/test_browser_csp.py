"""In a real browser the staff pages, htmx included, run without breaking their CSP."""

from __future__ import annotations

import pytest

from dxdesk.accounts.roles import Role
from dxdesk.registry.models import Company
from dxdesk.testing import PERSONA_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def test_signed_in_pages_and_htmx_run_without_a_csp_violation(
    live_server: object, browser_page: object
) -> None:
    supervisor = make_user(Role.SUPERVISOR, email="csp@example.jp")
    Company(name="株式会社サッポロテック", address="札幌市中央区").save()
    Company(name="豊平食品有限会社", address="札幌市豊平区").save()
    page = browser_page
    base = live_server.url  # type: ignore[attr-defined]
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))  # type: ignore[attr-defined]
    page.add_init_script(RECORD_VIOLATIONS)  # type: ignore[attr-defined]

    page.goto(f"{base}/accounts/sign-in/")  # type: ignore[attr-defined]
    page.get_by_label("メールアドレス").fill(supervisor.email)  # type: ignore[attr-defined]
    page.get_by_label("パスワード").fill(PERSONA_PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="ログイン").click()  # type: ignore[attr-defined]
    page.get_by_role("heading", name="業務メニュー").wait_for()  # type: ignore[attr-defined]

    page.goto(f"{base}/staff/companies/")  # type: ignore[attr-defined]
    page.get_by_role("searchbox", name="検索").fill("豊平")  # type: ignore[attr-defined]
    # htmx swaps the results in place: only the matching company is left.
    page.locator("#results").get_by_text("株式会社サッポロテック").wait_for(state="detached")  # type: ignore[attr-defined]
    assert page.locator("#results").get_by_text("豊平食品有限会社").is_visible()  # type: ignore[attr-defined]
    seen = page.evaluate("window.cspViolations")  # type: ignore[attr-defined]

    page.goto(f"{base}/staff/audit/")  # type: ignore[attr-defined]
    page.get_by_role("heading", name="監査ログ").wait_for()  # type: ignore[attr-defined]
    seen += page.evaluate("window.cspViolations")  # type: ignore[attr-defined]

    assert seen == []
    assert not [line for line in console if "Content Security Policy" in line]
