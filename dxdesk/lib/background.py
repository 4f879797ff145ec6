"""Work that a request starts and a thread finishes, once the request's rows are committed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections, connection, transaction


def run_after_commit(work: Callable[..., Any], *args: Any) -> None:
    """Call `work(*args)` in a daemon thread after the current transaction commits.

    The thread opens its own database connection and closes it when done. Forking a
    worker process from a threaded web server is not safe, so this stays a thread.
    """

    def run() -> None:
        close_old_connections()
        try:
            work(*args)
        finally:
            connection.close()

    transaction.on_commit(lambda: threading.Thread(target=run, daemon=True).start())
