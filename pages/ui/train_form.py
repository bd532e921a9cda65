"""The Train page's New run form: the widgets over gan_core.runs.form's defaults, checks and run config."""

from __future__ import annotations

import streamlit as st

from gan_core.data import DATASETS
from gan_core.errors import PlaygroundError
from gan_core.runs.form import (
    DEFAULT_MINUTES,
    MOST_MINUTES,
    NewRunChoices,
    batch_sizes_for,
    most_epochs,
    new_run_config,
    start_problem,
)
from gan_core.runs.names import default_run_name
from gan_core.training.config import AUGMENTATIONS, LOSSES
from gan_core.training.presets import RECIPES, default_recipe, default_run_config, recipes_for
from pages.ui.images import show_grid
from pages.ui.resources import dataset, own_dataset_names, settings
from pages.ui.training import open_and_start, show_run


def new_run_form() -> None:
    names = list(DATASETS) + own_dataset_names()
    choose, pictures = st.columns(2, vertical_alignment="bottom")  # the pictures beside the choice: Start stays up
    name = choose.selectbox(
        "Dataset", names, format_func=lambda n: DATASETS[n].title if n in DATASETS else f"{n} (your images)"
    )
    try:
        data = dataset(name, "auto")
    except PlaygroundError as exc:
        st.warning(str(exc))
        return
    info, train_count = data.info, data.train_count
    choose.caption(f"{info.title}: {info.source.label} · {'×'.join(map(str, info.image_shape))} px")
    real = data.examples_per_class(1)  # pictures before the first click, and what G is up against
    what = "one real picture of each class" if info.class_names else "real pictures from it"
    with pictures:
        show_grid(real, ncols=len(real), caption=f"What G learns to draw: {what}", target_px=400)
    offered = recipes_for(info)
    recipe = st.selectbox(
        "Networks", offered, index=offered.index(default_recipe(info)), format_func=lambda k: RECIPES[k].title,
        key=f"recipe-{info.name}",  # per dataset: each opens on its own best recipe
        help="Class-conditional: G gets the class as input and D judges image and class together, and you can ask "
             "for a class. The BigGAN-style small networks are the shipped models' (the best per CPU-minute where "
             "measured: bench/RESULTS.md); the TF tutorial networks reproduce TensorFlow's DCGAN tutorial.",
    )  # fmt: skip
    max_epochs = settings().limits.max_epochs
    base = default_run_config(info, recipe=recipe, train_count=train_count).train
    d = NewRunChoices.defaults(base, max_epochs)
    choices = _settings_widgets(d, max_epochs, train_count)
    _default_name_for(info.name)
    run_name = st.text_input("Run name", key="run_name")
    problem = start_problem(run_name, int(choices.batch_size), train_count)
    if problem:
        st.caption(f":red[{problem}]")
    start = st.button("Start training", type="primary", disabled=bool(problem))
    if start and open_and_start(run_name, new_run_config(info, train_count, recipe, choices)):
        show_run(run_name)
        st.rerun()


def _default_name_for(dataset_name: str) -> None:
    """A fresh default run name per dataset, kept across reruns; a name the person typed is never replaced. The
    box's value is gone when the form was not drawn (a run shown since): it gets a fresh default then."""
    state = st.session_state
    name = state.get("run_name")
    if state.get("run_name_for") == dataset_name and name is not None:
        return
    typed = name not in (None, "", state.get("run_name_default"))
    state["run_name_for"] = dataset_name
    state["run_name_default"] = default_run_name(dataset_name)
    if not typed:
        state["run_name"] = state["run_name_default"]


def _settings_widgets(d: NewRunChoices, max_epochs: int, train_count: int) -> NewRunChoices:
    left, mid, right = st.columns(3)
    unit = left.radio("Train for", ("epochs", "minutes"), horizontal=True, key="train_for",
                      help="A number of passes over the images, or a time budget (pauses excluded): the run ends "
                           "with a checkpoint when it is used up")  # fmt: skip
    if unit == "minutes":
        minutes = left.number_input("Minutes", 1, MOST_MINUTES, DEFAULT_MINUTES, key="train_minutes")
        epochs = d.epochs
    else:
        minutes = 0
        epochs = left.number_input("Epochs", 1, most_epochs(max_epochs), d.epochs)
    sizes = batch_sizes_for(train_count)
    batch = mid.select_slider("Batch size", sizes, value=d.batch_size if d.batch_size in sizes else sizes[-1],
                              help=f"{train_count:,} training images")  # fmt: skip
    loss = right.selectbox("Loss", LOSSES, index=LOSSES.index(d.loss), help="bce: the TF tutorial's")
    with st.expander("More settings"):
        a, b, c = st.columns(3)
        lr_g = a.number_input("G learning rate", 1e-5, 1e-2, d.lr_g, format="%.5f")
        lr_d = b.number_input("D learning rate", 1e-5, 1e-2, d.lr_d, format="%.5f")
        beta1 = c.number_input("Adam β1", 0.0, 0.99, d.beta1)
        smoothing = a.number_input("Label smoothing", 0.0, 0.45, d.label_smoothing, help="real targets 1 − s")
        d_steps = b.number_input("D steps per G step", 1, 10, d.d_steps)
        seed = c.number_input("Seed", 0, 2**31 - 1, d.seed)
        augment = st.multiselect("DiffAugment", AUGMENTATIONS, default=list(d.diffaugment),
                                 help="Augment real and fake alike: helps small datasets.")  # fmt: skip
        sample_every = st.number_input("Sample grid every N steps", 1, 1000, d.sample_every)
        ema = a.toggle("Average G's weights (EMA)", value=d.ema,
                       help="Samples come from an exponential moving average of G's weights (decay 0.999): "
                       "smoother, usually better samples at no training cost.")  # fmt: skip
        spectral = b.toggle("Spectral norm in D", value=d.spectral_norm,
                            help="Bounds each D layer's largest singular value to 1 (Miyato et al. 2018): a "
                            "steadier discriminator, at some speed.")  # fmt: skip
        eval_every = st.number_input(
            "Live FID every N steps (0: off)", 0, 5000, d.eval_every, disabled=d.eval_every == 0,
            help="FID at a small N and the classes covered, on this project's classifier (MNIST and "
            "Fashion-MNIST): about 0.3 s each. The lowest FID marks the run's best generator.",
        )  # fmt: skip
    return NewRunChoices(int(epochs), int(batch), loss, lr_g, lr_d, beta1, smoothing, int(d_steps), int(seed),
                         tuple(augment), int(sample_every), ema, spectral, int(eval_every), float(minutes))  # fmt: skip
