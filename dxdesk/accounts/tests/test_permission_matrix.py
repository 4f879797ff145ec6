"""Every URL against every persona, with the second factor on as in production.

The table below is the permission matrix of docs/security.md at the level of single
URLs: one row per URL pattern, one column per persona (each staff role, two applicants
and an anonymous visitor), each cell the status that persona gets. A URL missing from
the table fails the test, so a new page cannot ship until someone has decided, here,
who may open it.
"""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from dxdesk.accounts.models import User
from dxdesk.accounts.roles import Role
from dxdesk.accounts.tests.otp import verified_client_for
from dxdesk.accounts.tests.test_access_rules import concrete_path, walk
from dxdesk.registry.models import Company, ImportJob
from dxdesk.testing import make_user

pytestmark = pytest.mark.django_db

OK, ELSEWHERE, DENIED, ABSENT, WRONG_METHOD = 200, 302, 403, 404, 405
SIGN_IN = "sign-in"  # redirected to the sign-in page

PERSONAS = (
    Role.OPERATOR,
    Role.DESK,
    Role.COACH,
    Role.REVIEWER,
    Role.FINANCE,
    Role.SUPERVISOR,
    Role.CLIENT,
    Role.ADMIN,
    "applicant",
    "applicant_b",
    "anonymous",
)

