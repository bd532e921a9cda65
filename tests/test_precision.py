"""The precision setting: what `auto` picks from the CPU's flags, bfloat16 training with float32 checkpoints that
resume under float32, and samplers whose output is the same uint8 pictures in either precision."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from gan_fixtures import random_png_uploads, run_dir, synthetic_loader, tiny_run_config

from gan_core.models.precision import (
    PrecisionError,
    choose_precision,
    cpu_bf16_flags,
    graph_calls,
    training_precision,
)
from gan_core.runs.run import TrainingRun
from gan_core.runs.state import RunState
from gan_core.training.run_config import RunConfig

AMD_ZEN5 = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512bw avx512_vnni avx512_bf16 avx_vnni\n"
INTEL_SPR = "flags\t\t: fpu avx2 avx512f avx512bw avx512_bf16 amx_bf16 amx_tile amx_int8\n"
SKYLAKE_X = "flags\t\t: fpu avx2 avx512f avx512bw avx512_vnni\n"
AVX2_ONLY = "flags\t\t: fpu sse2 avx avx2 fma\n"
CAN_BFLOAT16 = choose_precision("bfloat16").is_bfloat16  # this CPU: TensorFlow aborts on bf16 kernels where not
needs_bfloat16 = pytest.mark.skipif(not CAN_BFLOAT16, reason="this CPU cannot compute bfloat16 (no AVX-512)")


def test_auto_picks_bfloat16_only_where_the_cpu_has_bf16_instructions() -> None:
    assert cpu_bf16_flags(AMD_ZEN5, "") == ("avx512_bf16", "avx512bw")
    assert cpu_bf16_flags(INTEL_SPR, "") == ("amx_bf16", "avx512_bf16", "avx512bw")
    assert cpu_bf16_flags(AVX2_ONLY, "") == () and cpu_bf16_flags("", "") == ()
    on_bf16 = choose_precision("auto", cpu_bf16_flags(INTEL_SPR, ""))
    assert on_bf16.name == "bfloat16" and on_bf16.is_bfloat16 and "amx_bf16, avx512_bf16" in on_bf16.describe()
    for cpu in (SKYLAKE_X, AVX2_ONLY):  # emulated bf16 is slower, or impossible: float32
        on_other = choose_precision("auto", cpu_bf16_flags(cpu, ""))
        assert on_other.name == "float32" and "no bfloat16 instructions" in on_other.reason
    assert choose_precision("", ()).name == "float32"  # empty: auto


def test_onednn_isa_cap_forces_the_flag_check_off() -> None:
    assert cpu_bf16_flags(INTEL_SPR, "AVX2") == ()  # as on an AVX2-only CPU
    assert cpu_bf16_flags(INTEL_SPR, "avx512_core") == ("avx512bw",)
    assert cpu_bf16_flags(INTEL_SPR, "AVX512_CORE_BF16") == ("avx512_bf16", "avx512bw")
    assert cpu_bf16_flags(INTEL_SPR, "nonsense") == cpu_bf16_flags(INTEL_SPR, "")  # oneDNN ignores it too


def test_an_explicit_setting_is_kept_where_the_cpu_can_compute_it() -> None:
    for cpu in (AMD_ZEN5, SKYLAKE_X, AVX2_ONLY):
        assert choose_precision(" Float32 ", cpu_bf16_flags(cpu, "")).name == "float32"
    assert choose_precision("bfloat16", cpu_bf16_flags(AMD_ZEN5, "")).describe() == "bfloat16 (asked for)"
    emulated = choose_precision("BFloat16", cpu_bf16_flags(SKYLAKE_X, ""))
    assert emulated.name == "bfloat16" and "emulated" in emulated.reason
    refused = choose_precision("bfloat16", cpu_bf16_flags(AVX2_ONLY, ""))  # TensorFlow would abort: float32
    assert refused.setting == "bfloat16" and refused.name == "float32" and "cannot compute it" in refused.reason


def test_bfloat16_asked_for_on_an_avx2_path_draws_in_float32_without_a_crash() -> None:
    import subprocess
    import sys

    script = (
        "from pathlib import Path; import numpy as np\n"
        "from gan_core.explore.choices import resolve_model\n"
        "s = resolve_model('fashion-mnist', Path('none'), offline=True)\n"
        "z = np.random.default_rng(0).standard_normal((4, s.info.noise_dim)).astype('float32')\n"
        "print(int(s.sample(z, np.arange(4), 1.0).sum()))\n"
    )
    env = {**os.environ, "ONEDNN_MAX_CPU_ISA": "AVX2", "GAN_PLAYGROUND_PRECISION": "bfloat16"}
    capped = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=240)
    assert capped.returncode == 0, capped.stderr[-2000:]  # it aborted in oneDNN before the check existed
    env["GAN_PLAYGROUND_PRECISION"] = "float32"
    plain = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=240)
    assert capped.stdout.split()[-1] == plain.stdout.split()[-1]  # the float32 pictures


def test_garbage_in_the_setting_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAN_PLAYGROUND_PRECISION", "fp8")
    with pytest.raises(PrecisionError) as caught:
        choose_precision()
    message = str(caught.value)
    assert message == "GAN_PLAYGROUND_PRECISION (or --precision) is auto, float32 or bfloat16, not 'fp8'."
    monkeypatch.setenv("GAN_PLAYGROUND_PRECISION", "bfloat16")  # a good value is read, on a CPU that has bf16
    assert choose_precision(flags=cpu_bf16_flags(AMD_ZEN5, "")).name == "bfloat16"


def test_auto_keeps_toy_runs_in_float32_but_honours_an_explicit_ask() -> None:
    auto = choose_precision("auto", ("avx512_bf16",))
    assert training_precision(auto, toy=False).name == "bfloat16"
    kept = training_precision(auto, toy=True)
    assert kept.name == "float32" and "toy run" in kept.reason
    if CAN_BFLOAT16:
        assert training_precision(choose_precision("bfloat16"), toy=True).name == "bfloat16"


def _train_until_stopped(folder: Path, precision: str, config: RunConfig | None = None) -> TrainingRun:
    run = TrainingRun(folder, config, data_loader=synthetic_loader, precision=precision)
    run.start()
    deadline = time.monotonic() + 90
    start = run.snapshot(with_history=False).step
    while run.snapshot(with_history=False).step < start + 5:
        assert time.monotonic() < deadline and run.state.active, run.snapshot().message
        time.sleep(0.05)
    run.stop(wait=60)
    return run


@needs_bfloat16
def test_a_bfloat16_run_keeps_float32_weights_and_resumes_under_float32(tmp_path: Path) -> None:
    folder = run_dir(tmp_path)
    first = _train_until_stopped(folder, "bfloat16", tiny_run_config(epochs=1000, checkpoint_every=1000))
    assert RunConfig.read(folder).train.precision == "bfloat16"  # config.json says what it ran under
    reader = tf.train.load_checkpoint(str(folder / "checkpoints"))
    dtypes = reader.get_variable_to_dtype_map()
    weights = [k for k in dtypes if k.startswith(("generator/", "discriminator/")) and "OPTIMIZER_SLOT" not in k]
    assert weights and {dtypes[k] for k in weights} == {tf.float32}  # the variables, as saved
    assert {dtypes[k] for k in dtypes if "optimizer" in k.lower() and dtypes[k].is_floating} == {tf.float32}
    stopped_at = first.snapshot().step

    again = _train_until_stopped(folder, "float32")
    snap = again.snapshot()
    assert snap.state is RunState.STOPPED and snap.step >= stopped_at + 5
    assert np.isfinite(snap.history["g_loss"]).all()
    assert RunConfig.read(folder).train.precision == "float32"
    assert again.config.train.precision == "float32"


@needs_bfloat16
def test_a_resume_under_another_precision_says_so(tmp_path: Path) -> None:
    folder = run_dir(tmp_path)
    _train_until_stopped(folder, "float32", tiny_run_config(epochs=1000, checkpoint_every=1000))
    run = TrainingRun(folder, data_loader=synthetic_loader, precision="bfloat16")
    run.start()
    deadline = time.monotonic() + 90
    while "now in bfloat16 (it trained in float32 before)" not in run.snapshot(with_history=False).message:
        assert time.monotonic() < deadline, run.snapshot().message
        time.sleep(0.05)
    run.stop(wait=60)


@needs_bfloat16
def test_mixed_training_computes_in_bfloat16_with_float32_ends() -> None:
    from gan_core.training.engine import GANTrainer

    config = tiny_run_config(precision="bfloat16")
    trainer = GANTrainer(config.model, config.train)
    g, d = trainer.generator, trainer.discriminator
    assert {v.dtype for v in g.weights + d.weights} == {"float32"}
    inner = [layer for layer in g.layers if layer.weights]
    assert inner[0].compute_dtype == "bfloat16" and inner[-1].compute_dtype == "float32"  # tanh images in f32
    assert d.layers[-1].compute_dtype == "float32"  # the logit
    images = g(tf.random.normal([3, config.model.noise_dim]), training=False)
    assert images.dtype == tf.float32 and d(images).dtype == tf.float32
    assert (
        GANTrainer(config.model, config.train.with_changes(precision="float32")).generator.layers[1].compute_dtype
        == "float32"
    )  # fmt: skip (the policy was this trainer's only)


@pytest.fixture(scope="module")
def fashion_sampler():
    from gan_core.explore.choices import resolve_model

    return resolve_model("fashion-mnist", Path("no-runs-here"), offline=True)


@needs_bfloat16
def test_a_sampler_draws_the_same_pictures_to_the_eye_in_both_precisions(
    fashion_sampler, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gan_core.models.latent import truncated_noise

    noise = truncated_noise(8, fashion_sampler.info.noise_dim, 1.0, seed=3)
    classes = np.arange(8) % len(fashion_sampler.info.class_names)
    float32 = fashion_sampler.sample(noise, classes, 1.0)
    monkeypatch.setenv("GAN_PLAYGROUND_PRECISION", "bfloat16")
    bfloat16 = fashion_sampler.sample(noise, classes, 1.0)
    monkeypatch.setenv("GAN_PLAYGROUND_PRECISION", "float32")
    again = fashion_sampler.sample(noise, classes, 1.0)  # the float32 graph again, not the rewritten one
    for images in (float32, bfloat16):
        assert images.dtype == np.uint8 and images.shape == (8, 28, 28, 3) and images.std() > 0
    assert (again == float32).all()
    diff = float32.astype(np.float64) - bfloat16
    psnr = 10 * np.log10(255**2 / max(float((diff**2).mean()), 1e-9))
    assert 30 <= psnr < 200, psnr  # the same to the eye, yet not the float32 graph: the rewrite did run
    assert (float32 != bfloat16).any()


@needs_bfloat16
def test_a_thread_in_bfloat16_leaves_another_threads_calls_in_float32(fashion_sampler) -> None:
    import threading

    from gan_core.models.latent import truncated_noise

    noise = truncated_noise(4, fashion_sampler.info.noise_dim, 1.0, seed=5)
    classes = np.arange(4)
    reference = fashion_sampler.sample(noise, classes, 1.0)
    seen: dict[str, np.ndarray] = {}
    inside = threading.Event()
    release = threading.Event()

    def bfloat16_caller() -> None:
        with graph_calls(choose_precision("bfloat16")):
            seen["bfloat16"] = fashion_sampler.sample(noise, classes, 1.0)
            inside.set()
            release.wait(30)

    worker = threading.Thread(target=bfloat16_caller)
    worker.start()
    assert inside.wait(60)
    seen["float32"] = fashion_sampler.sample(noise, classes, 1.0)  # while the other thread is in bfloat16
    release.set()
    worker.join(30)
    assert (seen["float32"] == reference).all() and (seen["bfloat16"] != reference).any()


def test_the_cli_takes_precision_on_every_network_command_and_says_what_auto_means(capsys, monkeypatch) -> None:
    from gan_core.cli import NETWORK_COMMANDS, build_parser, main

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    from gan_core.models.precision import training_precision

    here = choose_precision("auto")
    for name in NETWORK_COMMANDS:
        text = " ".join(sub.choices[name].format_help().split())
        means = training_precision(here, toy=name == "toy").name  # issue 36.8: a toy run keeps float32 under auto
        assert "--precision {auto,float32,bfloat16}" in text and f"on this machine {means}" in text, name
    assert "--precision" not in sub.choices["datasets"].format_help()
    monkeypatch.setenv("GAN_PLAYGROUND_PRECISION", "half")
    assert main(["sample", "--model", "fashion-mnist", "--out", "x.png"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == "error: GAN_PLAYGROUND_PRECISION (or --precision) is auto, float32 or bfloat16, not 'half'."
    with pytest.raises(SystemExit):
        main(["sample", "--model", "fashion-mnist", "--out", "x.png", "--precision", "fp8"])
    assert "invalid choice: 'fp8'" in capsys.readouterr().err


@needs_bfloat16
def test_train_with_precision_says_it_and_writes_it_into_the_runs_config(tmp_path: Path, capsys) -> None:
    from gan_core.cli import main

    pictures = tmp_path / "pictures"  # 64 pictures: two steps at batch 32 (the subject is the precision's path)
    pictures.mkdir()
    for name, data in random_png_uploads(64, side=32):
        (pictures / name).write_bytes(data)
    assert main(["import-images", str(pictures), "--out", str(tmp_path / "tiny"), "--size", "32"]) == 0
    out = tmp_path / "run"
    args = ["train", "--dataset", str(tmp_path / "tiny"), "--epochs", "1", "--batch-size", "32",
            "--sample-every", "1000", "--out", str(out)]  # fmt: skip
    assert main([*args, "--precision", "bfloat16"]) == 0
    assert "precision: bfloat16 (asked for)" in capsys.readouterr().out
    assert RunConfig.read(out).train.precision == "bfloat16"
    assert os.environ["GAN_PLAYGROUND_PRECISION"] == "float32"  # main() put the environment back
