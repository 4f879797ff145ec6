"""The anchor for 名寄せ: Splink 5 (DuckDB backend) on the same generated data as dxdesk.

Splink is not a dependency of dxdesk; run this in a throwaway environment:

    python3 -m venv /tmp/splink-env && /tmp/splink-env/bin/pip install "splink==5.*"
    .venv/bin/python bench/dedupe.py --rows 50000 --write-data /tmp/dedupe-50k
    /tmp/splink-env/bin/python bench/splink_anchor.py --data /tmp/dedupe-50k

Splink gets the keys dxdesk compares (name_key, reading, phone digits, street address
without building, ward, valid 法人番号), worked out in advance by bench/dedupe.py, so that
both sides see the same normalisation; the time to work them out is not in Splink's figure.
The model: exact-or-fuzzy comparisons for each key, term frequencies on the name, u from
random sampling, m by expectation maximisation under three blocking rules, predictions
from five blocking rules. Clusters are connected components at a match probability chosen
with the labels for the best F1, which flatters Splink: dxdesk chooses nothing with them.
"""

from __future__ import annotations

import argparse
import csv
import logging
import resource
import time
from pathlib import Path

import duckdb
import splink
import splink.comparison_level_library as levels
import splink.comparison_library as comparisons
from benchsupport import emit, machine
from dedupe import pairwise_scores, read_pairs
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

KEY_COLUMNS = ("corporate_number", "name_key", "kana_key", "phone_key", "street", "ward")
THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9999)


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            comparisons.ExactMatch("corporate_number"),
            comparisons.CustomComparison(
                output_column_name="name_key",
                comparison_levels=[
                    levels.NullLevel("name_key"),
                    levels.ExactMatchLevel("name_key", term_frequency_adjustments=True),
                    levels.JaroWinklerLevel("name_key", 0.92),
                    levels.JaroWinklerLevel("name_key", 0.8),
                    levels.JaroWinklerLevel("name_key", 0.6),
                    levels.ElseLevel(),
                ],
            ),
            comparisons.JaroWinklerAtThresholds("kana_key", [0.92, 0.8]),
            comparisons.ExactMatch("phone_key"),
            comparisons.LevenshteinAtThresholds("street", [1, 3]),
            comparisons.ExactMatch("ward"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("corporate_number"),
            block_on("phone_key"),
            block_on("name_key"),
            block_on("street"),
            block_on("kana_key", "ward"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def link(keys_csv: Path, u_pairs: float) -> tuple[duckdb.DuckDBPyConnection, Linker]:
    """Load the keys, train the model; returns the connection and the trained linker."""
    connection = duckdb.connect()
    # Splink's null levels need NULL, not the empty strings of the CSV.
    blanks_as_null = ", ".join(f"nullif({column}, '') AS {column}" for column in KEY_COLUMNS)
    load = f"CREATE TABLE companies AS SELECT unique_id, {blanks_as_null} "
    connection.execute(
        load + "FROM read_csv(?, all_varchar = true, header = true)", [str(keys_csv)]
    )
    database = DuckDBAPI(connection)
    linker = Linker(database.register("companies"), settings(), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("corporate_number"), block_on("name_key", "phone_key")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=1)
    for rule in (block_on("phone_key"), block_on("name_key"), block_on("street")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    return connection, linker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--data", type=Path, required=True, help="a bench/dedupe.py --write-data DIR"
    )
    parser.add_argument(
        "--u-pairs", type=float, default=1e6, help="pairs sampled to estimate u (Splink: 1e7–1e9)"
    )
    options = parser.parse_args()
    truth = read_pairs(options.data / "truth.csv", "entity_id")

    started = time.perf_counter()
    _connection, linker = link(options.data / "keys.csv", options.u_pairs)
    trained = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=min(THRESHOLDS))
    predicted = time.perf_counter()

    by_threshold: dict[float, dict[str, float | int]] = {}
    cluster_seconds = 0.0
    for threshold in THRESHOLDS:
        clustering_started = time.perf_counter()
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        )
        rows = clusters.as_duckdbpyrelation().select("unique_id, cluster_id").fetchall()
        cluster_seconds = time.perf_counter() - clustering_started
        by_threshold[threshold] = pairwise_scores(
            {str(unique_id): str(cluster_id) for unique_id, cluster_id in rows}, truth
        )
    best = max(by_threshold, key=lambda threshold: by_threshold[threshold]["f1"])
    seconds = predicted - started + cluster_seconds  # one clustering, not the whole sweep

    with (options.data / "splink-thresholds.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("threshold", "precision", "recall", "f1"))
        for threshold, scores in by_threshold.items():
            writer.writerow((threshold, scores["precision"], scores["recall"], scores["f1"]))
    emit(
        {
            "benchmark": "dedupe-splink",
            "splink": splink.__version__,
            "duckdb": duckdb.__version__,
            "rows": len(truth),
            "seconds": round(seconds, 2),
            "train_seconds": round(trained - started, 2),
            "predict_seconds": round(predicted - trained, 2),
            "cluster_seconds": round(cluster_seconds, 2),
            "threshold": best,
            "u_pairs": options.u_pairs,
            **by_threshold[best],
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            **machine(),
        }
    )


if __name__ == "__main__":
    main()
