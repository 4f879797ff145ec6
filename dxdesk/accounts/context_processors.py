from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset(), "in_staff_area": False}
    return {
        "user_roles": user.role_names,
        "in_staff_area": request.path.startswith("/staff/"),
    }
