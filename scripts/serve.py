"""Serve the app for many visitors (the Space's Dockerfile runs this): bring back the runs a Space kept on the Hub
(GAN_PLAYGROUND_HUB_SYNC, gan_core.sharing.space_sync) and start keeping new ones, warm the Explorer's default model
up in the background, so the first visitor does not pay for loading and tracing it, then run Streamlit.

    python scripts/serve.py --server.port=8501 ...   # any `streamlit run` option
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the pages' helpers and gan_core, as `streamlit run app.py` would find them


def start_hub_sync() -> None:
    from gan_core.errors import PlaygroundError
    from pages.ui.resources import hub_sync

    try:
        sync = hub_sync()
    except PlaygroundError as exc:
        print(f"hub sync: off: {exc}", flush=True)
        return
    if sync is not None:
        sync.start()


def main() -> None:
    from streamlit.web import cli

    from pages.ui.explorer_warmup import start_explorer_warmup
    from pages.ui.keras_guard import keep_keras_state_across_reruns

    keep_keras_state_across_reruns()  # before any script run ends, as app.py does
    start_hub_sync()  # restores before the first visitor; then commits in the background
    start_explorer_warmup()  # in a background thread: the server answers at once, pages say "warming up"
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
