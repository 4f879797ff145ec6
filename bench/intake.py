"""Application intake under a burst, against a real server (gunicorn, several workers).

    python bench/intake.py [--applicants 2000] [--connections 200] [--database sqlite|postgresql]
                           [--workers 3] [--threads 4] [--pdf-kb 200]

Set-up (not timed): a fresh database, the demo grant track with intake open and a pool
that admits 60% of the applications, one applicant account per applicant with a signed-in
session and a filled-in draft. Then the applicants arrive evenly over `--window` seconds
(0: all at once) and each, over up to `--connections` concurrent connections, uploads a
PDF of `--pdf-kb` KB to its draft and submits it — two HTTP requests, exactly as the
browser sends them. `p50/p95/p99_ms` are per request; `applicant_p99_ms` runs from an
applicant's scheduled arrival to its receipt, waiting for a free connection included.

Afterwards the database and the file store are checked against what the server answered:
`lost` counts submissions answered as received (or uploads answered as stored) that are
not in the database or whose file is missing or differs; `order_violations` counts
receipt numbers that are not 1…N gap-free with rising receipt times and every reserved
application ahead of every waiting one; `yen_over` is how far the pool was over-spent.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import itertools
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from benchsupport import ROOT, add_database_argument, emit, fresh_database, machine, percentile

if TYPE_CHECKING:
    from dxdesk.files.models import StoredFile

AMOUNT = 500_000  # each draft asks for 1,000,000 × 1/2, the demo ceiling
# gunicorn closes a keep-alive connection left idle for 2 s (`--keep-alive`); a browser
# then sends again on a new connection. A connection idle for longer than this is not
# reused, so a request is never written into a socket the server has just closed.
REUSE_IDLE_S = 1.0
DEMO_PROGRAMME = ROOT / "dxdesk" / "demo" / "programmes" / "demo-dx-grant.toml"


def bench_definition(limit_yen: int) -> str:
    """The demo track, open today, with one required attachment and the given pool."""
    import datetime

    today = datetime.date.today()
    text = DEMO_PROGRAMME.read_text(encoding="utf-8")
    text = text.replace(
        "intake_opens = 2026-04-01", f"intake_opens = {today - datetime.timedelta(days=1)}"
    )
    text = text.replace(
        "intake_closes = 2027-03-31", f"intake_closes = {today + datetime.timedelta(days=30)}"
    )
    text = text.replace("limit_yen = 3_000_000", f"limit_yen = {limit_yen}")
    certificate = 'code = "city_tax_certificate"\nlabel = "市税の滞納がないことの証明書"\n'
    return text.replace(certificate, certificate + "required = false\n")


def sample_pdf(size: int) -> bytes:
    """A one-page PDF whose bulk is one image stream, as a scanned document's is."""
    head = (
        b"%PDF-1.4\n"
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /XObject << /Im1 4 0 R >> >> >>\nendobj\n"
    )
    tail = b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\nstartxref\n9\n%%EOF\n"
    length = max(0, size - len(head) - len(tail) - 120)
    image = (
        f"4 0 obj\n<< /Type /XObject /Subtype /Image /Width 800 /Height 600"
        f" /BitsPerComponent 8 /ColorSpace /DeviceRGB /Filter /DCTDecode /Length {length} >>"
        "\nstream\n"
    ).encode()
    payload = secrets.token_bytes(length).replace(b"endstream", b"endstreaM")
    return head + image + payload + tail


