"""Everything the pages share across sessions, cached once per server process (st.cache_resource)."""

from __future__ import annotations

import streamlit as st

from gan_core.data import DatasetStatus, ImageDataset, all_dataset_status, load_dataset
from gan_core.data.import_limits import ImportLimits
from gan_core.settings import Settings


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return Settings.from_env()


@st.cache_data(ttl=30, show_spinner=False)
def dataset_statuses() -> list[DatasetStatus]:
    """What data is available right now (re-checked every 30 s: a download elsewhere shows up)."""
    return all_dataset_status(settings())


@st.cache_resource(show_spinner="Loading dataset…", max_entries=6)
def dataset(name: str, source: str) -> ImageDataset:
    """A loaded dataset, shared read-only by every session."""
    return load_dataset(name, source=source, settings=settings())  # type: ignore[arg-type]


def own_dataset_names() -> list[str]:
    """Imported image folders in the workspace, newest first."""
    root = settings().datasets_dir
    if not root.is_dir():
        return []
    folders = [p for p in root.iterdir() if (p / "dataset.json").is_file()]
    return [p.name for p in sorted(folders, key=lambda p: p.stat().st_mtime, reverse=True)]


@st.cache_resource(show_spinner=False, max_entries=4)
def explorer_sampler(key: str):
    """A generator for the Explorer, loaded once per server and shared by every session (calls are
    thread-safe). Raises ModelUnavailableError with one sentence when it cannot be had."""
    from gan_core.errors import ModelUnavailableError
    from gan_core.explore.choices import hub_repo_choice, model_choices, open_choice
    from gan_core.sharing.hub_names import hub_repo_id

    repo_id = hub_repo_id(key) if key.startswith("hf:") else None
    if repo_id is not None:
        return open_choice(hub_repo_choice(repo_id), settings().offline)
    for choice in model_choices(settings().runs_dir, settings().limits.heavy_hub_models):
        if choice.key == key:
            return open_choice(choice, settings().offline)
    raise ModelUnavailableError(f"no model '{key}' on this server")


@st.cache_resource(show_spinner=False)
def interactive_priority():
    """The server's one gate: training steps wait while a visitor's picture is being drawn."""
    from gan_core.runs.priority import InteractivePriority

    return InteractivePriority()


@st.cache_resource(show_spinner=False)
def render_cache():
    """Rendered Explorer grids and interpolations, shared by every session: a link opened by a whole class
    costs one generator call, made ahead of any training step."""
    from gan_core.explore.render_cache import RenderCache

    return RenderCache(serving=interactive_priority().serving)


@st.cache_resource(show_spinner=False)
def inversion_slots():
    """Searches for a picture in a GAN (Find it in the GAN) run one at a time on this server."""
    from gan_core.explore.inversion_job import InversionSlots

    return InversionSlots(1)


@st.cache_resource(show_spinner=False)
def model_warmup():
    """The server's one warm-up of its default model (started at start-up by scripts/serve.py)."""
    from gan_core.explore.warmup import ModelWarmup

    return ModelWarmup(log=lambda line: print(line, flush=True))


@st.cache_resource(show_spinner=False)
def hub_sync():
    """The server's sync of ended runs to a Hub dataset repo (GAN_PLAYGROUND_HUB_SYNC, started by scripts/serve.py),
    or None when it is off. A bad setting raises HubError in one sentence."""
    from gan_core.sharing.space_sync import RunSync, sync_settings

    found = sync_settings()
    if found is None:
        return None
    return RunSync(found[0], settings().runs_dir, found[1], log=lambda line: print(line, flush=True))


@st.cache_resource(show_spinner=False)
def background_fetches():
    """Downloads started from the app (one per item, whoever clicked), running while every session works on."""
    from gan_core.downloads.background import BackgroundFetches

    return BackgroundFetches(settings())


@st.cache_resource(show_spinner=False)
def pin_board():
    """Which run the classroom projector shows (one per server, kept across restarts)."""
    from gan_core.runs.classroom import PinBoard

    return PinBoard(settings().workspace / "classroom.json")


def import_limits() -> ImportLimits:
    """What one import of a visitor's files may hold on this server (its upload caps)."""
    limits = settings().limits
    return ImportLimits.for_server(limits.upload_mb, limits.upload_images)
