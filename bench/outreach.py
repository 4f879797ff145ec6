"""Outbound calls: a whole campaign simulated day by day, then "next call" under load.

    python bench/outreach.py [--companies 50000] [--operators 30] [--answer 0.35]
                             [--latency-sizes 50000,500000] [--claimers 30]
                             [--database sqlite|postgresql]

1. Simulation. `--operators` operators work `--companies` companies through the real
   actions (`claim_next_call`, `log_call`) under the Sapporo programme's rules, business
   day by business day in simulated time: each attempt is answered with probability
   `--answer`; an unanswered call takes 4 minutes of an operator's time and an answered
   one 9 (about 70 calls a day, the 000 §8 quality line). Events run in time order, so a
   company stays held from its claim to its log while other operators ask for calls.
   It ends when no company is left to call and reports business days, calls, shares
   reached and 不在, and checks from the call log that every 不在 company had at least
   three counted attempts on distinct business days and in distinct bands.
2. Latency. For each size in `--latency-sizes` a campaign in mid-flight (40% untouched,
   35% waiting for a retry in various bands, a few callbacks due, the rest closed) and
   one late in its run (no untouched left) are claimed from by `--claimers` processes:
   in each of `--rounds` rounds they all press "next call" at the same instant (a
   barrier) and time it; then each logs an unanswered call or keeps the company, to
   pass it on with its next claim. Every hold is recorded with its wall-clock span, to
   prove no company was held by two operators at once.

The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime
import heapq
import itertools
import multiprocessing
import random
import time
from collections import Counter
from typing import Any

from benchsupport import add_database_argument, emit, fresh_database, machine, percentile

UNANSWERED_MINUTES = 4
ANSWERED_MINUTES = 9
# Among answered calls (000 §5(1)エ; about 1% of the list wants this programme).
ANSWERED_OUTCOMES = [
    ("callback", 0.08),
    ("this_programme", 0.015),
    ("foundation", 0.05),
    ("information_only", 0.33),
    ("not_interested", 0.495),
    ("do_not_call", 0.03),
]
UNANSWERED_OUTCOMES = [("no_answer", 0.70), ("busy", 0.12), ("person_absent", 0.15)]
INVALID_NUMBER_SHARE = 0.01  # of first calls


def pick(rng: random.Random, table: list[tuple[str, float]]) -> str:
    roll = rng.random() * sum(weight for _code, weight in table)
    for code, weight in table:
        roll -= weight
        if roll <= 0:
            return code
    return table[-1][0]


# -- set-up ------------------------------------------------------------------------------


def load_sapporo() -> Any:
    from django.conf import settings

    from dxdesk.programs.actions import load_program
    from dxdesk.programs.definition import load_definition

    path = settings.BASE_DIR / "programmes" / "sapporo-dx-2026.toml"
    return load_program(load_definition(path)).program


def add_companies(count: int, *, prefix: str) -> None:
    """Plain registry rows, written in chunks (the import benchmark measures the import)."""
    from dxdesk.lib.bulk import insert_many
    from dxdesk.registry.models import Company

    rng = random.Random(count)
    industries = ["D", "E", "G", "I", "K", "M", "P", "R"]
    for start in range(0, count, 10_000):
        batch = []
        for number in range(start, min(count, start + 10_000)):
            company = Company(
                ref=f"{prefix}{number:07d}",
                name=f"株式会社ベンチ{prefix}{number:07d}",
                phone=f"011-{number // 10_000:03d}-{number % 10_000:04d}",
                address="札幌市中央区北1条西2丁目",
                industry_code=rng.choice(industries),
                employees=rng.choice([2, 5, 12, 30, 80]),
            )
            company.name_key = company.name
            company.phone_key = company.phone.replace("-", "")
            company.ward = "中央区"
            batch.append(company)
        insert_many(Company, batch)


def add_operators(count: int, prefix: str) -> list[Any]:
    from dxdesk.accounts.models import User
    from dxdesk.accounts.roles import Role

    users = []
    for number in range(count):
        user = User.objects.create(email=f"{prefix}-{number}@bench.example", full_name=f"{number}")
        user.set_roles([Role.OPERATOR])
        users.append(user)
    return users


def new_campaign(program: Any, ref_prefix: str, title: str) -> Any:
    from dxdesk.outreach.actions import create_campaign
    from dxdesk.registry.models import Company

    return create_campaign(
        track=program.tracks.get(name="outreach"),
        title=title,
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 6, 30),
        companies=Company.objects.filter(ref__startswith=ref_prefix),
        by=None,
    )


# -- 1. the simulation -------------------------------------------------------------------


def simulate(program: Any, companies: int, operators: int, answer: float) -> dict[str, Any]:
    from dxdesk.outreach.actions import CallReport, claim_next_call, log_call
    from dxdesk.outreach.models import CallTask, TaskState
    from dxdesk.outreach.playbook import playbook_for
    from dxdesk.outreach.queries import caps_reached

    add_companies(companies, prefix="S")
    campaign = new_campaign(program, "S", "simulation")
    people = add_operators(operators, "sim")
    playbook = playbook_for(campaign)
    schedule = playbook.schedule
    rng = random.Random(2026)
    day = campaign.starts_on
    business_days = 0
    calls = 0
    double_holds = 0
    per_operator_day: list[int] = []
    cap_reached_on = None
    started = time.perf_counter()
    while CallTask.objects.filter(campaign=campaign, due_at__isnull=False).exists():
        if not schedule.calendar.is_business_day(day):
            day += datetime.timedelta(days=1)
            continue
        made, doubles, today_counts = run_day(
            campaign, people, day, rng, answer, claim_next_call, log_call, CallReport
        )
        calls += made
        double_holds += doubles
        business_days += 1 if made else 0
        per_operator_day += [count for count in today_counts if count]
        if cap_reached_on is None and caps_reached(campaign, playbook):
            cap_reached_on = day.isoformat()
        day += datetime.timedelta(days=1)
        if business_days > 250:
            raise SystemExit("the simulation did not finish in 250 business days")
    seconds = time.perf_counter() - started
    states = Counter(CallTask.objects.filter(campaign=campaign).values_list("state", flat=True))
    checks = fuzai_checks(campaign, schedule)
    return {
        "business_days": business_days,
        "calls": calls,
        "calls_per_business_day": round(calls / max(1, business_days)),
        "calls_per_operator_day": round(sum(per_operator_day) / max(1, len(per_operator_day)), 1),
        "reached_share": round(states[TaskState.REACHED] / companies, 4),
        "fuzai_share": round(states[TaskState.FUZAI] / companies, 4),
        "states": dict(states),
        **checks,
        "double_holds": double_holds,
        "cap_reached_on": cap_reached_on,
        "simulation_seconds": round(seconds, 1),
        "campaign": campaign,
    }


def run_day(
    campaign: Any,
    people: list[Any],
    day: datetime.date,
    rng: random.Random,
    answer: float,
    claim_next_call: Any,
    log_call: Any,
    call_report: Any,
) -> tuple[int, int, list[int]]:
    """One business day: claim and log events for every operator, in time order."""
    schedule = campaign_schedule(campaign)
    windows = [schedule.band_window(day, band) for band in range(len(schedule.bands))]
    events: list[tuple[datetime.datetime, int, int, str, Any]] = []
    sequence = 0
    for number in range(len(people)):
        # Operators start a few minutes apart, as people do.
        heapq.heappush(
            events,
            (
                windows[0][0] + datetime.timedelta(seconds=20 * number),
                sequence,
                number,
                "claim",
                None,
            ),
        )
        sequence += 1
    held: set[int] = set()
    counts = [0] * len(people)
    double_holds = 0
    while events:
        moment, _seq, number, kind, payload = heapq.heappop(events)
        if kind == "log":
            task, outcome, extra = payload
            log_call(
                task,
                call_report(outcome=outcome, **extra),
                by=people[number],
                token=str(task.lease_token),
                now=moment,
            )
            held.discard(task.pk)
            counts[number] += 1
            next_at = moment
        else:
            start = next_calling_moment(windows, moment)
            if start is None:
                continue  # the day is over for this operator
            if start > moment:  # lunch: wait for the band, keeping events in time order
                heapq.heappush(events, (start, sequence, number, "claim", None))
                sequence += 1
                continue
            claim = claim_next_call(campaign, by=people[number], now=start)
            if claim.task is None:
                next_at = start + datetime.timedelta(minutes=15)
                heapq.heappush(events, (next_at, sequence, number, "claim", None))
                sequence += 1
                continue
            if claim.task.pk in held:
                double_holds += 1
            held.add(claim.task.pk)
            outcome, extra, minutes = simulated_call(claim.task, start, rng, answer, schedule)
            heapq.heappush(
                events,
                (
                    start + datetime.timedelta(minutes=minutes),
                    sequence,
                    number,
                    "log",
                    (claim.task, outcome, extra),
                ),
            )
            sequence += 1
            continue
        heapq.heappush(events, (next_at, sequence, number, "claim", None))
        sequence += 1
    return sum(counts), double_holds, counts


def campaign_schedule(campaign: Any) -> Any:
    from dxdesk.outreach.playbook import playbook_for

    return playbook_for(campaign).schedule


def next_calling_moment(
    windows: list[tuple[datetime.datetime, datetime.datetime]], moment: datetime.datetime
) -> datetime.datetime | None:
    for start, end in windows:
        if moment < end:
            return max(moment, start)
    return None


def simulated_call(
    task: Any, start: datetime.datetime, rng: random.Random, answer: float, schedule: Any
) -> tuple[str, dict[str, Any], int]:
    if task.calls == 0 and rng.random() < INVALID_NUMBER_SHARE:
        return "invalid_number", {}, UNANSWERED_MINUTES
    if rng.random() >= answer:
        return pick(rng, UNANSWERED_OUTCOMES), {}, UNANSWERED_MINUTES
    outcome = pick(rng, ANSWERED_OUTCOMES)
    extra: dict[str, Any] = {"person_reached": "ご担当者様", "duration_seconds": 300}
    if outcome == "callback":
        day = schedule.calendar.next_business_day(start.date())
        band = rng.randrange(len(schedule.bands))
        window_start, window_end = schedule.band_window(day, band)
        span = int((window_end - window_start).total_seconds() // 60) - 1
        extra["callback_at"] = window_start + datetime.timedelta(minutes=rng.randrange(span))
    if outcome in {"this_programme", "information_only"}:
        extra["needs"] = "業務効率化"
    return outcome, extra, ANSWERED_MINUTES


def fuzai_checks(campaign: Any, schedule: Any) -> dict[str, int]:
    """From the call log: every 不在 company's counted attempts, their days and bands."""
    from dxdesk.outreach.models import CallAttempt, TaskState

    attempts: dict[int, list[tuple[datetime.date, int | None]]] = {}
    rows = (
        CallAttempt.objects.filter(campaign=campaign, counted=True, task__state=TaskState.FUZAI)
        .order_by("task_id", "number")
        .values_list("task_id", "called_at", "band")
        .iterator(chunk_size=5000)
    )
    for task_id, called_at, band in rows:
        attempts.setdefault(task_id, []).append((schedule.local(called_at).date(), band))
    fuzai = campaign.tasks.filter(state=TaskState.FUZAI).count()
    fewer = fuzai - sum(1 for made in attempts.values() if len(made) >= schedule.attempts)
    distinct_bands_possible = min(schedule.attempts, len(schedule.bands))
    repeated = sum(
        1
        for made in attempts.values()
        if len({day for day, _band in made}) < len(made)
        or None in {band for _day, band in made}
        or len({band for _day, band in made}) < min(len(made), distinct_bands_possible)
    )
    return {
        "fuzai": fuzai,
        "fuzai_with_fewer_than_3_attempts": fewer,
        "fuzai_with_repeated_day_or_band": repeated,
    }


