"""ProGAN's faces from TF Hub through the same path as BigGAN: a narrow twin of its architecture (the hub
signature, random weights), `fetch progan-128` against a loopback stand-in and then offline from the cache, its
directions read from the module's own variables, and a search for a picture in it."""

from __future__ import annotations

import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO

from gan_core.cli import main
from gan_core.errors import ModelUnavailableError
from gan_core.explore import hub_generators
from gan_core.explore.choices import resolve_model
from gan_core.explore.directions import sefa
from gan_core.explore.hub_generators import HubProGANSampler, open_hub_generator
from gan_core.explore.inversion import Inversion, InversionConfig
from gan_core.models.latent import truncated_noise

sys.path.insert(0, str(REPO / "scripts"))
from build_progan_twin import build, build_module  # a script, found through the path above

WIDTH = 1 / 16  # 32 channels at 4x4, 8 at 128x128: the architecture's pattern at a test's cost


@pytest.fixture(scope="module")
def twin(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("progan") / "progan-twin", seed=3, width=WIDTH)


def test_the_twin_draws_faces_size_pictures_and_its_directions_come_from_its_own_variables(twin) -> None:
    sampler = open_hub_generator(str(twin), "ProGAN twin")
    assert isinstance(sampler, HubProGANSampler)
    info = sampler.info
    assert (info.noise_dim, info.resolution, info.conditional) == (512, 128, False)
    assert info.default_truncation == 0.7 and "trained on N(0, 1)" in info.truncation_note
    pictures = sampler.sample(truncated_noise(2, 512, 0.7, seed=1), None, 0.7)
    assert pictures.shape == (2, 128, 128, 3) and pictures.dtype == np.uint8 and pictures.std() > 0
    with pytest.raises(ValueError, match="unconditional"):
        sampler.sample(truncated_noise(1, 512, 0.7, seed=1), np.array([3]), 0.7)
    dense = build_module(seed=3, width=WIDTH).dense.numpy()  # the same weights, built again in memory
    expected = sefa(dense.T)
    np.testing.assert_allclose(np.abs(sampler.directions().vectors @ expected.vectors.T), np.eye(5), atol=1e-4)


def test_a_picture_is_found_in_the_twin_and_the_search_only_gets_closer(twin) -> None:
    sampler = HubProGANSampler(str(twin), "ProGAN twin")
    target = sampler.sample(truncated_noise(1, 512, 0.7, seed=9), None, 0.7)
    reports = []
    result = Inversion(sampler, target, config=InversionConfig(guess_steps=0, search_steps=0, refine_steps=40,
                                                               report_every=10)).run(on_report=reports.append)
    assert result.classes is None and result.step == 40 and len(reports) == 4
    assert reports[-1].errors[0] < reports[0].errors[0]


def test_fetch_progan_128_from_a_loopback_hub_then_offline_from_the_cache(twin, sandbox, served, monkeypatch,
                                                                          capsys) -> None:  # fmt: skip
    folder, address = served
    with tarfile.open(folder / "progan-standin.tar.gz", "w:gz") as tar:  # a TF Hub compressed module
        for path in sorted(twin.rglob("*")):
            tar.add(path, arcname=str(path.relative_to(twin)), recursive=False)
    handle = address + "progan-standin.tar.gz"
    entry = (handle, "ProGAN faces 128x128 (CelebA)", 1)
    monkeypatch.setitem(hub_generators.PROGAN_HANDLES, "progan-128", entry)

    monkeypatch.setenv("GAN_PLAYGROUND_OFFLINE", "1")  # not fetched yet, and offline: one sentence, with the command
    with pytest.raises(ModelUnavailableError, match="`python -m gan_core fetch progan-128` once online"):
        resolve_model("progan-128", None, offline=True)
    monkeypatch.setenv("GAN_PLAYGROUND_OFFLINE", "0")
    assert main(["fetch", "progan-128"]) == 0
    assert "downloaded" in capsys.readouterr().out
    (folder / "progan-standin.tar.gz").unlink()  # the network copy is gone, and downloads are off
    monkeypatch.setenv("GAN_PLAYGROUND_OFFLINE", "1")
    assert main(["fetch", "progan-128"]) == 0
    assert "from cache" in capsys.readouterr().out
    out = sandbox / "faces.png"
    assert main(["sample", "--model", "progan-128", "--n", "2", "--out", str(out)]) == 0
    assert out.stat().st_size > 0 and "truncation 0.7" in capsys.readouterr().out
