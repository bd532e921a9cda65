"""The Evaluate page's results: on screen a row per metric and a column per generator, with what each metric
means; as CSV a row per generator and one number per column, which a spreadsheet opens as it is."""

from __future__ import annotations

import csv
import io

from gan_core.evaluation.evaluate_run import RunEvaluation, evaluation_numbers, evaluation_rows

HIDDEN = ("features", "samples")  # said once above the table instead of in every column
MEANING = "what it means"


def results_table(results: list[tuple[str, RunEvaluation]], hidden: tuple[str, ...] = HIDDEN) -> list[dict[str, str]]:
    """[{"metric": name, label: value, ..., MEANING: one line}, ...] in the order the first result lists them."""
    table: dict[str, dict[str, str]] = {}
    for label, result in results:
        for name, value, meaning in evaluation_rows(result):
            table.setdefault(name, {MEANING: meaning})[label] = value
    return [{"metric": name, **{label: values.get(label, "—") for label, _ in results}, MEANING: values[MEANING]}
            for name, values in table.items() if name not in hidden]  # fmt: skip


def results_csv(results: list[tuple[str, RunEvaluation]]) -> str:
    """A row per generator: its label, then every metric as a number in its own column (empty where a generator
    has no such metric); ASCII headers."""
    rows = [{"generator": label, **evaluation_numbers(result)} for label, result in results]
    columns = list(dict.fromkeys(k for row in rows for k in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in row.items()})
    return out.getvalue()