# -- 2. next-call latency ----------------------------------------------------------------

TOKYO = datetime.timezone(datetime.timedelta(hours=9))
TUESDAY_10 = datetime.datetime(2026, 4, 7, 10, 0, tzinfo=TOKYO)


def shape_campaign(campaign: Any, *, untouched_percent: int) -> None:
    """Put a fresh campaign in mid-flight with a few statements (no per-row work)."""
    from django.db import connection

    from dxdesk.outreach.models import TaskState

    adapt = connection.ops.adapt_datetimefield_value
    yesterday = adapt(TUESDAY_10 - datetime.timedelta(days=1))
    earlier = adapt(TUESDAY_10 - datetime.timedelta(minutes=30))
    retry_end = untouched_percent + 35
    masks = [0b011, 0b101, 0b110, 0b001, 0b010, 0b100]
    with connection.cursor() as cursor:
        for index, mask in enumerate(masks):
            cursor.execute(
                "UPDATE outreach_calltask SET state = %s, band_mask = %s, due_at = %s,"
                " attempts = %s, calls = %s WHERE campaign_id = %s"
                " AND id %% 100 >= %s AND id %% 100 < %s AND id %% 6 = %s",
                [
                    TaskState.RETRY,
                    mask,
                    yesterday,
                    1 if mask in (3, 5, 6) else 2,
                    1 if mask in (3, 5, 6) else 2,
                    campaign.pk,
                    untouched_percent,
                    retry_end,
                    index,
                ],
            )
        cursor.execute(
            "UPDATE outreach_calltask SET state = %s, due_at = %s, band_mask = 0"
            " WHERE campaign_id = %s AND id %% 100 >= %s AND id %% 100 < %s",
            [TaskState.CALLBACK, earlier, campaign.pk, retry_end, retry_end + 3],
        )
        closed = [TaskState.REACHED, TaskState.FUZAI, TaskState.REFUSED]
        cursor.execute(
            "UPDATE outreach_calltask SET state = CASE WHEN id %% 3 = 0 THEN %s WHEN id %% 3 = 1"
            " THEN %s ELSE %s END, due_at = NULL, band_mask = 0"
            " WHERE campaign_id = %s AND id %% 100 >= %s",
            [*closed, campaign.pk, retry_end + 3],
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE outreach_calltask")


def claimer(
    campaign_id: int,
    user_id: int,
    rounds: int,
    gate: Any,
    results: Any,
    seed: int,
) -> None:
    """One operator: at each round everybody presses "next call" at the same instant."""
    from django.db import connections

    from dxdesk.accounts.models import User
    from dxdesk.outreach.actions import CallReport, claim_next_call, log_call
    from dxdesk.outreach.models import Campaign

    connections.close_all()  # never share the parent's socket after fork
    rng = random.Random(seed)
    user = User.objects.get(pk=user_id)
    campaign = Campaign.objects.select_related("program", "track").get(pk=campaign_id)
    claim_next_call(campaign, by=user, now=TUESDAY_10)  # warm: programme parsed, connection open
    release_held(user)
    timings: list[float] = []
    holds: list[tuple[int, float, float]] = []
    held: tuple[int, float] | None = None
    for _ in range(rounds):
        gate.wait()
        before = time.perf_counter()
        released_at = time.time()
        claim = claim_next_call(campaign, by=user, now=TUESDAY_10)
        timings.append(time.perf_counter() - before)
        if held is not None:  # the claim passed the company held before on
            holds.append((held[0], held[1], released_at))
        held = None
        if claim.task is None:
            continue
        got = time.time()
        # Half the time the call is logged (unanswered), half the time the company is
        # passed on by the next claim, so companies change hands while others claim.
        if rng.random() < 0.5:
            log_call(
                claim.task,
                CallReport(outcome="no_answer", duration_seconds=30),
                by=user,
                token=str(claim.task.lease_token),
                now=TUESDAY_10,
            )
            holds.append((claim.task.pk, got, time.time()))
        else:
            held = (claim.task.pk, got)
    if held is not None:
        holds.append((held[0], held[1], time.time()))
    results.put((timings, holds))
    connections.close_all()


def release_held(user: Any) -> None:
    from dxdesk.outreach.models import CallTask

    CallTask.objects.filter(holder=user).update(
        holder=None, lease_token=None, lease_started_at=None, lease_expires_at=None
    )


def overlapping_holds(holds: list[tuple[int, float, float]]) -> int:
    by_task: dict[int, list[tuple[float, float]]] = {}
    for task_id, begin, end in holds:
        by_task.setdefault(task_id, []).append((begin, end))
    overlaps = 0
    for spans in by_task.values():
        spans.sort()
        for (_b1, end1), (begin2, _e2) in itertools.pairwise(spans):
            if begin2 < end1:
                overlaps += 1
    return overlaps


def measure_latency(campaign: Any, people: list[Any], rounds: int, scenario: str) -> dict[str, Any]:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    gate = context.Barrier(len(people))
    results = context.Queue()
    processes = [
        context.Process(target=claimer, args=(campaign.pk, person.pk, rounds, gate, results, n))
        for n, person in enumerate(people)
    ]
    for process in processes:
        process.start()
    timings: list[float] = []
    holds: list[tuple[int, float, float]] = []
    for _ in processes:
        got_timings, got_holds = results.get()
        timings += got_timings
        holds += got_holds
    for process in processes:
        process.join()
    return {
        "companies": campaign.task_count,
        "scenario": scenario,
        "claimers": len(people),
        "claims": len(timings),
        "p50_ms": round(percentile(timings, 0.50) * 1000, 2),
        "p99_ms": round(percentile(timings, 0.99) * 1000, 2),
        "max_ms": round(max(timings) * 1000, 2),
        "double_holds": overlapping_holds(holds),
        "failed_claimers": sum(1 for process in processes if process.exitcode != 0),
    }


def latency(program: Any, sizes: list[int], claimers: int, rounds: int) -> list[dict[str, Any]]:
    from dxdesk.outreach.models import CallTask

    people = add_operators(claimers, "lat")
    rows = []
    made = 0
    for size in sorted(sizes):
        add_companies(size - made, prefix=f"L{size}-")
        made = size
        prefix = "L"
        for scenario, untouched in (("mid-campaign", 40), ("late, retries only", 0)):
            campaign = new_campaign(program, prefix, f"latency {size} {scenario}")
            shape_campaign(campaign, untouched_percent=untouched)
            # One claimer alone first: what a claim costs when nobody queues with it.
            for group in (people[:1], people):
                rows.append(measure_latency(campaign, group, rounds, scenario))
                CallTask.objects.filter(campaign=campaign, holder__isnull=False).update(
                    holder=None, lease_token=None, lease_started_at=None, lease_expires_at=None
                )
                print(rows[-1], flush=True)
    return rows


def export_seconds(campaign: Any) -> float:
    from dxdesk.outreach.exports import stream_csv

    started = time.perf_counter()
    size = sum(len(chunk) for chunk in stream_csv(campaign))
    seconds = time.perf_counter() - started
    print(f"CSV export: {campaign.task_count:,} rows, {size / 1e6:.1f} MB in {seconds:.1f}s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--companies", type=int, default=50_000)
    parser.add_argument("--operators", type=int, default=30)
    parser.add_argument("--answer", type=float, default=0.35)
    parser.add_argument("--latency-sizes", default="50000,500000")
    parser.add_argument("--claimers", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=100, help="bursts of simultaneous claims")
    parser.add_argument("--skip-simulation", action="store_true")
    add_database_argument(parser)
    options = parser.parse_args()
    database = fresh_database(options.database, "dxdesk_bench_outreach")
    program = load_sapporo()

    figures: dict[str, Any] = {
        "benchmark": "outreach",
        "database": options.database,
        "database_version": database,
        "companies": options.companies,
        "operators": options.operators,
        "answer_probability": options.answer,
    }
    if not options.skip_simulation:
        simulation = simulate(program, options.companies, options.operators, options.answer)
        campaign = simulation.pop("campaign")
        figures.update(simulation)
        figures["export_csv_seconds"] = round(export_seconds(campaign), 1)
        print({key: value for key, value in figures.items()}, flush=True)
    sizes = [int(size) for size in options.latency_sizes.split(",") if size.strip()]
    rows = latency(program, sizes, options.claimers, options.rounds) if sizes else []
    largest = [
        row
        for row in rows
        if row["companies"] == max(sizes, default=0) and row["claimers"] == options.claimers
    ]
    figures["latency"] = rows
    figures["next_call_p50_ms"] = max((row["p50_ms"] for row in largest), default=None)
    figures["next_call_p99_ms"] = max((row["p99_ms"] for row in largest), default=None)
    figures["double_holds"] = figures.get("double_holds", 0) + sum(r["double_holds"] for r in rows)
    emit({**figures, **machine()})


if __name__ == "__main__":
    main()
