"""Re-hash every stored file: exit 0 when all are present and unchanged, 1 otherwise.

Files in the store that no row knows (left by a transaction that rolled back after
the file was stored, or by a crash between the two) are listed as warnings without
failing the check: nothing recorded was lost, and an administrator decides whether
to delete them.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dxdesk.files.models import ATTACHMENTS_DIR, StoredFile, relative_path_for
from dxdesk.files.storage import INCOMING_DIR

# An upload in progress sits in incoming/ for a moment; one older than this was abandoned.
ABANDONED_AFTER_SECONDS = 60 * 60


class Command(BaseCommand):
    help = (
        "Check every stored attachment against its SHA-256; list missing, changed and orphan files."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        store = Path(settings.FILE_STORE_DIR)
        known: set[str] = set()
        checked = missing = changed = 0
        rows = StoredFile.objects.order_by("pk").values_list(
            "pk", "storage_name", "original_name", "size", "sha256"
        )
        for pk, storage_name, original_name, size, sha256 in rows.iterator(chunk_size=2000):
            checked += 1
            known.add(storage_name)
            relative = relative_path_for(storage_name)
            where = f"#{pk} 「{original_name}」 {relative}"
            try:
                with (store / relative).open("rb") as stored:
                    actual = hashlib.file_digest(stored, "sha256").hexdigest()
                    actual_size = stored.tell()
            except FileNotFoundError:
                missing += 1
                self.stdout.write(f"missing: {where}")
                continue
            if actual != sha256 or actual_size != size:
                changed += 1
                self.stdout.write(
                    f"changed: {where} (now {actual_size} bytes, sha256 {actual}; "
                    f"recorded {size} bytes, sha256 {sha256})"
                )
        orphans = 0
        for relative in self._files_in_store(store, known):
            orphans += 1
            self.stdout.write(f"orphan (warning): {relative} has no row")
        summary = (
            f"{checked} files checked: {checked - missing - changed} intact, "
            f"{missing} missing, {changed} changed; {orphans} orphan files"
        )
        if missing or changed:
            raise CommandError(summary, returncode=1)
        self.stdout.write(summary)

    def _files_in_store(self, store: Path, known: set[str]) -> Iterator[str]:
        """Files no row accounts for, relative to the store, in sorted order."""
        attachments = store / ATTACHMENTS_DIR
        for directory, subdirectories, files in os.walk(attachments):
            subdirectories.sort()
            for name in sorted(files):
                if name not in known or relative_path_for(name) != os.path.relpath(
                    os.path.join(directory, name), store
                ):
                    yield os.path.relpath(os.path.join(directory, name), store)
        cutoff = time.time() - ABANDONED_AFTER_SECONDS
        incoming = store / INCOMING_DIR
        if incoming.is_dir():
            for entry in sorted(os.scandir(incoming), key=lambda entry: entry.name):
                if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    yield os.path.relpath(entry.path, store)
