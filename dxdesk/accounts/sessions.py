"""Sessions in the database, with an idle time-out that costs a write once a minute.

The idle clock restarts on every request (`SESSION_COOKIE_AGE` after the last one), but
writing the new expiry back on every request gave every request an UPDATE of its own
and, on SQLite, a turn at the database's write lock. A session is written back when it
changed or when its stored expiry is more than `REFRESH_AFTER` old, so a session left
idle ends at most that much before its time-out, never after it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

REFRESH_AFTER = timedelta(minutes=1)


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict[str, Any]:
        stored = self._get_session_from_db()  # type: ignore[attr-defined]
        return self._with_refresh(stored)

    async def aload(self) -> dict[str, Any]:
        stored = await self._aget_session_from_db()  # type: ignore[attr-defined]
        return self._with_refresh(stored)

    def _with_refresh(self, stored: Session | None) -> dict[str, Any]:
        if stored is None:
            return {}
        data: dict[str, Any] = self.decode(stored.session_data)
        # Passing the expiry keeps get_expiry_age from loading the session again.
        age = timedelta(seconds=self.get_expiry_age(expiry=data.get("_session_expiry")))
        if stored.expire_date - timezone.now() < age - REFRESH_AFTER:
            self.modified = True  # SessionMiddleware saves it with a new expiry
        return data