def prepare(count: int) -> tuple[list[tuple[int, str]], int, int]:
    """Applicants with sessions and drafts; returns (application id, session key) pairs."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from dxdesk.accounts.models import User
    from dxdesk.accounts.roles import Role
    from dxdesk.grants.models import Applicant, ApplicantMember, Application
    from dxdesk.programs.actions import load_program
    from dxdesk.programs.definition import parse_definition
    from dxdesk.programs.models import Track
    from dxdesk.registry.corporate_number import make_corporate_number
    from dxdesk.registry.models import Company

    limit = count * AMOUNT * 6 // 10
    load_program(parse_definition(bench_definition(limit), source="bench.toml"))
    track = Track.objects.get(program__code="demo-dx-grant", name="demo_grant")
    pairs = []
    for number in range(count):
        company = Company(
            name=f"ベンチ{number}株式会社",
            corporate_number=make_corporate_number(f"{900000000000 + number}"),
        )
        company.save()
        user = User.objects.create_user(f"bench{number}@example.jp", None)
        user.set_roles([Role.APPLICANT])
        applicant = Applicant.objects.create(
            name=company.name, corporate_number=company.corporate_number, company=company
        )
        ApplicantMember.objects.create(user=user, applicant=applicant, is_manager=True)
        application = Application.objects.create(
            track=track,
            company=company,
            applicant=applicant,
            answers={"tool_name": "クラウド会計", "eligible_cost": 1_000_000, "purpose": "電子化"},
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        pairs.append((application.pk, session.session_key))
    return pairs, track.pool.fund.pk, limit  # type: ignore[union-attr]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "DXDESK_ENV": "demo",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "ERROR",
        # Mail goes out after commit through the SMTP relay in production; not measured here.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "dxdesk.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--worker-class",
            "gthread",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--backlog",
            "2048",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=environment,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def server_cpu_seconds(master: int) -> float:
    """CPU seconds used so far by gunicorn's master and its live workers (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(stat.parent.name), int(fields[1])
        if master in (pid, parent):
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def warm_up(port: int, workers: int) -> None:
    """Load the application in every worker before the clock starts (gunicorn imports
    Django lazily in each worker on its first request)."""
    for _ in range(workers * 4):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", "/grants/", headers={"Host": "127.0.0.1"})
        connection.getresponse().read()
        connection.close()


