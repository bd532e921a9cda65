"""Widget values that outlive a script run in which their widgets were not drawn.

Streamlit forgets a keyed widget's value at the end of any run that did not draw it: a page that stops early
(an error, st.stop) or a switch to another page loses every setting, and the widgets come back at their
minimum values. Each page names the keys it keeps; a shadow copy in plain session state restores them.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

_SHADOW = "_kept:"


def keep_widget_state(keys: Iterable[str]) -> None:
    """Call at the top of a page, before its widgets: restore forgotten values, remember current ones."""
    state = st.session_state
    for key in keys:
        if key in state:
            state[_SHADOW + key] = state[key]
        elif _SHADOW + key in state:
            state[key] = state[_SHADOW + key]


def forget_widget_state(prefix: str) -> None:
    """Drop every kept and live value whose key starts with `prefix` (a fresh visit reads its link again)."""
    state = st.session_state
    for key in [k for k in state if str(k).startswith(prefix) or str(k).startswith(_SHADOW + prefix)]:
        del state[key]
