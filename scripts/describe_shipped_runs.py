"""Write what a shipped run's page shows before it trains again into its folder in checkpoints/: the layer table
(networks.json) and what D says of real and generated images (d_view.npz). Run once after a model is (re)built:

    .venv/bin/python -m scripts.describe_shipped_runs
"""

from __future__ import annotations

from gan_core.data import load_dataset
from gan_core.models.summary import network_tables
from gan_core.runs.bundle import restore_bundle
from gan_core.runs.bundled import bundled_runs
from gan_core.runs.store import RunStore
from gan_core.training.recipe import ImageRecipe
from gan_core.training.run_config import RunConfig


def describe(run_dir) -> None:
    config = RunConfig.read(run_dir)
    recipe = ImageRecipe(config, lambda c: load_dataset(c.train.dataset, source="bundled"))
    trainer = recipe.trainer(None)
    restore_bundle(run_dir, trainer)
    store = RunStore(run_dir)
    store.write_networks(network_tables(trainer.generator, trainer.discriminator))
    trainer.observe().save(store.d_view_path)
    print(f"{run_dir.name}: networks.json and d_view.npz at step {int(trainer.step.numpy()):,}")


if __name__ == "__main__":
    for bundle in bundled_runs():
        describe(bundle.path)