def multipart(
    fields: dict[str, str], file_field: str, file_name: str, content: bytes
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + f"{value}\r\n".encode()
        )
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{file_name}"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Outcome:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {"upload": [], "submit": []}
        self.statuses: dict[int, int] = {}
        self.uploaded: dict[int, str] = {}  # application id → SHA-256 of what was sent
        self.received: set[int] = set()  # applications the server said it received
        self.failures: list[str] = []
        # From an applicant's scheduled arrival to its receipt, waiting for a free
        # connection included.
        self.applicant_seconds: list[float] = []

    def note(self, kind: str, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1


def applicant_flow(
    port: int,
    queue: list[tuple[float, int, str]],
    pdf: bytes,
    outcome: Outcome,
    gate: threading.Barrier,
    began: list[float],
) -> None:
    """One connection: take the next applicant whose arrival time has come, upload its
    PDF, submit, repeat. Arrivals follow the schedule whatever the server does, so a
    slow server shows as waiting time (`applicant_*` figures), not as fewer arrivals."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    csrf = secrets.token_hex(16)  # 32 characters: Django accepts an unmasked secret
    gate.wait()
    digest = hashlib.sha256(pdf).hexdigest()
    last_used = time.perf_counter()
    while True:
        with outcome.lock:
            if not queue:
                break
            arrival, application_id, session_key = queue.pop(0)
        delay = began[0] + arrival - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        if time.perf_counter() - last_used > REUSE_IDLE_S:
            connection.close()  # the next request opens a new one
        cookie = f"sessionid={session_key}; csrftoken={csrf}"
        base = f"/my/applications/{application_id}/"
        body, content_type = multipart(
            {"csrfmiddlewaretoken": csrf, "code": "quotation"}, "upload", "見積書.pdf", pdf
        )
        status, location = request(
            connection, outcome, "upload", base + "attachments/", body, content_type, cookie
        )
        if status != 302:
            last_used = time.perf_counter()
            with outcome.lock:
                outcome.failures.append(f"upload {application_id}: {status}")
            continue
        with outcome.lock:
            outcome.uploaded[application_id] = digest
        form = f"csrfmiddlewaretoken={csrf}&version=2".encode()
        status, location = request(
            connection,
            outcome,
            "submit",
            base + "submit/",
            form,
            "application/x-www-form-urlencoded",
            cookie,
        )
        last_used = time.perf_counter()
        finished = last_used - began[0]
        with outcome.lock:
            outcome.applicant_seconds.append(finished - arrival)
            if status == 302 and location.rstrip("/").endswith(
                f"/my/applications/{application_id}"
            ):
                outcome.received.add(application_id)
            else:
                outcome.failures.append(f"submit {application_id}: {status} {location}")
    connection.close()


def request(
    connection: http.client.HTTPConnection,
    outcome: Outcome,
    kind: str,
    path: str,
    body: bytes,
    content_type: str,
    cookie: str,
) -> tuple[int, str]:
    headers = {
        "Content-Type": content_type,
        "Cookie": cookie,
        "Host": "127.0.0.1",
        "Referer": "http://127.0.0.1/",
    }
    began = time.perf_counter()
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        status, location = response.status, response.getheader("Location", "")
    except (OSError, http.client.HTTPException):
        connection.close()
        status, location = 599, ""
    outcome.note(kind, time.perf_counter() - began, status)
    return status, location


def check(outcome: Outcome, fund_id: int, limit: int) -> dict[str, int]:
    from dxdesk.funds.models import Fund, RequestState
    from dxdesk.grants.models import Application, ApplicationAttachment, ApplicationState

    applications = {
        application.pk: application
        for application in Application.objects.select_related("fund_request")
    }
    # Joined rather than prefetched: SQLite refuses the prefetch's thousands of ids
    # ("Expression tree is too large").
    stored_files: dict[int, list[StoredFile]] = {}
    for attachment in ApplicationAttachment.objects.select_related("stored_file"):
        stored_files.setdefault(attachment.application_id, []).append(attachment.stored_file)
    lost = 0
    for application_id, digest in outcome.uploaded.items():
        stored = stored_files.get(application_id, [])
        if not any(
            s.sha256 == digest
            and s.path.exists()
            and hashlib.sha256(s.path.read_bytes()).hexdigest() == digest
            for s in stored
        ):
            lost += 1
    for application_id in outcome.received:
        if applications[application_id].state != ApplicationState.RECEIVED:
            lost += 1
    received = sorted(
        (a for a in applications.values() if a.receipt_number is not None),
        key=lambda a: a.receipt_number,  # type: ignore[arg-type, return-value]
    )
    violations = sum(1 for index, a in enumerate(received, 1) if a.receipt_number != index)
    violations += sum(
        1
        for before, after in itertools.pairwise(received)
        if not before.received_at < after.received_at  # type: ignore[operator]
    )
    waiting = [a.receipt_number for a in received if a.fund_request.state == RequestState.WAITING]  # type: ignore[union-attr]
    first_waiting = min(waiting) if waiting else None
    violations += sum(
        1
        for a in received
        if a.fund_request.state == RequestState.RESERVED  # type: ignore[union-attr]
        and first_waiting is not None
        and a.receipt_number > first_waiting  # type: ignore[operator]
    )
    fund = Fund.objects.get(pk=fund_id)
    reserved_yen = sum(
        a.requested_yen or 0
        for a in received
        if a.fund_request.state == RequestState.RESERVED  # type: ignore[union-attr]
    )
    return {
        "lost": lost,
        "order_violations": violations,
        "yen_over": max(0, fund.taken - limit, reserved_yen - limit),
        "stored_received": len(received),
        "reserved": sum(1 for a in received if a.fund_request.state == RequestState.RESERVED),  # type: ignore[union-attr]
        "waiting": len(waiting),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applicants", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=200)
    # The production settings recommended for two cores (README, "Serving it").
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--pdf-kb", type=int, default=200)
    parser.add_argument(
        "--window", type=float, default=60.0, help="seconds over which applicants arrive"
    )
    add_database_argument(parser)
    options = parser.parse_args()
    store = Path(tempfile.mkdtemp(prefix="dxdesk-bench-intake-files-"))
    os.environ["DXDESK_FILE_STORE"] = str(store)
    database = fresh_database(options.database, "dxdesk_bench_intake")
    print(f"preparing {options.applicants} applicants …", file=sys.stderr)
    pairs, fund_id, limit = prepare(options.applicants)
    from django.db import connections

    connections.close_all()
    set_up = resource.getrusage(resource.RUSAGE_SELF)
    set_up_cpu = set_up.ru_utime + set_up.ru_stime
    port = free_port()
    server = start_server(port, options.workers, options.threads)
    warm_up(port, options.workers)
    server_cpu_before = server_cpu_seconds(server.pid)
    pdf = sample_pdf(options.pdf_kb * 1024)
    outcome = Outcome()
    # Arrivals: evenly spread over the window (--window 0: all at once, a closed loop).
    spacing = options.window / len(pairs)
    queue = [
        (index * spacing, application_id, session_key)
        for index, (application_id, session_key) in enumerate(pairs)
    ]
    connections_used = min(options.connections, len(pairs))
    gate = threading.Barrier(connections_used + 1)
    began = [0.0]
    threads = [
        threading.Thread(target=applicant_flow, args=(port, queue, pdf, outcome, gate, began))
        for _ in range(connections_used)
    ]
    for thread in threads:
        thread.start()
    began[0] = time.perf_counter()
    gate.wait()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began[0]
    server_cpu = server_cpu_seconds(server.pid) - server_cpu_before
    client_cpu = resource.getrusage(resource.RUSAGE_SELF)
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)

    figures = check(outcome, fund_id, limit)
    everything = outcome.latencies["upload"] + outcome.latencies["submit"]
    submits = outcome.latencies["submit"]
    errors_5xx = sum(count for status, count in outcome.statuses.items() if status >= 500)
    for failure in outcome.failures[:10]:
        print(failure, file=sys.stderr)
    shutil.rmtree(store, ignore_errors=True)
    emit(
        {
            "benchmark": "intake",
            "database": options.database,
            "database_version": database,
            "applicants": len(pairs),
            "connections": connections_used,
            "gunicorn": f"{options.workers} workers × {options.threads} threads (gthread)",
            "pdf_kb": options.pdf_kb,
            "window_s": options.window,
            "seconds": round(seconds, 2),
            "accepted": len(outcome.received),
            "accepted_per_s": round(len(outcome.received) / seconds, 1),
            "p50_ms": round(percentile(everything, 0.50) * 1000, 1),
            "p95_ms": round(percentile(everything, 0.95) * 1000, 1),
            "p99_ms": round(percentile(everything, 0.99) * 1000, 1),
            "submit_p99_ms": round(percentile(submits, 0.99) * 1000, 1),
            "applicant_p50_ms": round(percentile(outcome.applicant_seconds, 0.50) * 1000, 1),
            "applicant_p99_ms": round(percentile(outcome.applicant_seconds, 0.99) * 1000, 1),
            "upload_p99_ms": round(percentile(outcome.latencies["upload"], 0.99) * 1000, 1),
            "server_cpu_ms_per_applicant": round(server_cpu * 1000 / len(pairs), 1),
            "client_cpu_ms_per_applicant": round(
                (client_cpu.ru_utime + client_cpu.ru_stime - set_up_cpu) * 1000 / len(pairs), 1
            ),
            "statuses": {str(status): count for status, count in sorted(outcome.statuses.items())},
            "errors_5xx": errors_5xx,
            "failures": len(outcome.failures),
            **figures,
            "machine": machine(),
        }
    )


if __name__ == "__main__":
    main()
