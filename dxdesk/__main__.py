"""The `dxdesk` console script: Django's management commands for this project."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxdesk.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dxdesk", *sys.argv[1:]])


if __name__ == "__main__":
    main()
