"""The commands that train: train (an image GAN, a cluster's worker too) and toy (a 2-D GAN)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

LENGTH_FLAGS = ("epochs", "minutes")  # how long a run trains: these may change when it resumes
TRAIN_FLAGS = ("epochs", "minutes", "batch_size", "loss", "lr_g", "lr_d", "beta1", "label_smoothing", "d_steps",
               "seed", "sample_every", "checkpoint_every", "xla", "eval_every")  # fmt: skip


def _progress_line(snap) -> str:
    h = snap.history
    done = snap.progress
    bar = "#" * int(done * 20) + "." * (20 - int(done * 20))
    eta = f" ETA {int(snap.eta_seconds // 60)}m{int(snap.eta_seconds % 60):02d}s" if snap.eta_seconds else ""
    if not h.get("step") or not (snap.total_steps or snap.budget_s):
        return f"[{bar}] {snap.message}"
    where = (f"{snap.trained_s / 60:.1f}/{snap.budget_s / 60:g} min step {snap.step}" if snap.budget_s
             else f"step {snap.step}/{snap.total_steps}")  # fmt: skip
    return (
        f"[{bar}] {where} epoch {snap.epoch:.2f}  d_real {h['d_loss_real'][-1]:.3f} "
        f"d_fake {h['d_loss_fake'][-1]:.3f} g {h['g_loss'][-1]:.3f}  acc real {h['d_acc_real'][-1]:.2f} "
        f"fake {h['d_acc_fake'][-1]:.2f}  {snap.images_per_sec:.0f} img/s{eta}"
    )


def _cluster_strategy(out: Path, timeout_s: float):
    """With TF_CONFIG: MultiWorkerMirroredStrategy, and where this worker writes (the chief: `out`; the others:
    a scratch folder, starting from the chief's checkpoints when this machine can read them). Else (None, out)."""
    import shutil
    import tempfile

    from gan_core.training.cluster import cluster_role, multi_worker_strategy

    if not 0 < timeout_s < 1e6:
        raise ValueError("--worker-timeout must be a positive number of seconds")
    role = cluster_role()
    if role is None:
        return None, out
    strategy = multi_worker_strategy(timeout_s)
    print(f"multi-worker training: this process is {role.describe()}", flush=True)
    if role.is_chief:
        return strategy, out
    scratch = Path(tempfile.mkdtemp(prefix=f"gan-{role.task_type}-{role.index}-"))
    if (out / "config.json").is_file():  # a resume: the same config and the chief's latest checkpoint
        shutil.copy(out / "config.json", scratch / "config.json")
        if (out / "checkpoints").is_dir():
            shutil.copytree(out / "checkpoints", scratch / "checkpoints")
    print(f"writing to scratch {scratch}; the chief writes {out}", flush=True)
    return strategy, scratch


def _trained_minutes(out: Path) -> float:
    """How long a run folder has trained so far, by its metric log (pauses excluded)."""
    from gan_core.runs.store import RunStore

    rows = RunStore(out).read_metrics()
    return float(rows[-1].get("seconds", 0.0)) / 60 if rows else 0.0


def _recipe_model(config, args: argparse.Namespace):
    """The networks --recipe / --conditional would give a new run on `config`'s dataset."""
    from gan_core.data import load_dataset
    from gan_core.training.presets import default_run_config

    info = load_dataset(config.train.dataset, source=config.train.source).info
    try:
        return default_run_config(info, conditional=args.conditional, recipe=args.recipe).model
    except ValueError:  # a conditional recipe for unlabelled images: not this run's networks either
        return None


def cmd_train(args: argparse.Namespace) -> int:

    from gan_core.data import load_dataset
    from gan_core.runs.run import TrainingRun
    from gan_core.runs.state import RunState
    from gan_core.training.presets import batch_problem, default_run_config
    from gan_core.training.run_config import RunConfig

    if args.epochs is not None and args.minutes is not None:
        print("error: --epochs and --minutes both say how long to train; give one (--minutes trains to a time "
              "budget whatever the epochs)", file=sys.stderr)  # fmt: skip
        return 2
    out = Path(args.out)
    strategy, out = _cluster_strategy(out, args.worker_timeout)
    changes = {k: v for k, v in vars(args).items() if k in TRAIN_FLAGS and v is not None}
    if (out / "config.json").is_file():
        config = RunConfig.read(out)
        # Settings repeated as they are change nothing (every worker of a cluster may start with the same flags).
        if {k for k, v in changes.items() if k not in LENGTH_FLAGS and getattr(config.train, k) != v}:
            print(f"error: {out} is an existing run; only --epochs and --minutes can change when resuming",
                  file=sys.stderr)  # fmt: skip
            return 2
        if (args.recipe or args.conditional) and _recipe_model(config, args) != config.model:
            print(f"error: {out} is an existing run whose networks are set; resume it without --recipe or "
                  "--conditional, or pick a new --out", file=sys.stderr)  # fmt: skip
            return 2
        length = {k: v for k, v in changes.items() if k in LENGTH_FLAGS}
        budget = length.get("minutes", config.train.minutes if not length else 0.0)
        trained_min = _trained_minutes(out)
        if budget and trained_min >= budget:
            print(f"error: {out} has trained {trained_min:.2f} minutes, its budget of {budget:g}; give a larger "
                  f"--minutes (more than {trained_min:.2f}) to train on", file=sys.stderr)  # fmt: skip
            return 2
        if length:  # how long it trains in all: --epochs N trains N epochs (no budget), --minutes M M minutes
            length.setdefault("minutes", 0.0)
            config = RunConfig(config.model, config.train.with_changes(**length), config.parent)
            run = TrainingRun(out, config, strategy=strategy)
        else:
            run = TrainingRun(out, strategy=strategy)
        print(f"resuming {out} from its latest checkpoint")
    else:
        data = load_dataset(args.dataset, source=args.source)
        info = data.info
        print(f"dataset: {info.title} ({info.source.label})")
        config = default_run_config(info, conditional=args.conditional, recipe=args.recipe, source=args.source,
                                    train_count=data.train_count, **changes)  # fmt: skip
        problem = batch_problem(config.train.batch_size, data.train_count)
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            return 2
        run = TrainingRun(out, config, strategy=strategy)
    run.start()
    print(f"precision: {run.precision.describe()}" if run.precision else "")
    last = -1
    try:
        while not run.join(0.5):
            snap = run.snapshot()
            if snap.step >= last + args.log_every or (last < 0 and snap.step == 0):
                print(_progress_line(snap), flush=True)
                last = snap.step
    except KeyboardInterrupt:
        print("stopping: saving a checkpoint...", flush=True)
        run.stop(wait=60)
    snap = run.snapshot()
    print(_progress_line(snap))
    print(snap.message)
    return 0 if snap.state in (RunState.FINISHED, RunState.STOPPED) else 1


def _toy_flags_changed(args: argparse.Namespace, saved) -> list[str]:
    """The flags given that differ from a saved toy run's config (a resume keeps the run's own settings)."""
    given = {"--data": (args.data, saved.train.dataset), "--loss": (args.loss, saved.train.loss),
             "--seed": (args.seed, saved.train.seed), "--noise-dim": (args.noise_dim, saved.model.noise_dim),
             "--lr": (args.lr, saved.train.lr_g)}  # fmt: skip
    return [f"{flag} {ours}" for flag, (ours, theirs) in given.items() if ours is not None and ours != theirs]


def cmd_toy(args: argparse.Namespace) -> int:
    from gan_core.runs.headless import train_toy
    from gan_core.runs.state import RunState
    from gan_core.toy.distributions import own_points, points_from_csv
    from gan_core.toy.presets import save_own_points, toy_run_config
    from gan_core.training.run_config import RunConfig

    if not 0 <= args.seconds < 1e9:
        print("error: --seconds must be 0 (no limit) or a positive number of seconds", file=sys.stderr)
        return 2
    out = Path(args.out)
    config = None
    if (out / "config.json").is_file():
        saved = RunConfig.read(out)
        if not saved.is_toy:
            print(f"error: {out} is an image GAN run; train it with `train`", file=sys.stderr)
            return 2
        changed = _toy_flags_changed(args, saved)
        if changed:
            print(f"error: {out} is an existing toy run trained with other settings ({', '.join(changed)}); "
                  "resume it without them, or pick a new --out", file=sys.stderr)  # fmt: skip
            return 2
        print(f"resuming {out} from its latest checkpoint")
    else:
        if args.points and args.data:
            print("error: --data and --points both say what to learn; give one (--points: your own CSV)",
                  file=sys.stderr)  # fmt: skip
            return 2
        data = "own" if args.points else (args.data or "ring")
        rates = {} if args.lr is None else {"lr_g": args.lr, "lr_d": args.lr}
        given = {k: v for k, v in {"loss": args.loss, "seed": args.seed, "noise_dim": args.noise_dim}.items()
                 if v is not None}  # the rest: toy_run_config's own defaults
        config = toy_run_config(data, steps=args.steps, **given, **rates,
                                **({"ema_decay": 0.0} if args.no_average else {}))  # fmt: skip
        if args.points:
            points = points_from_csv(Path(args.points).read_bytes())
            own_points(points)  # refuse unusable points before a folder is made
            save_own_points(out, points)
    state = train_toy(out, config, args.seconds)
    return 0 if state in (RunState.FINISHED, RunState.STOPPED) else 1

