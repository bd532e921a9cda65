"""A generator from the Hugging Face Hub (`hf://user/name`) as a Sampler: a repo this project pushed opens with its
classes, truncation and card settings; any other `.keras` generator opens with what its inputs say."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from gan_core.models.latent import TRUNCATION_RANGE
from gan_core.sharing.hub_downloads import Progress, download_repo
from gan_core.sharing.hub_errors import HubError
from gan_core.sharing.model_card import SETTINGS_FILE


def open_hub_repo(repo_id: str, offline: bool, progress: Progress | None = None):
    """A Sampler for the repo's generator."""
    from gan_core.explore.classes import ClassCatalog
    from gan_core.explore.keras_file_sampler import NEEDS, KerasFileSampler
    from gan_core.explore.samplers import RunModelSampler
    from gan_core.runs.checkpoints import GENERATOR_WEIGHTS

    folder = download_repo(repo_id, offline, progress)
    source = f"hf://{repo_id}, from the Hugging Face Hub"
    if (folder / "config.json").is_file() and (folder / GENERATOR_WEIGHTS).is_file():
        sampler = RunModelSampler(folder, title=f"{repo_id} (Hub)", source=source)
        settings = _settings(folder)
        names = settings.get("class_names")
        if not (isinstance(names, list) and len(names) == len(sampler.info.class_names)
                and all(isinstance(n, str) and 0 < len(n) <= 60 for n in names)):  # fmt: skip
            names = sampler.info.class_names  # a settings file from elsewhere: the dataset's own names
        truncation = settings.get("default_truncation")
        low, high = TRUNCATION_RANGE
        if not (isinstance(truncation, int | float) and low <= truncation <= high):
            truncation = 1.0
        sampler.info = replace(sampler.info, name=repo_id, class_names=tuple(names),
                               default_truncation=float(truncation))  # fmt: skip
        sampler.catalog = ClassCatalog.from_names(tuple(names)) if names else None
        return sampler
    keras_files = sorted(folder.glob("*.keras"))
    if keras_files:
        return KerasFileSampler(keras_files[0], f"{repo_id} (Hub)", source)
    raise HubError(f"hf://{repo_id} holds no generator this project can open: it needs a .keras file that takes "
                   f"{NEEDS}.")  # fmt: skip


def _settings(folder: Path) -> dict:
    try:
        data = json.loads((folder / SETTINGS_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
