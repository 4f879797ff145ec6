"""The monthly handling report on a large audit trail: figures, chain check, documents.

    python bench/privacy_report.py [--events 1000000] [--database sqlite|postgresql]

Writes a hash-chained trail of N events spread evenly over the twelve months of 2031
(Tokyo), 200 accounts in every role, then times for one month: the figures (the
aggregate queries of `month_figures`), the chain check of that month (`check_segment`)
and drawing the PDF and the workbook.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import random
import time

from benchsupport import add_database_argument, emit, fresh_database, machine

ACTIONS = [
    ("view", 70),
    ("change", 8),
    ("create", 4),
    ("export", 1),
    ("download", 1),
    ("sign_in", 10),
    ("sign_out", 4),
    ("sign_in_failed", 2),
]
ROLES = ["operator", "desk", "coach", "reviewer", "finance", "supervisor", "client", "admin"]
OBJECTS = ["registry.company", "registry.contact", "outreach.calltask", "grants.application"]
BATCH = 5_000


def write_trail(count: int) -> None:
    from django.db import transaction

    from dxdesk.audit.models import GENESIS_HASH, AuditChain, AuditEvent
    from dxdesk.lib.dates import TOKYO

    generator = random.Random(2031)
    names = [name for name, weight in ACTIONS for _ in range(weight)]
    start = datetime.datetime(2031, 1, 1, tzinfo=TOKYO)
    span = (datetime.datetime(2032, 1, 1, tzinfo=TOKYO) - start).total_seconds()
    step = span / count
    previous = GENESIS_HASH
    batch: list[AuditEvent] = []
    for sequence in range(1, count + 1):
        user = generator.randrange(200)
        action = generator.choice(names)
        signing = action.startswith("sign_")
        event = AuditEvent(
            sequence=sequence,
            occurred_at=start + datetime.timedelta(seconds=(sequence - 1) * step),
            user_id=user + 1,
            user_email=f"user{user}@example.jp",
            role=ROLES[user % len(ROLES)],
            action=action,
            object_type="" if signing else generator.choice(OBJECTS),
            object_id="" if signing else str(generator.randrange(50_000)),
            object_label="" if signing else "株式会社サンプル",
            rows=generator.randrange(1, 5_000) if action in {"export", "download"} else None,
            note="ロック中" if action == "sign_in_failed" and generator.random() < 0.2 else "",
            ip_address="203.0.113.5",
            previous_hash=previous,
        )
        event.hash = previous = event.compute_hash()
        batch.append(event)
        if len(batch) == BATCH:
            with transaction.atomic():
                AuditEvent.objects.bulk_create(batch)
            batch = []
    with transaction.atomic():
        AuditEvent.objects.bulk_create(batch)
        AuditChain.objects.filter(pk=1).update(length=count, last_hash=previous)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    add_database_argument(parser)
    options = parser.parse_args()
    database = fresh_database(options.database, "dxdesk_bench_privacy_report")

    from django.db import connection
    from django.utils import timezone

    from dxdesk.lib.dates import TOKYO
    from dxdesk.reporting.content import report_content
    from dxdesk.reporting.documents import report_pdf, report_xlsx
    from dxdesk.reporting.models import MonthlyPrivacyReport, ReportStatus
    from dxdesk.reporting.queries import check_segment, month_figures
    from dxdesk.reporting.schedule import ReportMonth

    began = time.perf_counter()
    write_trail(options.events)
    written = time.perf_counter() - began
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE audit_auditevent")

    june = ReportMonth(
        month=datetime.date(2031, 6, 1),
        period_start=datetime.date(2031, 6, 1),
        period_end=datetime.date(2031, 6, 30),
        due_on=datetime.date(2031, 7, 22),
        is_final=False,
    )
    now = datetime.datetime(2031, 7, 10, tzinfo=TOKYO)
    timings = []
    for _ in range(3):
        began = time.perf_counter()
        figures = month_figures(june, now=now)
        timings.append(time.perf_counter() - began)
    began = time.perf_counter()
    chain = check_segment(figures)
    checked = time.perf_counter() - began
    assert chain.intact, chain.problem

    report = MonthlyPrivacyReport(
        month=june.month,
        status=ReportStatus.GENERATED,
        answers={"addressee": "札幌市長", "other_notes": "特になし"},
        figures=dataclasses.replace(figures, chain=chain).to_json(),
        generated_at=timezone.now(),
    )
    began = time.perf_counter()
    content = report_content(report)
    pdf = report_pdf(content)
    drawn_pdf = time.perf_counter() - began
    began = time.perf_counter()
    xlsx = report_xlsx(content)
    drawn_xlsx = time.perf_counter() - began

    emit(
        {
            "benchmark": "privacy_report",
            "database": database,
            "events": options.events,
            "month_events": figures.events,
            "accounts": len(figures.persons),
            "write_trail_s": round(written, 1),
            "figures_s_first": round(timings[0], 3),
            "figures_s_best": round(min(timings), 3),
            "chain_check_s": round(checked, 2),
            "pdf_s": round(drawn_pdf, 2),
            "pdf_bytes": len(pdf),
            "xlsx_s": round(drawn_xlsx, 2),
            "xlsx_bytes": len(xlsx),
            **machine(),
        }
    )


if __name__ == "__main__":
    main()
