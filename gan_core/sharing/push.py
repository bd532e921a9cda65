"""Share a run on the Hub: its generator (both portable files and the weights this project reopens), config, curves,
last grid, progress GIF and a model card, uploaded as one commit to a model repo (private unless asked)."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from gan_core.sharing.hub_errors import explain, no_token, quiet_library_log
from gan_core.sharing.hub_names import check_repo_id
from gan_core.sharing.model_card import SETTINGS_FILE, hub_settings, model_card

GRID_FILE = "samples.png"


def hub_token() -> str | None:
    """The token huggingface_hub itself finds (HF_TOKEN, or a saved `hf auth login`), or None. Never shown."""
    from huggingface_hub import get_token

    return get_token()


def stage_run(run_dir: Path, repo_id: str, folder: Path) -> list[str]:
    """Write what a push uploads into `folder`; returns the file names (the SavedModel as one entry)."""
    from gan_core.runs.checkpoints import GENERATOR_WEIGHTS
    from gan_core.runs.handoff import metrics_csv
    from gan_core.runs.sampler import RunSampler
    from gan_core.runs.store import RunStore

    sampler = RunSampler(run_dir)
    sampler.export(folder)
    sampler.generator.save_weights(folder / GENERATOR_WEIGHTS)  # with config.json: a folder the app reopens exactly
    store = RunStore(run_dir)
    config = store.read_config()
    shutil.copy2(run_dir / "config.json", folder / "config.json")
    (folder / "metrics.csv").write_text(metrics_csv(store.read_metrics()))
    frames = store.frames()
    grid = None
    if frames:
        shutil.copy2(frames[-1][1], folder / GRID_FILE)
        (folder / "progress.gif").write_bytes(store.animation("gif"))
        grid = GRID_FILE
    settings = hub_settings(config, sampler.class_names, run_dir.name, sampler.step)
    (folder / SETTINGS_FILE).write_text(json.dumps(settings, indent=2))
    (folder / "README.md").write_text(model_card(repo_id, config, settings, store.read_best(), grid))
    return sorted(p.name for p in folder.iterdir())


def push_run(run_dir: Path, repo_id: str, private: bool = True, say: Callable[[str], None] = print
             ) -> tuple[str, bool]:  # fmt: skip
    """Upload the run to `repo_id` (created if new, private by default: an existing repo keeps its visibility);
    returns the repo's address and whether it is private, as the Hub says after the upload."""
    from huggingface_hub import HfApi

    repo_id = check_repo_id(repo_id)
    token = hub_token()
    if token is None:
        raise no_token()
    quiet_library_log()
    api = HfApi(token=token)
    with tempfile.TemporaryDirectory(prefix="gan-push-") as tmp:
        files = stage_run(run_dir, repo_id, Path(tmp))
        say(f"uploading {len(files)} files to {repo_id}: {', '.join(files)}")
        try:
            url = api.create_repo(repo_id, private=private, exist_ok=True)
            api.upload_folder(folder_path=tmp, repo_id=repo_id, commit_message=f"GAN Playground: {run_dir.name}")
            is_private = bool(api.repo_info(repo_id).private)
        except Exception as exc:  # huggingface_hub's and the network's: one sentence, without the token
            raise explain(exc, repo_id, "push to") from None
    return str(url), is_private
