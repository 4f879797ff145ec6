"""Who may use a view: every view in dxdesk is wrapped by exactly one of these.

The decorators record their rule on the view (`view.access_rule`) so that the
URL-walk test can prove no view was left without one. `roles_required` (and so
`staff_required`) also sends a staff session that still owes its second factor to
verification, so no staff view can be reached on a password alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect

from dxdesk.accounts.roles import STAFF_ROLES
from dxdesk.accounts.second_factor import second_factor_missing, second_factor_url

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


@dataclass(frozen=True)
class AccessRule:
    kind: str  # "public", "signed_in" or "roles"
    roles: frozenset[str] = frozenset()

    def allows(self, roles: frozenset[str] | None) -> bool:
        """Whether a visitor with these roles (None: not signed in) may use the view."""
        if self.kind == "public":
            return True
        if roles is None:
            return False
        if self.kind == "signed_in":
            return True
        return bool(self.roles & roles)


def _declare(view: Callable[..., HttpResponse], rule: AccessRule) -> None:
    view.access_rule = rule  # type: ignore[attr-defined]


def public(view: View) -> View:
    """Anyone, signed in or not."""
    _declare(view, AccessRule("public"))
    return view


def signed_in(view: View) -> View:
    """Any signed-in user, whatever the role."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    _declare(wrapper, AccessRule("signed_in"))
    return wrapper  # type: ignore[return-value]


def staff_front_door(request: HttpRequest, next_url: str) -> HttpResponse | None:
    """Where someone not yet fully signed in for the staff area is sent, else None:
    strangers to the sign-in page, staff without their second factor to its page."""
    if not request.user.is_authenticated:
        return redirect_to_login(next_url)
    if second_factor_missing(request):
        return redirect(second_factor_url(request.user, next_url))
    return None


def roles_required(*roles: str) -> Callable[[View], View]:
    """Signed-in users holding one of `roles`; others get 403, strangers the sign-in page."""
    allowed = frozenset(roles)
    if not allowed:
        raise ValueError("roles_required needs at least one role")

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            turned_away = staff_front_door(request, request.get_full_path())
            if turned_away is not None:
                return turned_away
            if not request.user.has_role(*allowed):  # type: ignore[union-attr]
                raise PermissionDenied
            return view(request, *args, **kwargs)

        _declare(wrapper, AccessRule("roles", allowed))
        return wrapper  # type: ignore[return-value]

    return decorator


staff_required = roles_required(*STAFF_ROLES)
"""Anyone of the secretariat or the client: the staff area's front door."""
