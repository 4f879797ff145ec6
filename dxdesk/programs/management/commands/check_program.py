from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dxdesk.programs.definition import InvalidDefinition, load_definition, summary


class Command(BaseCommand):
    help = (
        "Validate programme definition files without loading them. Prints one line per "
        "problem, FILE:LINE: key.path: message, and exits with status 2 if any file is "
        "invalid; for a valid file, lists the placeholders still to be filled."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        invalid = False
        for path in options["files"]:
            try:
                definition = load_definition(path)
            except OSError as error:
                self.stderr.write(f"{path}: cannot read: {error.strerror or error}")
                invalid = True
                continue
            except InvalidDefinition as error:
                self.stderr.write(error.report())
                invalid = True
                continue
            self.stdout.write(f"{path}: {definition.code} is valid: {summary(definition)}")
            for placeholder in definition.placeholders:
                where = f"{path}:{placeholder.line}: {placeholder.path}"
                self.stdout.write(f"{where}: placeholder: {placeholder.note}")
        if invalid:
            raise SystemExit(2)
