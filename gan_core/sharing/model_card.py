"""A pushed run's model card: the Hub's README.md, its metadata block first, then what the run is and how to use it."""

from __future__ import annotations

import json
from typing import Any

from gan_core.training.run_config import RunConfig

HUB_DATASETS = {"mnist": "ylecun/mnist", "fashion_mnist": "zalando-datasets/fashion_mnist",
                "cifar10": "uoft-cs/cifar10"}  # the Hub's own copies, for the card's metadata
SETTINGS_FILE = "gan_playground.json"  # what the Explorer needs to open the repo: classes, truncation, title


def hub_settings(config: RunConfig, class_names: tuple[str, ...], title: str, step: int | None) -> dict[str, Any]:
    return {"format": "gan-playground/hub-v1", "title": title, "class_names": list(class_names),
            "default_truncation": 1.0, "noise_dim": config.model.noise_dim, "step": step,
            "image_shape": list(config.model.image_shape)}  # fmt: skip


def model_card(repo_id: str, config: RunConfig, settings: dict[str, Any], best: dict[str, Any] | None,
               grid_name: str | None) -> str:  # fmt: skip
    """README.md for the repo: `library_name: keras`, tags and the dataset in the metadata; the grid, the FID (with
    its features and N) where the run measured one, and the three lines that use the generator."""
    model, train = config.model, config.train
    conditional = model.conditional
    tags = ["gan", "gan-playground", model.architecture, "image-generation",
            "class-conditional" if conditional else "unconditional"]  # fmt: skip
    meta = ["---", "library_name: keras", "pipeline_tag: unconditional-image-generation", "tags:"]
    meta += [f"- {t}" for t in tags]
    if train.dataset in HUB_DATASETS:
        meta += ["datasets:", f"- {HUB_DATASETS[train.dataset]}"]
    if best and best.get("fid") is not None:
        meta += ["model-index:", f"- name: {repo_id.split('/')[1]}", "  results:",
                 "  - task: {type: unconditional-image-generation}",
                 f"    dataset: {{name: {train.dataset}, type: {HUB_DATASETS.get(train.dataset, train.dataset)}}}",
                 f"    metrics: [{{type: fid, value: {float(best['fid']):.2f}, name: FID ({best.get('n', '?')} "
                 f"samples)}}]"]  # fmt: skip
    meta.append("---")
    size = f"{model.image_shape[0]}x{model.image_shape[1]}"
    pushed_at = f"; pushed at step {settings['step']:,}" if settings.get("step") else ""
    lines = [f"# {settings['title']}", "",
             f"A {'class-conditional ' if conditional else ''}{model.architecture.upper()} generator of {size} "
             f"pictures, trained on {train.dataset} with GAN Playground (set to {train.epochs} epochs, batch "
             f"{train.batch_size}, {train.loss} loss{pushed_at}).", ""]  # fmt: skip
    if grid_name:
        lines += [f"![samples from the fixed noise]({grid_name})", ""]
    if best and best.get("fid") is not None:
        lines += [f"FID {float(best['fid']):.2f} at step {best.get('step', '?')}, against {best.get('n', '?')} real "
                  f"pictures, in the features of {best.get('features', 'the run’s classifier')} (the run's own "
                  "live measure; compare FIDs only in the same features and N).", ""]  # fmt: skip
    else:
        lines += ["No FID measured for this run.", ""]
    inputs = f"noise [N, {model.noise_dim}] float32" + (", class_index [N] int32" if conditional else "")
    call = f"[noise, np.arange(8) % {model.num_classes}]" if conditional else "noise"
    shape = f"[N, {size}, {model.image_shape[2]}]"
    lines += ["## Use it", "", f"Inputs: {inputs}; output: pictures {shape} in [-1, 1].", "",
              "```python", "import keras, numpy as np", "from huggingface_hub import hf_hub_download",
              f'g = keras.saving.load_model(hf_hub_download("{repo_id}", "generator.keras"))',
              f"noise = np.random.randn(8, {model.noise_dim}).astype('float32')",
              f"pictures = g.predict({call})", "```", "",
              "`generator_savedmodel/` is the same generator as a TensorFlow SavedModel (signature `pictures`: uint8 "
              "out). In GAN Playground, open `hf://" + repo_id + "` in the Explorer or "
              f"`python -m gan_core sample --model hf://{repo_id} --out grid.png`.", "",
              "Files: `config.json` (the run's settings), `metrics.csv` (its curves), `progress.gif` (its fixed-noise "
              f"grid through training), `{SETTINGS_FILE}` (classes and truncation for the Explorer)."]  # fmt: skip
    if conditional and settings["class_names"]:
        lines += ["", "Classes: " + json.dumps(settings["class_names"])[1:-1].replace('"', "") + "."]
    return "\n".join(meta + lines) + "\n"
