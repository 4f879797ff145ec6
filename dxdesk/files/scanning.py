"""Asking clamd whether a file carries a known virus: its INSTREAM command over the Unix
socket, with the standard library only.

The protocol: `zINSTREAM\\0`, then the file in chunks each preceded by its length as a
4-byte big-endian number, then a zero length; clamd answers `stream: OK\\0` or
`stream: <signature> FOUND\\0` (or `... ERROR\\0`, e.g. over its StreamMaxLength).
"""

from __future__ import annotations

import socket
import struct
from typing import IO

CHUNK_BYTES = 64 * 1024
REPLY_MAX_BYTES = 4096


class ScanFailed(Exception):
    """clamd could not be reached or gave no verdict: the upload must not be accepted."""


def scan(
    file: IO[bytes], socket_path: str, *, timeout: float = 60.0, chunk_bytes: int = CHUNK_BYTES
) -> str | None:
    """The name of the signature clamd finds in the file, or None when it finds none."""
    file.seek(0)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(timeout)
            connection.connect(socket_path)
            connection.sendall(b"zINSTREAM\0")
            try:
                while chunk := file.read(chunk_bytes):
                    connection.sendall(struct.pack("!I", len(chunk)))
                    connection.sendall(chunk)
                connection.sendall(struct.pack("!I", 0))
            except (BrokenPipeError, ConnectionResetError):
                # clamd hangs up on a stream over its limit after saying so: read that.
                pass
            reply = _read_reply(connection)
    except OSError as error:
        raise ScanFailed(f"clamd at {socket_path}: {error}") from error
    return verdict(reply)


def _read_reply(connection: socket.socket) -> bytes:
    reply = b""
    while b"\0" not in reply and len(reply) < REPLY_MAX_BYTES:
        received = connection.recv(REPLY_MAX_BYTES)
        if not received:
            break
        reply += received
    return reply


def verdict(reply: bytes) -> str | None:
    text = reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
    if text == "stream: OK":
        return None
    if text.startswith("stream: ") and text.endswith(" FOUND"):
        return text.removeprefix("stream: ").removesuffix(" FOUND")
    raise ScanFailed(f"clamd gave no verdict: {text!r}" if text else "clamd closed without reply")
