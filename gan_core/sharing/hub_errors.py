"""What went wrong talking to the Hub, in one sentence that says what to do. Never the token, never a traceback."""

from __future__ import annotations

from gan_core.errors import PlaygroundError, is_network_failure

TOKEN_HELP = "set HF_TOKEN, or run `hf auth login` once"


class HubError(PlaygroundError):
    pass


def quiet_library_log() -> None:
    """huggingface_hub's own log is for its developers: its retries log the network's exception text (a traceback,
    from httpcore). What fails for good is said in one sentence by `explain` instead."""
    import logging

    logging.getLogger("huggingface_hub").setLevel(logging.ERROR)


def no_token() -> HubError:
    return HubError(f"No Hugging Face token on this machine: {TOKEN_HELP} (a token with write access, from "
                    "huggingface.co/settings/tokens).")  # fmt: skip


def explain(exc: BaseException, repo_id: str, action: str) -> HubError:
    """`action` in words ('push to', 'download'): the sentence for `exc` from huggingface_hub or the network."""
    from huggingface_hub.errors import (
        EntryNotFoundError,
        HfHubHTTPError,
        LocalEntryNotFoundError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
    )

    if isinstance(exc, HubError):
        return exc
    if isinstance(exc, RepositoryNotFoundError):
        return HubError(f"No repo {repo_id} on the Hub, or it is private and this machine's token cannot see it: "
                        "check the name, or log in as its owner.")  # fmt: skip
    if isinstance(exc, (LocalEntryNotFoundError, OfflineModeIsEnabled)):  # before EntryNotFound: a subclass
        return HubError(f"{repo_id} is not in this machine's Hub cache and the Hub cannot be reached now: fetch it "
                        f"once online (`python -m gan_core fetch hf://{repo_id}`).")  # fmt: skip
    if isinstance(exc, EntryNotFoundError):
        return HubError(f"{repo_id} lacks a file this project needs: it is not a generator repo.")
    if isinstance(exc, HfHubHTTPError) and exc.response is not None:
        status = exc.response.status_code
        if status == 401:
            return HubError(f"The Hub refused this machine's token (401) to {action} {repo_id}: {TOKEN_HELP} with "
                            "a valid token.")  # fmt: skip
        if status == 403:
            return HubError(f"This machine's token may not {action} {repo_id} (403): use a token with write access "
                            f"to it (huggingface.co/settings/tokens), or a repo under your own name.")  # fmt: skip
        return HubError(f"The Hub answered {status} when asked to {action} {repo_id}: try again later.")
    if is_network_failure(exc) or type(exc).__module__.startswith(("httpx", "httpcore")):
        return HubError(f"The Hub cannot be reached to {action} {repo_id} ({type(exc).__name__}): check the "
                        "connection and try again; nothing was lost.")  # fmt: skip
    return HubError(f"Could not {action} {repo_id}: {type(exc).__name__}.")
