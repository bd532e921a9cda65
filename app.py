"""GAN Playground: the multipage Streamlit app. Run with `streamlit run app.py`."""

from pathlib import Path

import streamlit as st

from pages.ui.housekeeping import start_housekeeping
from pages.ui.keras_guard import keep_keras_state_across_reruns
from pages.ui.presenter import apply_presenter_mode, presenter_mode
from pages.ui.run_log import timed_script_run
from pages.ui.sidebar import render_sidebar

FAVICON = str(Path(__file__).parent / "pages" / "ui" / "assets" / "favicon.png")

keep_keras_state_across_reruns()  # before any run ends: our training threads build Keras models
start_housekeeping()  # a full garbage collection every minute, in place of Streamlit's after every run
present = presenter_mode()
# The icon ships as a file: a Material icon here makes the browser fetch it from a font server on every page.
st.set_page_config(page_title="GAN Playground", page_icon=FAVICON, layout="wide",
                   initial_sidebar_state="collapsed" if present else "auto")  # fmt: skip
render_sidebar()  # before the navigation, so every page gets it, even one that calls st.stop()
apply_presenter_mode(present)
navigation = st.navigation(
    [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("pages/explore.py", title="Explore", icon=":material/explore:", url_path="explore"),
        st.Page("pages/train.py", title="Train", icon=":material/model_training:", url_path="train"),
        st.Page("pages/inside.py", title="Inside a GAN", icon=":material/scatter_plot:", url_path="inside"),
        st.Page("pages/evaluate.py", title="Evaluate", icon=":material/analytics:", url_path="evaluate"),
        st.Page("pages/datasets.py", title="Datasets", icon=":material/dataset:", url_path="datasets"),
        st.Page("pages/classroom.py", title="Classroom", icon=":material/school:", url_path="classroom"),
    ]
)
with timed_script_run(navigation.url_path or "home"):
    navigation.run()
