"""Toy GANs: which loss covers the modes, how fast, and whether the live view keeps up while it trains.

    python -m bench.toy_modes                       # ring and grid, every loss, 60 s each (about 9 minutes)
    python -m bench.toy_modes --seconds 15 --dists ring --seeds 0,1,2
    python -m bench.toy_modes --collapse --seeds 0,1,2,3,4   # the page's mode-collapse recipe, 60 s a seed

Each run is a real toy run (gan_core.runs.TrainingRun with gan_core.toy's defaults, the same seed for every
loss), trained for the given seconds of *training* (the clock starts at the first step, after TensorFlow and the
model are built). At 5, 15 and 60 s the table shows the run's latest modes-covered measurement (taken every 250
steps on 2,500 fresh samples: a mode counts when a quarter of its fair share of samples lies within 3 sigma of it)
and the share of high-quality samples. The Inside-a-GAN page redraws from the run's published observation; the
bench polls that at 50 Hz and reports how many new observations per second a page would get (goal >= 5), and
times one Plotly figure of the plane.

Goal (issue 17): the default loss covers 8 of 8 on the ring within 15 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.watching import _cpu_model
from gan_core.runs.run import TrainingRun
from gan_core.runs.state import RunState
from gan_core.toy.presets import DEFAULT_LOSS, toy_run_config
from gan_core.training.config import LOSSES

MARKS = (5.0, 15.0, 60.0)


def one_run(folder: Path, dist: str, loss: str, seed: int, seconds: float, **recipe: object) -> dict:
    """Train one toy run for `seconds` of training; its measurements at the marks and the live view's rate.
    `recipe`: toy_run_config's other arguments (noise_dim, learning rates, ema_decay)."""
    run = TrainingRun(folder, toy_run_config(dist, loss, seed, steps=10**6, **recipe))
    run.start()
    started = None
    updates, last_obs = 0, None
    while True:
        snap = run.snapshot(with_history=False)
        assert snap.state is not RunState.FAILED, snap.message
        if started is None and snap.step > 0:
            started = time.perf_counter()
        if started is not None:
            if snap.observation is not None and snap.observation is not last_obs:
                updates += last_obs is not None
                last_obs = snap.observation
            if time.perf_counter() - started >= seconds:
                break
        time.sleep(0.02)
    run.stop(wait=60)
    rows = run.store.read_metrics()
    clock = {r["step"]: r["seconds"] for r in rows}  # the run's own training clock, pauses excluded
    evals = [(clock.get(e["step"], float("inf")), e) for e in run.store.read_evals()]
    marks = {}
    for mark in (m for m in MARKS if m <= seconds):
        before = [e for t, e in evals if t <= mark]
        marks[mark] = before[-1] if before else None
    steps = rows[-1]["step"] if rows else 0
    return {"marks": marks, "fps": updates / seconds, "steps_per_s": steps / max(rows[-1]["seconds"], 1e-9)}


def figure_ms(folder: Path) -> float:
    """Milliseconds to build the page's plane figure from a run's observation (median of 20)."""
    from gan_core.toy.trainer import ToyTrainer
    from gan_core.toy.views import PlaneLayers, plane_figure

    config = toy_run_config()
    trainer = ToyTrainer(config.model, config.train)  # type: ignore[arg-type]
    observation = trainer.observe()
    times = []
    for _ in range(20):
        t = time.perf_counter()
        plane_figure(observation, PlaneLayers(manifold=True)).to_json()
        times.append((time.perf_counter() - t) * 1e3)
    return sorted(times)[len(times) // 2]


def cell(row: dict | None) -> str:
    if row is None:
        return "—"
    return f"{row['modes_covered']}/{row['modes']}, {row['high_quality']:.0%}"


def collapse_rows(seeds: str, seconds: float) -> None:
    """The collapse recipe on the ring, one row a seed: modes covered at 5, 15 and 60 s."""
    from gan_core.toy.presets import COLLAPSE

    home = Path(tempfile.mkdtemp(prefix="bench-collapse-"))
    marks = [m for m in MARKS if m <= seconds]
    print(f"CPU: {_cpu_model()} · the collapse recipe: {COLLAPSE.describe()} · {seconds:g} s per seed", flush=True)
    print("| seed | " + " | ".join(f"{m:g} s: modes, high quality" for m in marks) + " | steps/s |")
    print("|---|" + "---|" * (len(marks) + 1))
    at_end = []
    for seed in (int(s) for s in seeds.split(",")):
        found = one_run(home / f"collapse-{seed}", "ring", COLLAPSE.loss, seed, seconds, **COLLAPSE.config_changes())
        last = found["marks"][marks[-1]]
        at_end.append(last["modes_covered"] if last else None)
        print(f"| {seed} | " + " | ".join(cell(found["marks"][m]) for m in marks)
              + f" | {found['steps_per_s']:.0f} |", flush=True)  # fmt: skip
    print(f"\nmodes covered at {marks[-1]:g} s: {at_end} (the default recipe covers 8 of 8 within 15 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0, help="training seconds per run")
    parser.add_argument("--dists", default="ring,grid")
    parser.add_argument("--losses", default=",".join(LOSSES))
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--collapse", action="store_true",
                        help="the Inside-a-GAN page's mode-collapse recipe (gan_core.toy.presets.COLLAPSE) instead")
    args = parser.parse_args()
    if args.collapse:
        collapse_rows(args.seeds, args.seconds)
        return
    home = Path(tempfile.mkdtemp(prefix="bench-toy-"))
    marks = [m for m in MARKS if m <= args.seconds]
    print(f"CPU: {_cpu_model()} · training {args.seconds:g} s per run · default loss {DEFAULT_LOSS}", flush=True)
    columns = ["data", "loss", "seed", *(f"{m:g} s: modes, high quality" for m in marks), "steps/s", "view updates/s"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    rates = []
    for dist in args.dists.split(","):
        for loss in args.losses.split(","):
            for seed in (int(s) for s in args.seeds.split(",")):
                found = one_run(home / f"{dist}-{loss}-{seed}", dist, loss, seed, args.seconds)
                rates.append(found["fps"])
                cells = " | ".join(cell(found["marks"][m]) for m in marks)
                print(f"| {dist} | {loss} | {seed} | {cells} | {found['steps_per_s']:.0f} | {found['fps']:.1f} |",
                      flush=True)  # fmt: skip
    print(f"\nlive view: {min(rates):.1f} to {max(rates):.1f} new observations a second while training (goal >= 5); "
          f"one plane figure built and serialised in {figure_ms(home):.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
