"""Every URL pattern declares who may use it, and the declaration holds for every role."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from dxdesk.accounts.access import AccessRule
from dxdesk.accounts.roles import Role
from dxdesk.testing import client_for, personas

# Django's admin site checks is_staff and model permissions itself.
SELF_GUARDED_NAMESPACES = {"admin"}


def walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, object]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner in SELF_GUARDED_NAMESPACES:
                continue
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield prefix + str(pattern.pattern), name, pattern.callback


def concrete_path(route: str) -> str:
    """A URL for the route with made-up arguments (objects that do not exist)."""
    path = re.sub(r"<int:\w+>", "999999", route)
    path = re.sub(r"<(?:str|slug):\w+>", "missing", path)
    path = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000000", path)
    path = re.sub(r"<path:\w+>", "missing", path)
    return "/" + path


ROUTES = list(walk(get_resolver().url_patterns))


def test_it_finds_the_routes_to_check() -> None:
    names = {name for _route, name, _view in ROUTES}
    assert {"portal:home", "accounts:login", "registry:company_list"} <= names


@pytest.mark.parametrize(("route", "name", "view"), ROUTES, ids=[name for _r, name, _v in ROUTES])
def test_it_requires_every_view_to_declare_who_may_use_it(
    route: str, name: str, view: object
) -> None:
    rule = getattr(view, "access_rule", None)
    assert isinstance(rule, AccessRule), (
        f"{name} ({route}) has no access rule: wrap it in public, signed_in or roles_required"
    )


@pytest.mark.django_db
def test_it_enforces_each_declared_rule_for_every_role() -> None:
    people = personas()
    failures: list[str] = []
    for route, name, view in ROUTES:
        rule: AccessRule = view.access_rule  # type: ignore[attr-defined]
        path = concrete_path(route)
        for persona, user in people.items():
            response = client_for(user).get(path)
            roles = None if user is None else frozenset({persona})
            allowed = rule.allows(roles)
            status = response.status_code
            if allowed and status in {302, 403} and not _redirects_elsewhere(response, path):
                failures.append(f"{name} as {persona}: allowed but got {status}")
            if not allowed:
                expected = 302 if user is None else 403
                if status != expected:
                    failures.append(f"{name} as {persona}: expected {expected}, got {status}")
                if user is None and "/accounts/sign-in/" not in response.get("Location", ""):
                    failures.append(f"{name} as anonymous: not sent to the sign-in page")
    assert not failures, "\n".join(failures)


def _redirects_elsewhere(response: object, path: str) -> bool:
    """A permitted view may itself redirect (e.g. home → staff area), never to sign-in."""
    location = getattr(response, "get", lambda *_: "")("Location", "")
    return getattr(response, "status_code", 0) == 302 and "/accounts/sign-in/" not in location


def test_it_knows_every_role_of_the_requirements() -> None:
    assert set(Role.values) == {
        "operator",
        "desk",
        "coach",
        "reviewer",
        "finance",
        "supervisor",
        "client",
        "applicant",
        "admin",
    }
