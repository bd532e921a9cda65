"""Names of Hub repos as people type them: `user/name`, `hf://user/name`, or a huggingface.co model address."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from gan_core.errors import PlaygroundError

HF_PREFIX = "hf://"
KEY_PREFIX = "hf:"  # the Explorer's model key and a link's model= for a Hub repo: hf:user/name
_PART = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?"
REPO_ID = re.compile(rf"^{_PART}/{_PART}$")
HUB_HOSTS = ("huggingface.co", "www.huggingface.co", "hf.co")


class HubNameError(PlaygroundError, ValueError):
    pass


def check_repo_id(text: str) -> str:
    """`user/name` as given, or one sentence saying what a repo name looks like."""
    name = text.strip()
    if not REPO_ID.match(name) or ".." in name:
        shown = name if len(name) <= 60 else name[:57] + "..."
        raise HubNameError(f"'{shown}' is not a Hub repo name: use user/name (letters, digits, '-', '_' and '.'; "
                           "e.g. alice/mnist-gan).")  # fmt: skip
    return name


def hub_repo_id(spec: str) -> str | None:
    """The repo a model spec names (hf://user/name, hf:user/name, https://huggingface.co/user/name[/...]), checked;
    None when the spec is not a Hub address at all."""
    text = spec.strip()
    for prefix in (HF_PREFIX, KEY_PREFIX):
        if text.startswith(prefix):
            return check_repo_id(text[len(prefix):].strip("/"))
    parsed = urlparse(text)
    if parsed.scheme in ("http", "https") and parsed.hostname in HUB_HOSTS:
        parts = [p for p in parsed.path.split("/") if p]
        if parts[:1] in (["datasets"], ["spaces"]):
            raise HubNameError(f"{text} is a Hub {parts[0][:-1]}, not a model: open a model's address "
                               "(huggingface.co/user/name).")  # fmt: skip
        return check_repo_id("/".join(parts[:2]))
    return None


def explorer_key(repo_id: str) -> str:
    return f"{KEY_PREFIX}{repo_id}"
