"""Evaluate: how good is a generator? FID, KID, precision/recall, diversity, classes, copies, D's verdict."""

from pathlib import Path

import streamlit as st

from gan_core.data import DATASETS
from gan_core.evaluation.choices import (
    DEFAULT_N,
    EVALUATED,
    SAMPLE_COUNTS,
    UPLOAD,
    dataset_for,
    generator_choices,
    last_grid,
    sample_counts,
)
from gan_core.evaluation.evaluate_run import FLOOR, EvaluationRequest
from gan_core.measures.features import INCEPTION_HANDLE
from gan_core.models.hub import cached_path
from gan_core.runs.bundled import bundled_runs
from gan_core.runs.store import list_runs
from pages.ui.compare import compare_curves
from pages.ui.evaluation import quality_over_steps, run_evaluation, scored_uploads, show_results
from pages.ui.navigation import ensure_app_navigation
from pages.ui.resources import dataset, settings

ensure_app_navigation()

inception_here = cached_path(INCEPTION_HANDLE) is not None  # fetched before: Inception works offline

st.title("Evaluate a generator")
st.caption(
    "Scores are computed on this project's domain classifiers (offline)"
    + (" or on Inception (TF-GAN's FID network, in this machine's cache)" if inception_here else "")
    + ". Numbers on different features, or at different sample counts N, are not comparable: every result names "
    "both."
)

options = generator_choices(bundled_runs(), list_runs(settings().runs_dir))
labels = list(options)
left, right = st.columns(2)
first = left.selectbox("Generator", labels, key="eval_run")
second = right.selectbox("Compare with (optional)", ["—", *labels], key="eval_compare")
for column, label in ((left, first), (right, second)):
    grid = last_grid(options[label]) if label in options else None
    if grid is not None:  # what is being scored, before any number
        column.image(str(grid[1]), caption=f"{label.removesuffix(' (shipped)')}: fixed noise at step {grid[0]:,}")
uploads = []
if UPLOAD in (options[first], options.get(second)):
    uploads = st.file_uploader("Generated images, from any tool: image files or a zip of them", key="eval_uploads",
                               accept_multiple_files=True, type=["png", "jpg", "jpeg", "webp", "bmp", "gif", "zip"],
                               help="Resized to the dataset's size; unreadable files are skipped and listed.") or []
features = st.radio(
    "Features", ["domain", "inception"], horizontal=True, key="eval_features", disabled=not inception_here,
    format_func={"domain": "This project's domain classifier",
                 "inception": "Inception (the network behind published FIDs)"}.get,
    help=None if inception_here else "Inception is not on this machine: run `python -m gan_core fetch inception` "
    "once (online) to enable it.",
)  # fmt: skip
if not inception_here:
    st.caption("Inception is not on this machine: `python -m gan_core fetch inception` (once, online) enables it.")
    features = "domain"
data_name = st.selectbox(
    "Dataset", EVALUATED, index=EVALUATED.index(dataset_for(options[first])), format_func=lambda n: DATASETS[n].title
)
chosen = [options[first]] + ([options[second]] if second != "—" else [])
scored = scored_uploads(uploads, DATASETS[data_name].image_shape) if UPLOAD in chosen else None
limits = {"the test split": len(dataset(data_name, "bundled").split("test"))} if FLOOR in chosen else {}
blocked = ""  # why Evaluate cannot run on these choices
if scored is not None:
    for line in scored.report.lines()[:20] if uploads else []:
        st.caption(line)
    blocked = scored.problem if uploads else "upload generated images to score them"
    if blocked:
        st.warning(blocked[0].upper() + blocked[1:] + ".")
    else:
        limits["your upload"] = len(scored.images)
limit = min(limits.values()) if limits else None
counts = sample_counts(limit)
a, b = st.columns(2)
if blocked:  # no N to offer until the upload holds images to score
    a.metric("Samples (N)", "—")
    n = counts[0]
elif len(counts) > 1:
    n = a.select_slider("Samples (N)", counts, value=DEFAULT_N if DEFAULT_N in counts else counts[-1],
                        help="FID is biased upward at small N: compare only at equal N.")  # fmt: skip
else:
    n = counts[0]
    a.metric("Samples (N)", f"{n:,}")
seed = b.number_input("Seed", 0, 2**31 - 1, 0)
if limit is not None and limit < SAMPLE_COUNTS[-1]:
    held = min(limits, key=lambda k: limits[k])
    st.caption(f"N stops at {limit:,}: {held} holds {limit:,} images, and every generator here is scored at the "
               "same N.")
if n < DEFAULT_N and not blocked:
    st.warning(f"At N={n:,} FID's upward bias is large: compare only with results at N={n:,}.")

asked = (tuple(chosen), data_name, int(n), int(seed), features, tuple((f.name, f.size) for f in uploads))
if st.button("Evaluate", type="primary", disabled=bool(blocked)):
    st.session_state.pop("eval_results", None)  # a failure below leaves no earlier table under these choices
    results = []
    for label in [first] + ([second] if second != "—" else []):
        images = None
        if options[label] == UPLOAD:
            if scored is None or scored.problem:
                st.error(scored.problem if scored is not None else "upload generated images first")
                break
            images, label = scored.images[: int(n)], f"your images ({int(n):,})"
        result = run_evaluation(EvaluationRequest(options[label] if images is None else label, data_name, int(n),
                                                  int(seed), features=features), images)  # fmt: skip
        if result is None:
            break
        results.append((label, result))
    else:
        st.session_state["eval_results"] = (asked, results)

shown = st.session_state.get("eval_results")
if shown and shown[0] == asked:  # results only under the choices that made them
    show_results(shown[1], data_name)
if options[first] not in (FLOOR, UPLOAD):
    quality_over_steps(options[first], data_name, int(seed))
compared = {label: Path(options[label]) for label in (first, second) if options.get(label) not in (None, FLOOR, UPLOAD)}
if len(compared) == 2:
    with st.expander("Training curves side by side"):
        compare_curves(compared, "eval-curves")
