from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.urls import reverse

from dxdesk.registry.duplicates import propose_registry_duplicates
from dxdesk.registry.importing import UnreadableFile
from dxdesk.registry.matching import (
    Clusters,
    CompanyRecords,
    find_duplicates,
    paused_garbage_collection,
    read_call_list,
    records_from_registry,
)
from dxdesk.registry.models import Company

CLUSTER_HEADER = ("ref", "cluster", "score", "reason")
PAIR_HEADER = ("company_id", "name", "other_company_id", "other_name", "score", "reason")


class Command(BaseCommand):
    help = (
        "名寄せ: find the rows of a call list that are the same company (before it is "
        "imported), or propose pairs of stored companies to review. Writes nothing to the "
        "database unless --save is given with --registry."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument(
            "--input", type=Path, help="a call list in any import format (CSV, .xlsx, NTA bulk)"
        )
        source.add_argument(
            "--registry", action="store_true", help="compare the companies already stored"
        )
        parser.add_argument("--out", type=Path, help="CSV to write; standard output if absent")
        parser.add_argument(
            "--save",
            action="store_true",
            help="with --registry: keep the pairs for the review pages (/staff/companies/"
            "duplicates/); a pair decided 'not the same' is never proposed again",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path | None = options["out"]
        if options["save"] and not options["registry"]:
            raise CommandError("--save keeps pairs of stored companies: use it with --registry")
        if options["registry"]:
            proposal = None
            if options["save"]:
                records, matches, proposal = propose_registry_duplicates()
            else:
                with paused_garbage_collection():
                    records = records_from_registry(Company.objects.current())
                    matches = find_duplicates(records)
            with _output(out, self.stdout, self.stderr) as handle:
                writer = csv.writer(handle)
                writer.writerow(PAIR_HEADER)
                for first, second, score, reason in matches:
                    writer.writerow(
                        (
                            records.identifiers[first],
                            records.labels[first],
                            records.identifiers[second],
                            records.labels[second],
                            f"{score:.2f}",
                            reason,
                        )
                    )
            self.stderr.write(f"名寄せ: 登録済み {len(records):,} 社、確認候補 {len(matches):,} 組")
            if proposal is not None:
                self.stderr.write(
                    f"保存: 新規 {proposal.created:,} 組、確認待ち {proposal.still_open:,} 組、"
                    f"判断済みのため提案しない {proposal.decided_before:,} 組"
                    f"（確認: {reverse('registry:duplicate_list')}）"
                )
            return

        path: Path = options["input"]
        try:
            records, clusters = read_call_list(path)
        except UnreadableFile as error:
            self.stderr.write(str(error))
            sys.exit(2)
        with _output(out, self.stdout, self.stderr) as handle:
            _write_rows(records, clusters, handle)
        repeated = sum(len(rows) for rows in clusters.groups())
        companies = len(set(clusters.cluster_of))
        self.stderr.write(
            f"名寄せ: {path.name} {len(records):,} 行 → {companies:,} 社"
            f"（重複のある行 {repeated:,}）"
        )


@contextmanager
def _output(
    out: Path | None, standard: OutputWrapper, errors: OutputWrapper
) -> Iterator[TextIO | OutputWrapper]:
    if out is None:
        yield standard
        return
    try:
        # With a BOM, so that Excel on Japanese Windows opens it as UTF-8.
        handle = out.open("w", encoding="utf-8-sig", newline="")
    except OSError as error:
        errors.write(f"{out}: 書き込めません（{error.strerror}）")
        sys.exit(2)
    with handle:
        yield handle


def write_clusters(records: CompanyRecords, clusters: Clusters, out: Path) -> None:
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        _write_rows(records, clusters, handle)


def _write_rows(
    records: CompanyRecords, clusters: Clusters, handle: TextIO | OutputWrapper
) -> None:
    """One line per input row: its ref, its cluster and why it joined it."""
    writer = csv.writer(handle)
    writer.writerow(CLUSTER_HEADER)
    identifiers = records.identifiers
    for index, number in enumerate(clusters.cluster_of):
        score = clusters.scores[index]
        partner = clusters.partners[index]
        if score is None or partner is None:
            writer.writerow((identifiers[index], number, "", records.notes.get(index, "")))
        else:
            reason = f"{clusters.reasons[index]}（{identifiers[partner]}）"
            writer.writerow((identifiers[index], number, f"{score:.2f}", reason))
