"""The coach's calibration: its diagnoses on runs known healthy and runs known sick (issue 36.3).

    python -m bench.coach_calibration --train     # train the runs (about 40 min on 2 cores), then analyse
    python -m bench.coach_calibration             # analyse the runs already in runs/calibration/

Healthy: the Train page's defaults on MNIST, Fashion-MNIST and Emoji, seeds 0, 1 and 2. Sick: the same with both
learning rates at 1e-2 (fifty times the default) on MNIST and Fashion-MNIST, seeds 0-2. Each run trains through the
command line (the app's own run machinery) for about --steps steps (whole epochs: a busy machine changes how long
that takes, not what is trained). The coach is then replayed over each run as the page
would have seen it every 100 steps (the history so far, the live evaluations so far, the last frames' changes),
and the table says which diagnosis fired, on what share of those moments, with the statistic each rule reads at
its worst. A diagnosis earns its place only if it stays silent on every healthy run and speaks on the sick ones.

The runs' signals are also written to tests/fixtures/coach_runs.npz (thinned to what the coach reads), so that
tests/test_live_eval_and_coach.py replays the same calibration without training.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from bench.machine import machine_line
from bench.results_file import update_section
from gan_core.runs.store import RunStore
from gan_core.training.coach import CoachConfig, LiveEval, diagnose
from gan_core.training.run_config import RunConfig

ROOT = Path("runs/calibration")
FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "coach_runs.npz"
SEEDS = (0, 1, 2)
HEALTHY = [(f"{dataset}-default-{seed}", dataset, seed, []) for dataset in ("mnist", "fashion_mnist", "emoji")
           for seed in SEEDS]  # fmt: skip
SICK = [(f"{dataset}-lr1e-2-{seed}", dataset, seed, ["--lr-g", "1e-2", "--lr-d", "1e-2"])
        for dataset in ("mnist", "fashion_mnist") for seed in SEEDS]  # fmt: skip
KEYS = ("step", "d_loss_real", "d_loss_fake", "g_loss", "d_acc_real", "d_acc_fake")
EVERY = 100  # replay the coach every this many steps


EPOCH_STEPS = {"mnist": 281, "fashion_mnist": 281, "emoji": 36}  # bundled training images / the default batch


def _ended(folder: Path) -> bool:
    """Trained to its end (or failed on the way: a sick run may diverge); not cut short."""
    return (folder / "status.json").is_file() and RunStore(folder).read_status().get("state") in ("finished", "failed")


def train(steps: int) -> None:
    for name, dataset, seed, extra in SICK + HEALTHY:
        out = ROOT / name
        if _ended(out):
            print(f"{name}: trained already", flush=True)
            continue
        shutil.rmtree(out, ignore_errors=True)  # a run cut short is trained again from the start
        cmd = [sys.executable, "-m", "gan_core", "train", "--dataset", dataset, "--source", "bundled", "--out",
               str(out), "--epochs", str(-(-steps // EPOCH_STEPS[dataset])), "--seed", str(seed), "--log-every", "100000", *extra]  # fmt: skip
        print(" ".join(cmd[2:]), flush=True)
        subprocess.run(cmd, check=False)


def signals(folder: Path) -> dict[str, np.ndarray]:
    """What the coach reads of a run, as arrays: the per-step history, the live evaluations, each frame's change."""
    store = RunStore(folder)
    rows = store.read_metrics()
    out = {key: np.asarray([r[key] for r in rows], np.float32) for key in KEYS}
    evals = store.read_evals()
    out["evals"] = np.asarray([[e["step"], e["fid"], e.get("covered") or -1, e.get("num_classes") or -1]
                               for e in evals], np.float32).reshape(-1, 4)  # fmt: skip
    frames = store.frames()
    grids = [store.frame_image(step).astype(np.int16) for step, _ in frames]
    changes = [float(np.abs(b - a).mean()) for a, b in itertools.pairwise(grids)]
    out["frames"] = np.asarray([[step, change] for (step, _), change in zip(frames[1:], changes, strict=True)],
                               np.float32).reshape(-1, 2)  # fmt: skip
    return out


