"""Evaluate: how good is a generator? FID, KID, precision/recall, diversity, classes, copies, D's verdict."""

import streamlit as st

from gan_core.data import DATASETS
from gan_core.evaluation.choices import EVALUATED, UPLOAD, dataset_for, generator_choices
from gan_core.evaluation.evaluate_run import FLOOR, EvaluationRequest
from gan_core.evaluation.features import INCEPTION_HANDLE
from gan_core.evaluation.uploaded import images_for_scoring
from gan_core.models.hub import cached_path
from gan_core.runs.bundled import bundled_runs
from gan_core.runs.store import list_runs
from pages.ui.evaluation import quality_over_steps, run_evaluation, show_results
from pages.ui.navigation import ensure_app_navigation
from pages.ui.resources import settings

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
    "Dataset", EVALUATED, index=EVALUATED.index(dataset_for(options[first])), format_func=lambda n: DATASETS[n].title
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

if st.session_state.get("eval_results"):
    show_results(st.session_state["eval_results"], data_name)
if options[first] not in (FLOOR, UPLOAD):
    quality_over_steps(options[first], data_name, int(seed))
