"""Import throughput: a generated Sapporo call list through `dxdesk import_companies`.

python bench/import.py [--rows 50000] [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchsupport import add_database_argument, emit, fresh_database, machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    add_database_argument(parser)
    options = parser.parse_args()
    database = fresh_database(options.database, "dxdesk_bench_import")

    from dxdesk.registry.actions import import_companies
    from dxdesk.registry.importing import read_table
    from dxdesk.registry.models import Company
    from dxdesk.registry.synthetic import generate_companies, write_csv

    path = Path(tempfile.mkdtemp()) / "call-list.csv"
    write_csv(generate_companies(options.rows, seed=7), path)

    started = time.perf_counter()
    table = read_table(path)
    summary = import_companies(table)
    seconds = time.perf_counter() - started

    started_again = time.perf_counter()
    again = import_companies(read_table(path))
    reimport_seconds = time.perf_counter() - started_again

    emit(
        {
            "benchmark": "import",
            "database": options.database,
            "database_version": database,
            "rows": summary.total_rows,
            "imported": summary.imported,
            "rejected": summary.rejected,
            "companies": Company.objects.count(),
            "seconds": round(seconds, 2),
            "rows_per_s": round(summary.total_rows / seconds),
            "reimport_seconds": round(reimport_seconds, 2),
            "reimport_changed": again.created + again.updated,
            **machine(),
        }
    )


if __name__ == "__main__":
    main()
