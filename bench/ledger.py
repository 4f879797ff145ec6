"""Ledger throughput: concurrent workers claiming one fund in strict request order.

    python bench/ledger.py [--workers 32] [--requests 20000] [--database sqlite|postgresql]

Each worker is a separate process with its own database connection, calling
`request_funds` in a loop. The fund's limit admits 80% of the claims; the rest wait.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time

from benchsupport import add_database_argument, emit, fresh_database, machine

AMOUNT = 1_000


def worker(fund_id: int, worker_number: int, count: int, start: multiprocessing.Event) -> None:
    from django.db import connections

    from dxdesk.funds.actions import request_funds

    connections.close_all()  # never share the parent's socket after fork
    start.wait()
    for number in range(count):
        request_funds(fund_id, subject=f"bench:{worker_number}:{number}", amount=AMOUNT)
    connections.close_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--requests", type=int, default=20_000)
    add_database_argument(parser)
    options = parser.parse_args()
    database = fresh_database(options.database, "dxdesk_bench_ledger")

    from django.db import connections

    from dxdesk.funds.models import Fund, FundRequest, RequestState
    from dxdesk.funds.queries import ledger_discrepancies

    per_worker = options.requests // options.workers
    total = per_worker * options.workers
    limit = total * AMOUNT * 8 // 10
    fund = Fund.objects.create(name="bench pool", unit="yen", limit=limit)
    connections.close_all()

    context = multiprocessing.get_context("fork")
    start = context.Event()
    processes = [
        context.Process(target=worker, args=(fund.pk, number, per_worker, start))
        for number in range(options.workers)
    ]
    for process in processes:
        process.start()
    time.sleep(1.0)  # every worker connected and waiting at the gate
    began = time.perf_counter()
    start.set()
    for process in processes:
        process.join()
    seconds = time.perf_counter() - began
    failed_workers = sum(1 for process in processes if process.exitcode != 0)

    fund.refresh_from_db()
    rows = list(
        FundRequest.objects.filter(fund=fund).order_by("sequence").values_list("sequence", "state")
    )
    reserved = [sequence for sequence, state in rows if state == RequestState.RESERVED]
    waiting = [sequence for sequence, state in rows if state == RequestState.WAITING]
    order_violations = sum(1 for sequence in reserved if waiting and sequence > waiting[0])
    order_violations += sum(1 for index, (sequence, _) in enumerate(rows, 1) if sequence != index)
    emit(
        {
            "benchmark": "ledger",
            "database": options.database,
            "database_version": database,
            "workers": options.workers,
            "requests": total,
            "stored": len(rows),
            "reserved": len(reserved),
            "waiting": len(waiting),
            "failed_workers": failed_workers,
            "seconds": round(seconds, 2),
            "requests_per_s": round(total / seconds),
            "reservations_per_s": round(len(reserved) / seconds),
            "over_limit": max(0, fund.taken - limit),
            "order_violations": order_violations,
            "ledger_discrepancies": len(ledger_discrepancies([fund])),
            **machine(),
        }
    )


if __name__ == "__main__":
    main()
