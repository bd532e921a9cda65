"""Inside the image GANs: D's output on real and on fake as it trains, and each network's layers as summary()."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from gan_fixtures import run_dir, synthetic_loader, tiny_run_config

from gan_core.data import load_dataset
from gan_core.models.summary import network_tables
from gan_core.pictures.charts import d_output_figure
from gan_core.runs.run import TrainingRun
from gan_core.runs.state import RunState
from gan_core.toy.presets import toy_run_config
from gan_core.training.engine import DiscriminatorView
from gan_core.training.presets import default_run_config


def test_the_default_mnist_networks_count_the_tf_tutorials_parameters() -> None:
    from gan_core.models.dcgan import build_discriminator, build_generator
    from gan_core.toy.models import build_toy_discriminator, build_toy_generator

    model = default_run_config(load_dataset("mnist").info, recipe="tutorial").model  # "TF tutorial networks"
    tables = network_tables(build_generator(model), build_discriminator(model))
    # The TF DCGAN tutorial's summary(): 2,330,944 parameters in G, 212,865 in D.
    assert tables["Generator"][-1]["Parameters"] == "**2,330,944**"
    assert tables["Discriminator"][-1]["Parameters"] == "**212,865**"
    assert tables["Generator"][-2]["Output shape"] == "(N, 28, 28, 1)"
    assert tables["Discriminator"][-2]["Output shape"] == "(N, 1)"
    toy_model = toy_run_config().model
    toy = network_tables(build_toy_generator(toy_model), build_toy_discriminator(toy_model))
    assert [row["Output shape"] for row in toy["Generator"][:-1]] == ["(N, 128)"] * 3 + ["(N, 2)"]
    assert toy["Discriminator"][-1]["Parameters"] == f"**{2 * 128 + 128 + 2 * (128 * 128 + 128) + 129:,}**"


@pytest.mark.parametrize(("loss", "conditional"), [("bce", False), ("hinge", True)])
def test_an_image_run_publishes_what_d_says_about_real_and_fake(
    tmp_path: Path, loss: str, conditional: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gan_core.training.engine import GANTrainer

    monkeypatch.setattr(GANTrainer, "observe_every_s", 0.5)  # every 10 s in a real run
    config = tiny_run_config(epochs=50, loss=loss, conditional=conditional)
    run = TrainingRun(run_dir(tmp_path, loss), config, data_loader=synthetic_loader)
    run.start()
    deadline = time.monotonic() + 60
    first = None
    while time.monotonic() < deadline:
        view = run.snapshot(with_history=False).observation
        first = first or view
        if view is not None and view is not first:
            break
        time.sleep(0.05)
    run.stop()
    assert run.state is RunState.STOPPED
    assert isinstance(view, DiscriminatorView) and view is not first and view.step > first.step
    assert view.real.shape == (64,) and view.fake.shape == (4,)  # the 64 synthetic images, the 4 preview samples
    assert view.as_probability == (loss == "bce") and view.threshold == (0.5 if loss == "bce" else 0.0)
    if loss == "bce":
        assert view.real.min() >= 0 and view.real.max() <= 1
    assert run.store.read_networks()["Generator"][-1]["Parameters"].startswith("**")  # written when built
    fig = d_output_figure(view)
    names = [trace.name for trace in fig.data]
    assert names == ["on real images", "on G's samples"]
    np.testing.assert_allclose(np.sort(fig.data[0].x), np.sort(view.real), rtol=1e-6)
