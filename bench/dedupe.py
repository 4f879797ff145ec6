"""名寄せ accuracy and speed: a generated call list with known duplicates, end to end.

python bench/dedupe.py [--rows 50000] [--seed 7]
python bench/dedupe.py --rows 50000 --write-data DIR   # the files bench/splink_anchor.py reads

The list is written as CSV first; the timed part reads that file (as `dxdesk
dedupe_companies --input` does), finds the duplicates, clusters them and writes the clusters
CSV, in a fresh process so that its peak memory is its own. Pairwise precision, recall and
F1 are counted against the generator's entity_id: a pair of rows is a true pair when both
describe the same company.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from benchsupport import ROOT, emit, machine


def _setup_django() -> None:
    os.environ["DXDESK_ENV"] = "test"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dxdesk.settings")
    import django

    django.setup()


def _generate(rows: int, seed: int, directory: Path) -> tuple[Path, Path]:
    from dxdesk.registry.synthetic import iter_companies, write_csv, write_truth

    call_list, truth = directory / "call-list.csv", directory / "truth.csv"
    write_csv(iter_companies(rows, seed=seed), call_list)
    write_truth(iter_companies(rows, seed=seed), truth)
    return call_list, truth


def pairwise_scores(clusters: dict[str, str], truth: dict[str, str]) -> dict[str, float | int]:
    """Precision, recall and F1 over pairs of rows, from cluster and entity sizes alone."""

    def pairs(counts: Counter[object]) -> int:
        return sum(count * (count - 1) // 2 for count in counts.values())

    predicted = pairs(Counter(clusters.values()))
    actual = pairs(Counter(truth.values()))
    correct = pairs(Counter((clusters[ref], truth[ref]) for ref in truth))
    precision = correct / predicted if predicted else 1.0
    recall = correct / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "true_pairs": actual,
        "predicted_pairs": predicted,
        "correct_pairs": correct,
        "wrong_pairs": predicted - correct,
        "missed_pairs": actual - correct,
        "precision": round(precision, 6),
        "recall": round(recall, 6),
        "f1": round(f1, 6),
    }


def read_pairs(path: Path, key: str) -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["ref"]: row[key] for row in csv.DictReader(handle)}


def run(call_list: Path, truth: Path, out: Path) -> dict[str, object]:
    """The timed part, in this process: read, match, cluster, write; then score."""
    _setup_django()
    from dxdesk.registry.importing import read_table
    from dxdesk.registry.management.commands.dedupe_companies import write_clusters
    from dxdesk.registry.matching import (
        cluster,
        find_duplicates,
        paused_garbage_collection,
        records_from_table,
    )

    sampler = MemorySampler()
    sampler.start()
    # The steps of matching.read_call_list, timed one by one.
    with paused_garbage_collection():
        started = time.perf_counter()
        table = read_table(call_list)
        read_seconds = time.perf_counter() - started
        records = records_from_table(table)
        keyed_seconds = time.perf_counter() - started
        matches = find_duplicates(records)
        clusters = cluster(records, matches)
        write_clusters(records, clusters, out)
        seconds = time.perf_counter() - started

    figures: dict[str, object] = {
        "rows": len(records),
        "seconds": round(seconds, 2),
        "read_seconds": round(read_seconds, 2),
        "keys_seconds": round(keyed_seconds - read_seconds, 2),
        "match_seconds": round(seconds - keyed_seconds, 2),
        "matches": len(matches),
    }
    figures |= pairwise_scores(read_pairs(out, "cluster"), read_pairs(truth, "entity_id"))
    # The key workers are forked and share much of this process's memory, so their peak
    # resident sizes (ru_maxrss, KiB) overlap with it; peak_mb is the proportional set size
    # of this process and its workers together, sampled every 0.2 s.
    figures["peak_mb"] = round(sampler.stop() / 1024)
    figures["process_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    figures["worker_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    )
    return figures


class MemorySampler(threading.Thread):
    """The largest total Pss (KiB) of this process and its children, sampled in a thread."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.2):
            self.sample()

    def sample(self) -> None:
        pid = os.getpid()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        total = sum(_pss(process) for process in [str(pid), *children])
        self.peak = max(self.peak, total)

    def stop(self) -> int:
        self.sample()
        self.stopping.set()
        self.join()
        return self.peak


def _pss(process: str) -> int:
    try:
        rollup = Path(f"/proc/{process}/smaps_rollup").read_text()
    except OSError:  # the worker has just exited
        return 0
    return next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))


def write_data(rows: int, seed: int, directory: Path) -> None:
    """The call list, its truth and the same keys dxdesk compares, for the Splink anchor."""
    _setup_django()
    from dxdesk.registry.importing import read_table
    from dxdesk.registry.matching import records_from_table

    directory.mkdir(parents=True, exist_ok=True)
    call_list, _truth = _generate(rows, seed, directory)
    records = records_from_table(read_table(call_list))
    with (directory / "keys.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ("unique_id", "corporate_number", "name_key", "kana_key", "phone_key", "street", "ward")
        )
        for index in range(len(records)):
            writer.writerow(
                (
                    records.identifiers[index],
                    records.corporate_numbers[index],
                    records.name_keys[index],
                    records.reading(index),
                    records.phone_keys[index],
                    records.streets[index],
                    records.wards[index],
                )
            )
    print(f"{rows:,} rows, truth and keys written to {directory}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write-data", type=Path, metavar="DIR")
    parser.add_argument("--run", nargs=3, type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.run:
        print(json.dumps(run(*options.run)))
        return
    if options.write_data:
        write_data(options.rows, options.seed, options.write_data)
        return

    _setup_django()
    directory = Path(tempfile.mkdtemp(prefix="dxdesk-dedupe-"))
    call_list, truth = _generate(options.rows, options.seed, directory)
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, __file__, "--run", call_list, truth, directory / "clusters.csv"],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    process_seconds = time.perf_counter() - started
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    emit(
        {
            "benchmark": "dedupe",
            **figures,
            "process_seconds": round(process_seconds, 2),
            "seed": options.seed,
            **machine(),
        }
    )


if __name__ == "__main__":
    main()
