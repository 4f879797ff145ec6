"""Shared set-up for the benchmark scripts: a fresh database of the kind asked for."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgresql"],
        default="postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        help="postgresql uses DATABASE_URL's server with a fresh database of its own",
    )


def fresh_database(kind: str, name: str) -> str:
    """Point Django at an empty database, migrate it, and return its description."""
    os.environ["DXDESK_ENV"] = "test"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxdesk.settings")
    if kind == "postgresql":
        server_url = os.environ.get("DATABASE_URL")
        if not server_url or not server_url.startswith("postgres"):
            raise SystemExit(
                "--database postgresql needs DATABASE_URL pointing at a PostgreSQL server"
            )
        import psycopg

        base, _slash, _old = server_url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{base}/{name}"
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["DXDESK_VAR_DIR"] = tempfile.mkdtemp(prefix=f"{name}-")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection as db

    return f"{db.vendor} {db.Database.sqlite_version if db.vendor == 'sqlite' else db.pg_version}"


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "date": time.strftime("%Y-%m-%d"),
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def emit(figures: dict[str, Any]) -> None:
    """Every benchmark ends with one JSON object on its last line."""
    print(json.dumps(figures, ensure_ascii=False))
