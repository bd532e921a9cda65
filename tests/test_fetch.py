"""`python -m gan_core fetch`: the real download paths (tensorflow_hub's resolver, keras.utils.get_file) against
stand-ins served from a loopback HTTP server this test starts; then the same items from the cache with
downloads off. Nothing here reaches beyond 127.0.0.1."""

from __future__ import annotations

import tarfile

import numpy as np
import pytest
from gan_fixtures import biggan_tarball

from gan_core.cli import main
from gan_core.data import load_dataset
from gan_core.data.types import SourceKind
from gan_core.downloads import UnknownFetchItemError, fetch_item, resolve_items
from gan_core.models.hub import cached_path


def test_fetch_downloads_a_hub_module_then_the_app_uses_it_from_cache_offline(
    sandbox, served, monkeypatch, capsys
) -> None:  # fmt: skip
    folder, address = served
    handle = address + biggan_tarball(sandbox, folder)
    monkeypatch.setenv("GAN_PLAYGROUND_OFFLINE", "0")
    assert main(["fetch", handle]) == 0
    out = capsys.readouterr()
    path = cached_path(handle)
    assert path is not None and path.parent == sandbox / "tfhub"  # where tensorflow_hub itself caches it
    assert f"downloaded, {path} (" in out.out and "Traceback" not in out.err
    (folder / "biggan-standin.tar.gz").unlink()  # the network copy is gone, and downloads are off
    monkeypatch.setenv("GAN_PLAYGROUND_OFFLINE", "1")
    assert main(["fetch", handle]) == 0
    assert f"from cache, {path}" in capsys.readouterr().out
    out_png = sandbox / "volcano.png"
    assert main(["sample", "--model", handle, "--class", "volcano", "--n", "4", "--out", str(out_png)]) == 0
    printed = capsys.readouterr().out
    assert out_png.stat().st_size > 0 and "classes volcano" in printed
    title = handle.rstrip("/").rsplit("/", 1)[-1]
    assert f"from {title}, from cache (" in printed  # issue 26.12: offline, it says where the model came from


def test_a_keras_dataset_file_fetched_from_a_mirror_then_read_offline(sandbox, served, monkeypatch, capsys) -> None:
    folder, address = served
    rng = np.random.default_rng(0)
    np.savez_compressed(folder / "mnist.npz", x_train=rng.integers(0, 256, (30, 28, 28), dtype=np.uint8),
                        y_train=rng.integers(0, 10, 30, dtype=np.uint8),
                        x_test=rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
                        y_test=rng.integers(0, 10, 6, dtype=np.uint8))  # fmt: skip
    monkeypatch.setenv("GAN_PLAYGROUND_OFFLINE", "0")
    monkeypatch.setenv("GAN_PLAYGROUND_DATASET_MIRROR", address)
    seen: list[tuple[int, int]] = []
    from gan_core.settings import Settings

    result = fetch_item(resolve_items(["mnist"])[0], Settings.from_env(), progress=lambda d, e: seen.append((d, e)))
    assert result.ok and not result.from_cache, result.message
    assert result.path == sandbox / "keras" / "datasets" / "mnist.npz"  # keras.utils.get_file's own place
    assert "downloaded" in result.message and "36 images" in result.message
    assert seen and seen[-1] == (result.size_bytes, result.size_bytes) and result.size_bytes > 0
    printed = capsys.readouterr()
    assert "Downloading data from" not in printed.out + printed.err  # our progress line, not Keras's raw one
    monkeypatch.setenv("GAN_PLAYGROUND_OFFLINE", "1")
    monkeypatch.delenv("GAN_PLAYGROUND_DATASET_MIRROR")
    data = load_dataset("mnist", source="full")
    assert data.info.source.kind is SourceKind.CACHED and len(data.images) == 36
    assert main(["datasets"]) == 0
    assert "full dataset, from cache" in capsys.readouterr().out
    assert main(["fetch", "mnist"]) == 0
    assert "MNIST digits: from cache" in capsys.readouterr().out


def test_offline_or_unreachable_each_item_gets_one_sentence(sandbox, monkeypatch, capsys) -> None:
    assert main(["fetch", "biggan-deep-128", "mnist"]) == 1  # the tests run offline
    err = capsys.readouterr().err
    assert "BigGAN-deep 128x128: not fetched — downloads are off on this machine" in err
    assert "MNIST digits: not fetched — downloads are off" in err and "2 items of 2 not fetched" in err
    assert "Traceback" not in err
    monkeypatch.setenv("GAN_PLAYGROUND_OFFLINE", "0")
    import socket

    with socket.socket() as s:  # a port nobody listens on: connection refused, like a machine with no network
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/x.tar.gz"
    assert main(["fetch", dead]) == 1
    err = capsys.readouterr().err
    assert f"not fetched from {dead}: the internet cannot be reached from this machine" in err
    assert "Traceback" not in err


def test_a_download_that_is_not_a_module_is_not_called_fetched(sandbox, served, monkeypatch, capsys) -> None:
    folder, address = served
    with tarfile.open(folder / "junk.tar.gz", "w:gz") as tar:
        junk = sandbox / "readme.txt"
        junk.write_text("not a model")
        tar.add(junk, arcname="readme.txt")
    monkeypatch.setenv("GAN_PLAYGROUND_OFFLINE", "0")
    assert main(["fetch", address + "junk.tar.gz"]) == 1
    assert "is not a SavedModel in TF Hub format" in capsys.readouterr().err


def test_fetch_names_all_and_did_you_mean() -> None:
    names = [item.name for item in resolve_items(["all"])]
    assert names == ["biggan-deep-128", "biggan-deep-256", "biggan-deep-512", "progan-128", "inception", "mnist",
                     "fashion_mnist", "cifar10"]  # fmt: skip
    assert [i.name for i in resolve_items(["Fashion-MNIST", "fashion_mnist", "BigGAN_deep_128"])] == [
        "fashion_mnist", "biggan-deep-128"]  # fmt: skip
    with pytest.raises(UnknownFetchItemError, match="did you mean 'biggan-deep-128'"):
        resolve_items(["biggan-deep-218"])
    assert main(["fetch", "incepshun"]) == 1