def replay(run: dict[str, np.ndarray], loss: str, config: CoachConfig | None = None) -> dict[str, int]:
    """How many of the replayed moments each diagnosis fired at, and how many moments there were ("moments")."""
    from gan_core.training.config import TrainConfig

    train = TrainConfig(loss=loss)
    steps = run["step"]
    fired: dict[str, int] = {"moments": 0}
    if not len(steps):
        return fired
    for at in range(EVERY, int(steps[-1]) + 1, EVERY):
        upto = int(np.searchsorted(steps, at, side="right"))
        history = {key: run[key][:upto].tolist() for key in KEYS}
        evals = [LiveEval(int(s), float(f), None if c < 0 else int(c), None if k < 0 else int(k))
                 for s, f, c, k in run["evals"] if s <= at]  # fmt: skip
        changes = [float(c) for s, c in run["frames"] if s <= at][-4:]
        fired["moments"] += 1
        for found in diagnose(history, evals, changes, config or CoachConfig(), train):
            fired[found.kind] = fired.get(found.kind, 0) + 1
    return fired


def worst_swings(run: dict[str, np.ndarray], loss: str) -> tuple[float, float]:
    """The oscillation rule's two statistics at their largest over the windows it judges (after warm-up)."""
    from gan_core.training.coach import _swing_scale, slow_swing

    cfg, g, steps = CoachConfig(), run["g_loss"].astype(np.float64), run["step"]
    worst = [0.0, 0.0]
    for end in range(cfg.window, len(g) + 1, EVERY):
        if steps[end - cfg.window] < cfg.warmup_steps:
            continue
        window = g[end - cfg.window : end]
        scale = _swing_scale(window, loss)
        worst[0] = max(worst[0], slow_swing(window, cfg.swing_block, scale))
        worst[1] = max(worst[1], float(np.percentile(np.abs(window - np.median(window)), 99) / scale))
    return worst[0], worst[1]


def load_fixture(path: Path = FIXTURE) -> dict[str, tuple[str, dict[str, np.ndarray]]]:
    """name -> (loss, signals), as written by save_fixture."""
    with np.load(path, allow_pickle=False) as data:
        names = json.loads(str(data["index"]))
        return {name: (loss, {key: data[f"{name}/{key}"] for key in (*KEYS, "evals", "frames")})
                for name, loss in names.items()}  # fmt: skip


def save_fixture(runs: dict[str, tuple[str, dict[str, np.ndarray]]], path: Path = FIXTURE) -> None:
    arrays = {f"{name}/{key}": values for name, (_, run) in runs.items() for key, values in run.items()}
    np.savez_compressed(path, index=json.dumps({name: loss for name, (loss, _) in runs.items()}), **arrays)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", action="store_true", help="train the runs first (skips those already there)")
    parser.add_argument("--steps", type=int, default=1200, help="about how many steps each run trains (1200)")
    args = parser.parse_args()
    if args.train:
        train(args.steps)
    runs = {}
    for name, *_ in HEALTHY + SICK:
        folder = ROOT / name
        if _ended(folder):
            runs[name] = (RunConfig.read(folder).train.loss, signals(folder))
    save_fixture(runs)
    lines = ["# Coach calibration (issue 36.3)", "", machine_line(), "",
             f"Each run about {args.steps:,} steps through `python -m gan_core train`; the coach replayed every "
             f"{EVERY} steps as the Train page would have shown it. Cells: the share of those moments at which the "
             "diagnosis fired. Healthy runs must read 0 everywhere; sick runs must read above 0 somewhere.", "",
             "The last two columns are the oscillation rule's statistics at their worst after the first 300 steps "
             f"(gan_core.training.coach: it fires at a swing of {CoachConfig().oscillation:g} or spikes of "
             f"{CoachConfig().spike:g}).", "",
             "| run | kind | loss | steps | mode collapse | D too strong | G stalled | FID rising | oscillating "
             "| swing | spikes |", "|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    kinds = ("mode_collapse", "d_too_strong", "g_stalled", "fid_rising", "oscillating")
    for name, (loss, run) in runs.items():
        fired = replay(run, loss)
        kind = "healthy" if name in {h[0] for h in HEALTHY} else "sick"
        cells = " | ".join(f"{fired.get(k, 0) / fired['moments']:.0%}" for k in kinds)
        swing, spikes = worst_swings(run, loss)
        lines.append(f"| {name} | {kind} | {loss} | {int(run['step'][-1]):,} | {cells} | {swing:.2f} | {spikes:.1f} |")
    update_section(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
