"""What the import's 名寄せ warning adds to an import: the check timed against the import.

python bench/import_duplicates.py [--rows 50000] [--database sqlite|postgresql]

Two imports of generated Sapporo lists (8% duplicate rows): the first into an empty
registry, the second (another seed, its 管理番号 prefixed so that they do not collide)
into the registry the first made. Each is timed with `import_companies`, then
`propose_import_duplicates` (what `import_companies` the command and the web import run
after it) on the companies it created or updated.
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

from benchsupport import add_database_argument, emit, fresh_database, machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    add_database_argument(parser)
    options = parser.parse_args()
    database = fresh_database(options.database, "dxdesk_bench_import_duplicates")

    from django.utils import timezone

    from dxdesk.registry.actions import import_companies
    from dxdesk.registry.duplicates import propose_import_duplicates
    from dxdesk.registry.importing import read_table
    from dxdesk.registry.models import Company
    from dxdesk.registry.synthetic import iter_companies, write_csv

    folder = Path(tempfile.mkdtemp())
    figures: dict[str, object] = {}
    for name, seed, prefix in (("first", 7, ""), ("second", 8, "B")):
        path = folder / f"{name}.csv"
        rows = iter_companies(options.rows, seed=seed)
        write_csv((dataclasses.replace(row, ref=prefix + row.ref) for row in rows), path)
        since = timezone.now()
        started = time.perf_counter()
        summary = import_companies(read_table(path))
        import_seconds = time.perf_counter() - started
        started = time.perf_counter()
        proposal = propose_import_duplicates(since)
        check_seconds = time.perf_counter() - started
        figures[name] = {
            "registry_before": Company.objects.count() - summary.created,
            "imported": summary.imported,
            "import_seconds": round(import_seconds, 2),
            "check_seconds": round(check_seconds, 2),
            "added_percent": round(100 * check_seconds / import_seconds, 1),
            "companies_compared": proposal.compared,
            "pairs_proposed": proposal.created,
            "imported_with_probable_duplicate": proposal.companies,
        }
    emit(
        {
            "benchmark": "import_duplicates",
            "database": options.database,
            "database_version": database,
            "rows": options.rows,
            **figures,
            **machine(),
        }
    )


if __name__ == "__main__":
    main()
