"""The Evaluate page's results: the table and CSV, class histograms, memorisation pairs, and quality over steps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from gan_core.data import DATASETS
from gan_core.errors import PlaygroundError
from gan_core.evaluation.evaluate_run import EvaluationRequest, checkpoint_sweep, evaluate_run
from gan_core.evaluation.results_table import results_csv, results_table
from gan_core.evaluation.uploaded import UploadedImages, images_for_scoring
from gan_core.pictures.charts import class_histogram_figure, metric_figure, quality_figure
from gan_core.pictures.render import paired_tiles
from gan_core.runs.store import RunStore
from pages.ui.resources import dataset, import_limits
from pages.ui.tables import markdown_table


@st.cache_data(show_spinner="Reading your images…", max_entries=4)
def _scored(files: tuple[tuple[str, bytes], ...], shape: tuple[int, int, int]) -> UploadedImages:
    return images_for_scoring(list(files), shape, import_limits())


def scored_uploads(uploads: list, shape: tuple[int, int, int]) -> UploadedImages:
    """Uploaded generated images in the dataset's shape, with the importer's report (decoded once per upload)."""
    return _scored(tuple((f.name, f.getvalue()) for f in uploads), tuple(shape))


def run_evaluation(request: EvaluationRequest, images: np.ndarray | None = None):
    """Evaluate with a progress bar; None, with the error shown, when it cannot be done."""
    bar = st.progress(0.0, text="starting")
    try:
        result = evaluate_run(request, lambda f, text: bar.progress(min(1.0, f), text=text), images=images)
    except (PlaygroundError, FileNotFoundError, ValueError) as exc:
        bar.empty()
        st.error(str(exc))
        return None
    bar.empty()
    return result


def show_results(results: list, data_name: str) -> None:
    features = {r.report.features for _, r in results}
    st.subheader("Results")
    st.caption(f"Features: {' / '.join(sorted(features))} · N={results[0][1].report.n_fake:,} samples each")
    st.markdown(markdown_table(results_table(results)))
    st.download_button("Download CSV", results_csv(results), "evaluation.csv", "text/csv", on_click="ignore",
                       help="Every metric of every generator, with the features and N, for a spreadsheet.")
    for warning in {w for _, r in results for w in r.report.warnings}:
        st.warning(warning)
    real = dataset(data_name, "bundled").split("train")
    real_share = list(np.bincount(real.labels, minlength=len(real.info.class_names)) / len(real))
    columns = st.columns(len(results))
    for column, (label, result) in zip(columns, results, strict=True):
        with column:
            st.markdown(f"**{label}**")
            if result.report.coverage is not None:
                figure = class_histogram_figure(result.report.coverage.histogram, real.info.class_names, real_share)
                st.plotly_chart(figure, key=f"hist-{label}")
            if len(result.neighbours):
                st.caption("Memorisation check: each sample (left of a pair) beside its nearest training image "
                           "(right), with their mean pixel difference (0-255; near 0 would be a copy)")  # fmt: skip
                st.image(paired_tiles(result.samples[:16], result.neighbours[:16], columns=4 if len(columns) == 1
                                       else 2), width="stretch")  # fmt: skip


def quality_over_steps(chosen: str, data_name: str, seed: int) -> None:
    """A run's live FID curve, and FID of every kept checkpoint on request."""
    store = RunStore(Path(chosen))
    evals = store.read_evals()
    with st.expander("Quality against training step", expanded=bool(evals)):
        if evals:
            best = store.read_best()
            st.plotly_chart(
                quality_figure(evals, f"the {DATASETS[data_name].title} classifier",
                               best["step"] if best else None), key="live-quality",
            )  # fmt: skip
            st.caption("Recorded live during training, at the small N named on the chart.")
        if store.checkpoint_steps():
            sweep_n = st.select_slider("Samples per checkpoint", [500, 1000, 2000], value=1000, key="sweep_n")
            if st.button("Score every kept checkpoint"):
                bar = st.progress(0.0)
                try:
                    points = checkpoint_sweep(Path(chosen), data_name, int(sweep_n), int(seed),
                                              lambda f, text: bar.progress(min(1.0, f), text=text))  # fmt: skip
                except (PlaygroundError, FileNotFoundError, ValueError) as exc:
                    st.error(str(exc))
                else:
                    st.session_state["sweep"] = (chosen, int(sweep_n), [(p.step, p.fid) for p in points])
                bar.empty()
            sweep = st.session_state.get("sweep")
            if sweep and sweep[0] == chosen:
                st.plotly_chart(metric_figure(sweep[2], f"FID (N={sweep[1]:,})", "FID of each kept checkpoint"),
                                key="sweep-chart")  # fmt: skip
        elif not evals:
            st.caption("This run keeps no checkpoints or live evaluations to plot.")
