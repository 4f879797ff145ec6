"""Company search server time: the staff list view over 50,000 and 500,000 companies.

    python bench/search.py [--companies 50000] [--queries 200] [--database sqlite|postgresql]

Each query is one GET of /staff/companies/?q=… through Django's full request cycle
(middleware, view, template), timed in-process: the server's share of the latency.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from benchsupport import add_database_argument, emit, fresh_database, machine, percentile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--companies", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    add_database_argument(parser)
    options = parser.parse_args()
    database = fresh_database(options.database, "dxdesk_bench_search")

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from dxdesk.accounts.roles import Role
    from dxdesk.registry.actions import import_companies
    from dxdesk.registry.importing import read_table
    from dxdesk.registry.synthetic import generate_companies, write_csv
    from dxdesk.testing import make_user

    settings.ALLOWED_HOSTS = ["testserver"]
    companies = generate_companies(options.companies, seed=11)
    path = Path(tempfile.mkdtemp()) / "call-list.csv"
    write_csv(companies, path)
    loading = time.perf_counter()
    import_companies(read_table(path))
    load_seconds = time.perf_counter() - loading
    # As autovacuum would have by the time anyone searches: planner statistics.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    picker = random.Random(5)
    samples = picker.sample(companies, min(len(companies), options.queries))
    kinds = ["name", "kana", "phone", "corporate_number", "address", "name_part"]
    client = Client()
    client.force_login(make_user(Role.OPERATOR, email="bench@example.jp"))
    timings: dict[str, list[float]] = {kind: [] for kind in kinds}
    for index, company in enumerate(samples):
        kind = kinds[index % len(kinds)]
        query = {
            "name": company.name,
            "kana": company.kana or company.name,
            "phone": company.phone or company.name,
            "corporate_number": company.corporate_number or company.name,
            "address": company.address[:14],
            "name_part": company.name[-4:],
        }[kind]
        started = time.perf_counter()
        response = client.get("/staff/companies/", {"q": query})
        timings[kind].append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    every = [value for values in timings.values() for value in values]
    emit(
        {
            "benchmark": "search",
            "database": options.database,
            "database_version": database,
            "companies": options.companies,
            "queries": len(every),
            "load_seconds": round(load_seconds, 1),
            "p50_ms": round(percentile(every, 0.50), 1),
            "p95_ms": round(percentile(every, 0.95), 1),
            "max_ms": round(max(every), 1),
            "p95_ms_by_kind": {kind: round(percentile(v, 0.95), 1) for kind, v in timings.items()},
            **machine(),
        }
    )


if __name__ == "__main__":
    main()
