from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dxdesk.accounts.models import User
from dxdesk.programs.actions import ProgramConflict, load_program
from dxdesk.programs.definition import InvalidDefinition, load_definition, summary


class Command(BaseCommand):
    help = (
        "Create or update a programme from its definition file, in one transaction. "
        "Exits with status 2 if the file is invalid and 1 if the update contradicts "
        "recorded data, printing one line per problem: FILE:LINE: key.path: message."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE")
        parser.add_argument("--by", metavar="EMAIL", help="the staff member loading the file")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        by = None
        if options["by"]:
            by = User.objects.filter(email__iexact=options["by"]).first()
            if by is None:
                raise CommandError(f"no user has the email address {options['by']}")
        try:
            definition = load_definition(path)
        except OSError as error:
            self.stderr.write(f"{path}: cannot read: {error.strerror or error}")
            raise SystemExit(2) from error
        except InvalidDefinition as error:
            self.stderr.write(error.report())
            raise SystemExit(2) from error
        try:
            outcome = load_program(definition, by=by)
        except ProgramConflict as conflict:
            self.stderr.write(f"{path}: refused: the update contradicts recorded data")
            for problem in conflict.errors:
                self.stderr.write(f"{path}:{problem}")
            raise SystemExit(1) from conflict
        program = outcome.program
        self.stdout.write(
            f"{path}: {program.code} {outcome.status} "
            f"(revision {program.revision}, {summary(definition)})"
        )
