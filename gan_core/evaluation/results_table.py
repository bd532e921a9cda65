"""The Evaluate page's results as one table, for the screen and as CSV: a row per metric, a column per generator."""

from __future__ import annotations

import csv
import io

from gan_core.evaluation.evaluate_run import RunEvaluation, evaluation_rows

HIDDEN = ("features", "samples")  # said once above the table instead of in every column


def results_table(results: list[tuple[str, RunEvaluation]], hidden: tuple[str, ...] = HIDDEN) -> list[dict[str, str]]:
    """[{"metric": name, label: value, ...}, ...] in the order the first result lists its metrics."""
    table: dict[str, dict[str, str]] = {}
    for label, result in results:
        for name, value in evaluation_rows(result):
            table.setdefault(name, {})[label] = value
    return [{"metric": name, **{label: values.get(label, "—") for label, _ in results}}
            for name, values in table.items() if name not in hidden]  # fmt: skip


def results_csv(results: list[tuple[str, RunEvaluation]]) -> str:
    """Every metric of every result, features and N included, as CSV (a spreadsheet opens it as it is)."""
    rows = results_table(results, hidden=())
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["metric"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
