"""With a clamd socket configured every upload is streamed to clamd (INSTREAM) and
refused when it finds a virus or cannot be asked. A small server in a thread speaks the
protocol as clamd does and checks the framing it receives."""

from __future__ import annotations

import shutil
import socketserver
import struct
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import pytest
from django.test import override_settings

from dxdesk.files import scanning
from dxdesk.files.content import RefusalCode
from dxdesk.files.models import StoredFile
from dxdesk.files.storage import UploadRefused, store_upload
from dxdesk.files.tests import samples
from dxdesk.files.tests.samples import upload


@dataclass
class Clamd:
    socket_path: str
    reply_with: bytes | None = None  # None: judge the stream as clamd would
    streams: list[list[bytes]] = field(default_factory=list)


class ClamdHandler(socketserver.StreamRequestHandler):
    server: ClamdServer

    def handle(self) -> None:
        command = b""
        while not command.endswith(b"\0"):
            command += self.rfile.read(1)
        assert command == b"zINSTREAM\0", command
        chunks: list[bytes] = []
        while True:
            (length,) = struct.unpack("!I", self.rfile.read(4))
            if length == 0:
                break
            chunks.append(self.rfile.read(length))
        self.server.clamd.streams.append(chunks)
        if self.server.clamd.reply_with is not None:
            reply = self.server.clamd.reply_with
        elif samples.EICAR in b"".join(chunks):
            reply = b"stream: Eicar-Test-Signature FOUND\0"
        else:
            reply = b"stream: OK\0"
        self.wfile.write(reply)


class ClamdServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    clamd: Clamd


@pytest.fixture
def clamd() -> Iterator[Clamd]:
    # A short directory: a Unix socket path may not exceed 107 bytes.
    directory = tempfile.mkdtemp(prefix="clamd-")
    socket_path = str(Path(directory) / "clamd.sock")
    server = ClamdServer(socket_path, ClamdHandler)
    server.clamd = Clamd(socket_path)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.clamd
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(directory)


def test_it_streams_the_file_in_length_prefixed_chunks(clamd: Clamd) -> None:
    content = b"0123456789" * 10
    assert scanning.scan(BytesIO(content), clamd.socket_path, chunk_bytes=40) is None
    assert clamd.streams == [[content[:40], content[40:80], content[80:]]]


def test_it_names_the_signature_clamd_finds(clamd: Clamd) -> None:
    assert scanning.scan(BytesIO(samples.EICAR), clamd.socket_path) == "Eicar-Test-Signature"


def test_it_fails_when_clamd_answers_without_a_verdict(clamd: Clamd) -> None:
    clamd.reply_with = b"INSTREAM size limit exceeded. ERROR\0"
    with pytest.raises(scanning.ScanFailed, match="size limit exceeded"):
        scanning.scan(BytesIO(b"data"), clamd.socket_path)


@pytest.mark.django_db
def test_it_keeps_a_clean_upload_it_scanned(clamd: Clamd) -> None:
    content = samples.pdf()
    with override_settings(CLAMD_SOCKET=clamd.socket_path):
        stored = store_upload(upload("決算書.pdf", content))
    assert stored.path.read_bytes() == content
    assert b"".join(clamd.streams[0]) == content


@pytest.mark.django_db
def test_it_refuses_an_upload_carrying_a_virus(clamd: Clamd) -> None:
    infected = samples.pdf(catalog_extra=b"/Info << /Comment (" + samples.EICAR + b") >>")
    with override_settings(CLAMD_SOCKET=clamd.socket_path), pytest.raises(UploadRefused) as raised:
        store_upload(upload("決算書.pdf", infected))
    assert raised.value.code == RefusalCode.INFECTED
    assert str(raised.value) == "「決算書.pdf」: ウイルスが検出されました（Eicar-Test-Signature）。"
    assert not StoredFile.objects.exists()


@pytest.mark.django_db
def test_it_refuses_uploads_while_clamd_cannot_be_reached(tmp_path: Path) -> None:
    nobody_listens = str(tmp_path / "nobody-listens.sock")
    with override_settings(CLAMD_SOCKET=nobody_listens), pytest.raises(UploadRefused) as raised:
        store_upload(upload("決算書.pdf", samples.pdf()))
    assert raised.value.code == RefusalCode.SCAN_FAILED
    assert raised.value.reason == (
        "ウイルス検査ができなかったため受け付けられませんでした。"
        "しばらくしてからもう一度お試しください。"
    )
    assert not StoredFile.objects.exists()


@pytest.mark.django_db
def test_it_refuses_uploads_when_clamd_gives_no_verdict(clamd: Clamd) -> None:
    clamd.reply_with = b"INSTREAM size limit exceeded. ERROR\0"
    with override_settings(CLAMD_SOCKET=clamd.socket_path), pytest.raises(UploadRefused) as raised:
        store_upload(upload("決算書.pdf", samples.pdf()))
    assert raised.value.code == RefusalCode.SCAN_FAILED
