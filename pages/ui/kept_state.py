"""Widget values that outlive a script run in which their widgets were not drawn.

Streamlit forgets a keyed widget's value at the end of any run that did not draw it: a page that stops early
(an error, st.stop) or a switch to another page loses every setting, and the widgets come back at their
minimum values. Each page names the keys it keeps; a shadow copy in plain session state restores them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

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


def drop_stale_choices(key: str, options: Collection[object]) -> None:
    """Before reading a keyed choice whose options change under it (another model's classes): drop the values
    that are not among `options`. The browser keeps a choice by its label, so after a switch Streamlit hands back
    the old option's label, a string, where the page expects an option; a multiselect keeps what is still offered."""
    state = st.session_state
    if key not in state:
        return
    value = state[key]
    if isinstance(value, list):
        kept = [v for v in value if v in options]
        if kept != value:
            state[key] = kept
    elif value not in options:
        del state[key]
