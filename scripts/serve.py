"""Serve the app for many visitors (the Space's Dockerfile runs this): warm the Explorer's default model up in
the background first, so the first visitor does not pay for loading and tracing it, then run Streamlit.

    python scripts/serve.py --server.port=8501 ...   # any `streamlit run` option
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the pages' helpers and gan_core, as `streamlit run app.py` would find them


def main() -> None:
    from streamlit.web import cli

    from pages.ui.explorer_warmup import start_explorer_warmup
    from pages.ui.keras_guard import keep_keras_state_across_reruns

    keep_keras_state_across_reruns()  # before any script run ends, as app.py does
    start_explorer_warmup()  # in a background thread: the server answers at once, pages say "warming up"
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