# Views named with a made-up object answer 404 to those allowed in (ABSENT): the access
# rule is what is checked here, not the object.
# fmt: off
MATRIX: dict[str, tuple[int | str, ...]] = {
    #                             op   desk coach rev  fin  sup  cli  adm  appA appB anon
    "portal:home":              (OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK),
    "portal:set_language":      (405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    "accounts:login":           (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, OK),
    "accounts:otp_verify":      (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, SIGN_IN),
    "accounts:otp_enrol":       (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, SIGN_IN),
    "accounts:logout":          (405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    "accounts:password_reset":  (OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK),
    "accounts:password_reset_sent": (OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "accounts:password_reset_confirm": (OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "accounts:password_reset_complete": (OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "accounts:home":            (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, SIGN_IN),
    "staff_home":               (OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  403, 403, SIGN_IN),
    "registry:company_list":    (OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  403, 403, SIGN_IN),
    "registry:company_create":  (403, 403, 403, 403, 403, OK,  403, OK,  403, 403, SIGN_IN),
    "registry:company_detail":  (OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  403, 403, SIGN_IN),
    "registry:company_edit":    (403, 403, 403, 403, 403, OK,  403, OK,  403, 403, SIGN_IN),
    "registry:contact_add":     (403, 403, 403, 403, 403, OK,  403, OK,  403, 403, SIGN_IN),
    "registry:import_start":    (403, 403, 403, 403, 403, OK,  403, OK,  403, 403, SIGN_IN),
    "registry:import_status":   (403, 403, 403, 403, 403, OK,  403, OK,  403, 403, SIGN_IN),
    "registry:import_report":   (403, 403, 403, 403, 403, OK,  403, OK,  403, 403, SIGN_IN),
    "registry:duplicate_list":  (403, 403, 403, OK,  403, OK,  403, OK,  403, 403, SIGN_IN),
    "registry:duplicate_detail": (403, 403, 403, 404, 403, 404, 403, 404, 403, 403, SIGN_IN),
    "registry:duplicate_merge": (403, 403, 403, 403, 403, 405, 403, 405, 403, 403, SIGN_IN),
    "registry:duplicate_not_same": (403, 403, 403, 403, 403, 405, 403, 405, 403, 403, SIGN_IN),
    "registry:merge_list":      (403, 403, 403, OK,  403, OK,  403, OK,  403, 403, SIGN_IN),
    "registry:merge_undo":      (403, 403, 403, 403, 403, 405, 403, 405, 403, 403, SIGN_IN),
    "programs:program_list":    (OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  403, 403, SIGN_IN),
    "programs:program_detail":  (404, 404, 404, 404, 404, 404, 404, 404, 403, 403, SIGN_IN),
    "audit:event_list":         (403, 403, 403, 403, 403, OK,  OK,  OK,  403, 403, SIGN_IN),
    "outreach:campaign_list":   (OK,  403, 403, 403, 403, OK,  OK,  OK,  403, 403, SIGN_IN),
    "outreach:campaign_create": (403, 403, 403, 403, 403, OK,  403, OK,  403, 403, SIGN_IN),
    "outreach:campaign_detail": (403, 403, 403, 403, 403, 404, 404, 404, 403, 403, SIGN_IN),
    "outreach:call_desk":       (404, 403, 403, 403, 403, 404, 403, 403, 403, 403, SIGN_IN),
    "outreach:next_call":       (405, 403, 403, 403, 403, 405, 403, 403, 403, 403, SIGN_IN),
    "outreach:call_log":        (403, 403, 403, 403, 403, 404, 404, 404, 403, 403, SIGN_IN),
    "outreach:export_csv":      (403, 403, 403, 403, 403, 404, 404, 404, 403, 403, SIGN_IN),
    "outreach:export_list":     (403, 403, 403, 403, 403, 404, 404, 404, 403, 403, SIGN_IN),
    "outreach:call_screen":     (404, 403, 403, 403, 403, 404, 403, 403, 403, 403, SIGN_IN),
    "outreach:call_log_save":   (405, 403, 403, 403, 403, 405, 403, 403, 403, 403, SIGN_IN),
    "outreach:call_release":    (405, 403, 403, 403, 403, 405, 403, 403, 403, 403, SIGN_IN),
    "outreach:export_status":   (403, 403, 403, 403, 403, 404, 404, 404, 403, 403, SIGN_IN),
    "outreach:export_download": (403, 403, 403, 403, 403, 404, 404, 404, 403, 403, SIGN_IN),
    # The monthly handling report (dxdesk/reporting): the made-up month 999999/999999 is
    # not a reported month (404); supervisors answer and generate, the client and IT read.
    "reporting:privacy_reports":  (403, 403, 403, 403, 403, OK,  OK,  OK,  403, 403, SIGN_IN),
    "reporting:privacy_report":   (403, 403, 403, 403, 403, 404, 404, 404, 403, 403, SIGN_IN),
    "reporting:privacy_answers":  (403, 403, 403, 403, 403, 404, 403, 403, 403, 403, SIGN_IN),
    "reporting:privacy_generate": (403, 403, 403, 403, 403, 405, 403, 403, 403, 403, SIGN_IN),
    "reporting:privacy_pdf":      (403, 403, 403, 403, 403, 404, 404, 404, 403, 403, SIGN_IN),
    "reporting:privacy_xlsx":     (403, 403, 403, 403, 403, 404, 404, 404, 403, 403, SIGN_IN),
    # Grant applications (dxdesk/grants). Public pages; applicants' own pages (the
    # made-up application is nobody's: 404); staff readers and keyers. Applicant A against
    # applicant B's real application is dxdesk/grants/tests/test_isolation.py.
    "grants:grant_list":        (OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK),
    "grants:sign_up":           (OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK),
    "grants:sign_up_sent":      (OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK),
    "grants:verify_email":      (400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400),
    "grants:accept_invitation": (400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400),
    "grants:my_page":           (403, 403, 403, 403, 403, 403, 403, 403, OK,  OK,  SIGN_IN),
    "grants:members":           (403, 403, 403, 403, 403, 403, 403, 403, 404, 404, SIGN_IN),
    "grants:start":             (403, 403, 403, 403, 403, 403, 403, 403, 405, 405, SIGN_IN),
    "grants:detail":            (403, 403, 403, 403, 403, 403, 403, 403, 404, 404, SIGN_IN),
    "grants:edit":              (403, 403, 403, 403, 403, 403, 403, 403, 404, 404, SIGN_IN),
    "grants:upload":            (403, 403, 403, 403, 403, 403, 403, 403, 405, 405, SIGN_IN),
    "grants:download":          (403, 403, 403, 403, 403, 403, 403, 403, 404, 404, SIGN_IN),
    "grants:remove_attachment": (403, 403, 403, 403, 403, 403, 403, 403, 405, 405, SIGN_IN),
    "grants:confirm":           (403, 403, 403, 403, 403, 403, 403, 403, 404, 404, SIGN_IN),
    "grants:submit":            (403, 403, 403, 403, 403, 403, 403, 403, 405, 405, SIGN_IN),
    "grants:withdraw":          (403, 403, 403, 403, 403, 403, 403, 403, 405, 405, SIGN_IN),
    "grants:message":           (403, 403, 403, 403, 403, 403, 403, 403, 405, 405, SIGN_IN),
    "grants:staff_list":        (403, OK,  403, OK,  OK,  OK,  OK,  OK,  403, 403, SIGN_IN),
    "grants:staff_key_in":      (403, 404, 403, 403, 403, 404, 403, 404, 403, 403, SIGN_IN),
    "grants:staff_detail":      (403, 404, 403, 404, 404, 404, 404, 404, 403, 403, SIGN_IN),
    "grants:staff_edit":        (403, 404, 403, 403, 403, 404, 403, 404, 403, 403, SIGN_IN),
    "grants:staff_upload":      (403, 405, 403, 403, 403, 405, 403, 405, 403, 403, SIGN_IN),
    "grants:staff_download":    (403, 404, 403, 404, 404, 404, 404, 404, 403, 403, SIGN_IN),
    "grants:staff_remove_attachment": (403, 405, 403, 403, 403, 405, 403, 405, 403, 403, SIGN_IN),
    "grants:staff_confirm":     (403, 404, 403, 403, 403, 404, 403, 404, 403, 403, SIGN_IN),
    "grants:staff_submit":      (403, 405, 403, 403, 403, 405, 403, 405, 403, 403, SIGN_IN),
    "grants:staff_withdraw":    (403, 405, 403, 403, 403, 405, 403, 405, 403, 403, SIGN_IN),
    "grants:staff_message":     (403, 405, 403, 403, 403, 405, 403, 405, 403, 403, SIGN_IN),
    # Django's admin site: its index stands for all of it (is_staff + model permissions).
    "admin:index":              (302, 302, 302, 302, 302, 302, 302, OK,  302, 302, 302),
}
# fmt: on

ADMIN_PATHS = {"admin:index": "/admin/"}


def routes() -> dict[str, str]:
    """Every URL pattern's name and its route, the admin site's index included."""
    found = {name: route for route, name, _view in walk(get_resolver().url_patterns)}
    return {**found, **ADMIN_PATHS}


def people() -> dict[str, User | None]:
    made: dict[str, User | None] = {
        role: make_user(role, is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
        for role in PERSONAS[:8]
    }
    made["applicant"] = make_user(Role.APPLICANT)
    made["applicant_b"] = make_user(Role.APPLICANT)
    made["anonymous"] = None
    return made


def path_for(name: str, route: str, objects: dict[str, int]) -> str:
    """The URL to ask for: real registry objects, made-up ones elsewhere."""
    if name in ADMIN_PATHS:
        return route
    if name.startswith("registry:"):
        for argument, value in objects.items():
            route = route.replace(f"<int:{argument}>", str(value))
    return concrete_path(route)


def outcome(response: object) -> int | str:
    status = response.status_code  # type: ignore[attr-defined]
    location = response.get("Location", "")  # type: ignore[attr-defined]
    if status == 302 and location.startswith("/accounts/sign-in/?"):
        return SIGN_IN
    return status


def test_every_url_is_in_the_matrix() -> None:
    names = set(routes())
    missing = sorted(names - set(MATRIX))
    stale = sorted(set(MATRIX) - names)
    assert not missing, f"add these URLs to MATRIX (and docs/security.md): {missing}"
    assert not stale, f"these URLs are gone, remove them from MATRIX: {stale}"


def test_every_persona_gets_what_the_matrix_says(settings: object) -> None:
    settings.DEMO_MODE = False  # type: ignore[attr-defined]
    company = Company(name="株式会社サッポロテック")
    company.save()
    company.contacts.create(name="札幌 太郎")
    job = ImportJob.objects.create(file_name="list.csv", status="done")
    objects = {"company_id": company.pk, "job_id": job.pk}
    clients = {persona: verified_client_for(user) for persona, user in people().items()}

    differences = []
    for name, route in routes().items():
        path = path_for(name, route, objects)
        expected = MATRIX.get(name)
        if expected is None:
            continue  # reported by test_every_url_is_in_the_matrix
        for persona, want in zip(PERSONAS, expected, strict=True):
            got = outcome(clients[persona].get(path))
            if got != want:
                differences.append(f"{name} ({path}) as {persona}: expected {want}, got {got}")
    assert not differences, "\n".join(differences)
