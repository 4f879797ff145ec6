"""Sending a stored file. Only views that have already checked who may see the file call
this; this app has no view of its own."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.http import FileResponse

from dxdesk.files.models import StoredFile
from dxdesk.files.storage import open_stored

ASCII_UNSAFE = re.compile(r'[^\x20-\x7e]|["\\%;]')


def file_response(stored: StoredFile, *, as_attachment: bool = True) -> FileResponse:
    response = FileResponse(open_stored(stored), content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition(stored, as_attachment=as_attachment)
    # The type was judged from the content: the browser must not guess another, and
    # whatever it renders runs with no script, no plugins and no origin of ours.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def content_disposition(stored: StoredFile, *, as_attachment: bool = True) -> str:
    """The name twice (RFC 6266): an ASCII stand-in for old clients, then the real name
    in UTF-8 (RFC 5987 `filename*`), which every current browser prefers."""
    disposition = "attachment" if as_attachment else "inline"
    stem, _dot, extension = stored.original_name.rpartition(".")
    ascii_stem = ASCII_UNSAFE.sub("_", stem).strip("_ ") or f"file-{stored.pk}"
    fallback = f"{ascii_stem}.{extension}"
    return (
        f'{disposition}; filename="{fallback}"; '
        f"filename*=UTF-8''{quote(stored.original_name, safe='')}"
    )
