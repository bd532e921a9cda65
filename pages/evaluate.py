"""Evaluate: how good is a generator? FID, KID, precision/recall, diversity, classes, copies, D's verdict."""

from pathlib import Path

import numpy as np
import streamlit as st

from gan_core.data import DATASETS
from gan_core.errors import PlaygroundError
from gan_core.evaluation.evaluate_run import FLOOR, EvaluationRequest, checkpoint_sweep, evaluate_run
from gan_core.evaluation.features import INCEPTION_HANDLE
from gan_core.evaluation.results_table import results_csv, results_table
from gan_core.evaluation.uploaded import images_for_scoring
from gan_core.models.hub import cached_path
from gan_core.pictures.charts import class_histogram_figure, metric_figure, quality_figure
from gan_core.runs.bundled import bundled_runs
from gan_core.runs.store import RunStore, list_runs
from pages.ui.images import show_grid
from pages.ui.navigation import ensure_app_navigation
from pages.ui.resources import dataset, settings
from pages.ui.tables import markdown_table

ensure_app_navigation()

EVALUATED = ("mnist", "fashion_mnist", "emoji")  # datasets with a shipped domain classifier (offline features)
UPLOAD = "upload"  # the generator choice that means "images a person uploads"
inception_here = cached_path(INCEPTION_HANDLE) is not None  # fetched before: Inception works offline

st.title("Evaluate a generator")
st.caption(
    "Scores are computed on this project's domain classifiers (offline)"
    + (" or on Inception (TF-GAN's FID network, in this machine's cache)" if inception_here else "")
    + ". Numbers on different features, or at different sample counts N, are not comparable: every result names "
    "both."
)


def choices() -> dict[str, str]:
    """label -> run folder (or FLOOR): shipped runs first, then this server's runs."""
    shipped = bundled_runs()
    found = {f"{b.name} (shipped)": str(b.path) for b in shipped}
    same = {b.name: RunStore(b.path).summary().step for b in shipped}  # an opened demo, not trained on: listed once
    found |= {f"{r.name} ({r.state}, step {r.step:,})": str(r.path) for r in list_runs(settings().runs_dir)
              if same.get(r.name) != r.step}  # fmt: skip
    found["Real test images (the floor)"] = FLOOR
    found["Your generated images (upload files or a zip)"] = UPLOAD
    return found


def run_dataset(folder: str) -> str:
    if folder in (FLOOR, UPLOAD):
        return "mnist"
    try:
        name = RunStore(Path(folder)).read_config().train.dataset
    except (OSError, ValueError):
        return "mnist"
    return name if name in EVALUATED else "mnist"


def run_evaluation(request: EvaluationRequest, images: np.ndarray | None = None):
    bar = st.progress(0.0, text="starting")
    try:
        result = evaluate_run(request, lambda f, text: bar.progress(min(1.0, f), text=text), images=images)
    except (PlaygroundError, FileNotFoundError, ValueError) as exc:
        bar.empty()
        st.error(str(exc))
        return None
    bar.empty()
    return result


options = choices()
labels = list(options)
left, right = st.columns(2)
first = left.selectbox("Generator", labels, key="eval_run")
second = right.selectbox("Compare with (optional)", ["—", *labels], key="eval_compare")
uploads = []
if UPLOAD in (options[first], options.get(second)):
    uploads = st.file_uploader("Generated images, from any tool: image files or a zip of them", key="eval_uploads",
                               accept_multiple_files=True, type=["png", "jpg", "jpeg", "webp", "bmp", "gif", "zip"],
                               help="Resized to the dataset's size; unreadable files are skipped and listed.") or []
features = "domain"
if inception_here:
    features = st.radio("Features", ["domain", "inception"], horizontal=True, key="eval_features",
                        format_func={"domain": "This project's domain classifier",
                                     "inception": "Inception (the network behind published FIDs)"}.get)  # fmt: skip
data_name = st.selectbox(
    "Dataset", EVALUATED, index=EVALUATED.index(run_dataset(options[first])), format_func=lambda n: DATASETS[n].title
)
a, b = st.columns(2)
n = a.select_slider("Samples (N)", [500, 1000, 2000, 5000, 10000], value=2000,
                    help="FID is biased upward at small N: compare only at equal N.")  # fmt: skip
seed = b.number_input("Seed", 0, 2**31 - 1, 0)
if n < 2000:
    st.warning(f"At N={n:,} FID's upward bias is large: compare only with results at N={n:,}.")

if st.button("Evaluate", type="primary"):
    results = []
    for label in [first] + ([second] if second != "—" else []):
        images = None
        if options[label] == UPLOAD:
            scored = images_for_scoring([(f.name, f.getvalue()) for f in uploads], DATASETS[data_name].image_shape,
                                        settings().limits.import_limits)  # fmt: skip
            for line in scored.report.lines()[:20]:
                st.caption(line)
            if scored.problem:
                st.error(scored.problem)
                break
            images, label = scored.images, f"your images ({len(scored.images):,})"
        result = run_evaluation(EvaluationRequest(options[label] if images is None else label, data_name, int(n),
                                                  int(seed), features=features), images)  # fmt: skip
        if result is None:
            break
        results.append((label, result))
    else:
        st.session_state["eval_results"] = results

results = st.session_state.get("eval_results", [])
if results:
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
                st.caption("Memorisation check: each sample (left) beside its nearest training image (right)")
                pairs = np.stack([result.samples, result.neighbours], axis=1).reshape(-1, *result.samples.shape[1:])
                show_grid(pairs, ncols=8, target_px=480)

chosen = options[first]
if chosen not in (FLOOR, UPLOAD):
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
