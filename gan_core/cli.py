"""The command line: `python -m gan_core COMMAND ...` drives the same library as the app, headless."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from gan_core import __version__
from gan_core.errors import PlaygroundError
from gan_core.models.precision import ENV_VAR, SETTINGS, choose_precision
from gan_core.training.config import LOSSES
from gan_core.words import plural


def _load_tensorflow_quietly() -> None:
    """Import TensorFlow and probe its devices with the C++ start-up lines (oneDNN, CPU features, the failed CUDA
    probe on a machine without a GPU) kept off the screen; if that fails, they are shown after all."""
    import tempfile

    with tempfile.TemporaryFile(mode="w+b") as sink:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            import tensorflow as tf

            tf.config.list_physical_devices()
        except BaseException:
            os.dup2(saved, 2)
            sink.seek(0)
            sys.stderr.write(sink.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _cmd_datasets(args: argparse.Namespace) -> int:
    from gan_core.data import all_dataset_status

    for status in all_dataset_status():
        extra = f"; {status.alternative}" if status.alternative else ""
        print(f"{status.spec.name:<14} {status.spec.title:<14} {status.summary}{extra}")
    return 0


class _ByteBar:
    """A download's progress on the terminal: one line redrawn in place, or a line per tenth in a log."""

    def __init__(self, title: str) -> None:
        self.title, self.tty, self.shown = title, sys.stdout.isatty(), -1

    def __call__(self, done: int, expected: int) -> None:
        mb = done / 2**20
        if expected:
            tenth = min(10, int(10 * done / expected))
            text = f"{self.title}: [{'#' * tenth}{'-' * (10 - tenth)}] {mb:,.0f} of about {expected / 2**20:,.0f} MB"
        else:
            tenth = int(mb // 25)  # a log line every 25 MB when the size is not known
            text = f"{self.title}: {mb:,.0f} MB"
        if self.tty:
            print(f"\r{text}", end="", flush=True)
        elif tenth != self.shown and done:
            print(text, flush=True)
        self.shown = tenth

    def close(self) -> None:
        if self.tty and self.shown >= 0:
            print()


def _cmd_fetch(args: argparse.Namespace) -> int:
    import keras

    from gan_core.downloads import fetch_item, resolve_items

    keras.config.disable_interactive_logging()  # one progress bar, ours, not Keras' as well
    hub_repos = [s for s in args.items if s.startswith(("hf://", "hf:", "https://huggingface.co/"))]
    rest = [s for s in args.items if s not in hub_repos]
    items = resolve_items(rest) if rest or not hub_repos else []  # nothing named: the default items
    failed = sum(not _fetch_hub_repo(spec) for spec in hub_repos)
    for item in items:
        bar = _ByteBar(item.title)
        result = fetch_item(item, progress=bar)
        bar.close()
        print(result.message, file=sys.stdout if result.ok else sys.stderr, flush=True)
        failed += not result.ok
    if failed:
        print(f"{plural(failed, 'item')} of {len(items) + len(hub_repos)} not fetched", file=sys.stderr)
    return 1 if failed else 0


def _fetch_hub_repo(spec: str) -> bool:
    """hf://user/name into huggingface_hub's cache (its own progress bars), to open offline afterwards."""
    from gan_core.sharing.hub_downloads import download_repo
    from gan_core.sharing.hub_names import hub_repo_id

    try:
        repo_id = hub_repo_id(spec)
        folder = download_repo(repo_id, offline=False)
    except PlaygroundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return False
    print(f"hf://{repo_id}: in the Hugging Face cache ({folder}); it opens offline from there.", flush=True)
    return True


def _cmd_push(args: argparse.Namespace) -> int:
    from gan_core.sharing.push import push_run

    run = Path(args.run)
    if not (run / "config.json").is_file():
        raise PlaygroundError(f"{run} is not a run folder (it has no config.json): give --run a folder of runs/.")
    url, private = push_run(run, args.repo, private=not args.public, say=lambda text: print(text, flush=True))
    print(f"pushed {run.name} to {url} ({'private' if private else 'public'}); open it with "
          f"--model hf://{args.repo.strip()}")  # fmt: skip
    return 0


def _cmd_import_images(args: argparse.Namespace) -> int:
    from gan_core.data.import_limits import ImportLimits
    from gan_core.data.own_images import import_images, save_dataset_folder

    source = Path(args.source)
    out = Path(args.out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        print(f"error: --out {out} already exists; name a new folder for --out (nothing is written over)",
              file=sys.stderr)  # fmt: skip
        return 2
    limits = ImportLimits(min_images=args.min_images)
    if source.is_dir():
        result = import_images(folder=source, size=args.size, limits=limits)
    elif source.is_file():
        result = import_images(uploads=[(source.name, source.read_bytes())], size=args.size, limits=limits)
    else:
        print(f"error: {source} is neither a folder nor a file", file=sys.stderr)
        return 2
    for line in result.report.lines():
        print(line)
    if not result.usable:
        print(f"error: {result.problem}", file=sys.stderr)
        print(f"nothing written ({result.report.imported} usable images read, {result.report.skipped} skipped)")
        return 1
    out = save_dataset_folder(result, out, title=args.title, source=str(source))
    print(f"wrote {out} ({result.images.shape[1]}x{result.images.shape[2]}x{result.images.shape[3]})")
    if result.training_note:
        print(f"note: {result.training_note}")
    print(result.report.summary)
    return 0


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


def _cmd_train(args: argparse.Namespace) -> int:

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
    changes = {k: v for k, v in vars(args).items() if k in _TRAIN_FLAGS and v is not None}
    if (out / "config.json").is_file():
        config = RunConfig.read(out)
        # Settings repeated as they are change nothing (every worker of a cluster may start with the same flags).
        if {k for k, v in changes.items() if k not in _LENGTH_FLAGS and getattr(config.train, k) != v}:
            print(f"error: {out} is an existing run; only --epochs and --minutes can change when resuming",
                  file=sys.stderr)  # fmt: skip
            return 2
        if (args.recipe or args.conditional) and _recipe_model(config, args) != config.model:
            print(f"error: {out} is an existing run whose networks are set; resume it without --recipe or "
                  "--conditional, or pick a new --out", file=sys.stderr)  # fmt: skip
            return 2
        length = {k: v for k, v in changes.items() if k in _LENGTH_FLAGS}
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


def _cmd_toy(args: argparse.Namespace) -> int:
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


def _open_model(args: argparse.Namespace):
    from gan_core.explore.choices import resolve_model
    from gan_core.settings import Settings

    settings = Settings.from_env()
    return resolve_model(args.model, settings.runs_dir, settings.offline)


def _class_ids(sampler, names: list[str] | None) -> list[int]:
    """The classes a grid takes in turn: those named, or every class (as the app does when none is chosen)."""
    if not sampler.info.conditional:
        if names:
            raise ValueError(f"{sampler.info.title} is unconditional: it takes no --class")
        return []
    if not names:
        return list(range(len(sampler.info.class_names)))
    try:
        return [sampler.catalog.resolve(name).index for name in names]
    except PlaygroundError as exc:
        raise PlaygroundError(f"--class: {exc}") from None


def _truncation(sampler, asked: float | None) -> float:
    """--truncation, or the model's own default (SamplerInfo.default_truncation)."""
    return sampler.info.default_truncation if asked is None else asked


def _cmd_sample(args: argparse.Namespace) -> int:
    from gan_core.explore.pipeline import sample_grid
    from gan_core.pictures.render import image_file_bytes, image_grid, labelled_grid

    image_file_bytes(np.zeros((1, 1, 3), np.uint8), Path(args.out).suffix)  # a bad --out fails before the work
    sampler = _open_model(args)
    classes = _class_ids(sampler, args.classes)
    truncation = _truncation(sampler, args.truncation)
    images = sample_grid(sampler, classes, args.n, truncation, args.seed)
    columns = int(np.ceil(np.sqrt(args.n)))
    if classes:
        names = [sampler.info.class_names[c] for c in np.resize(classes, args.n)]
        grid = labelled_grid(images, names, columns, scale=max(1, 96 // images.shape[1]))
    else:
        grid = image_grid(images, ncols=columns)
    Path(args.out).write_bytes(image_file_bytes(grid, Path(args.out).suffix))
    what = ""
    if classes:
        what = f", classes {', '.join(sampler.info.class_names[c] for c in classes)}" if args.classes else (
            ", every class in turn")  # fmt: skip
    step = f"step {sampler.info.step}, " if sampler.info.step is not None else ""
    cache = ", from cache" if sampler.info.source.endswith(", from cache") else ""  # a hub model fetched before
    print(f"wrote {args.out}: {plural(args.n, 'sample')} from {sampler.info.title}{cache} ({step}seed {args.seed}, "
          f"truncation {truncation:g}{what})")  # fmt: skip
    return 0


def _cmd_interpolate(args: argparse.Namespace) -> int:
    from gan_core.explore.pipeline import interpolation
    from gan_core.pictures.render import gif_bytes, mp4_bytes, png_bytes, upscale

    sampler = _open_model(args)
    a = b = None
    if sampler.info.conditional:
        if args.class_from is None or args.class_to is None:
            raise ValueError(f"{sampler.info.title} is class-conditional: give --from and --to")
        a, b = _class_ids(sampler, [args.class_from, args.class_to])
    truncation = _truncation(sampler, args.truncation)
    frames = interpolation(sampler, a, b, args.steps, truncation, args.seed, args.mode, args.same_noise)
    factor = max(1, 256 // frames.shape[1])
    frames = [upscale(f, factor) for f in frames]
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix == ".gif":
        data = gif_bytes(frames, fps=8, hold_last=0)
    elif suffix == ".mp4":
        data = mp4_bytes(frames, fps=8)
    elif suffix == ".png":
        from gan_core.pictures.render import image_grid

        data = png_bytes(image_grid(np.stack(frames), ncols=len(frames)))
    else:
        raise ValueError("--out must end in .gif, .mp4 or .png")
    out.write_bytes(data)
    print(f"wrote {out}: {args.steps} steps from {args.class_from or 'noise A'} to {args.class_to or 'noise B'} "
          f"({sampler.info.title}, seed {args.seed}, truncation {truncation:g}, mode {args.mode})")  # fmt: skip
    return 0


def _cmd_directions(args: argparse.Namespace) -> int:
    from gan_core.explore.direction_names import read_saved_names
    from gan_core.explore.directions import SPAN, direction_strips
    from gan_core.models.latent import truncated_noise
    from gan_core.pictures.render import captioned_rows, image_file_bytes

    image_file_bytes(np.zeros((1, 1, 3), np.uint8), Path(args.out).suffix)  # a bad --out fails before the work
    sampler = _open_model(args)
    classes = _class_ids(sampler, [args.class_name] if args.class_name else None)
    truncation = _truncation(sampler, args.truncation)
    noise = truncated_noise(1, sampler.info.noise_dim, truncation, args.seed)[0]  # the grid's first sample
    found = sampler.directions()
    strips = direction_strips(sampler, noise, classes[0] if classes else None, found, truncation, args.steps)
    names = read_saved_names(Path(args.model)) if (Path(args.model) / "config.json").is_file() else ()
    captions = [f"{i + 1}{' · ' + names[i] if names and names[i] else ''} · {found.gain(i):.1f}x a typical "
                f"direction · {-SPAN:g} to +{SPAN:g}" for i in range(len(found))]  # fmt: skip
    sheet = captioned_rows(strips, captions, scale=max(1, 64 // strips.shape[2]))
    Path(args.out).write_bytes(image_file_bytes(sheet, Path(args.out).suffix))
    what = f", class {sampler.info.class_names[classes[0]]}" if classes else ""
    print(f"wrote {args.out}: the top {len(found)} directions (SeFa) of {sampler.info.title}, {args.steps} steps "
          f"each from {-SPAN:g} to +{SPAN:g} (seed {args.seed}{what}, truncation {truncation:g})")  # fmt: skip
    return 0


def _cmd_invert(args: argparse.Namespace) -> int:
    from gan_core.explore.inversion_folder import invert_folder

    images, out = Path(args.images), Path(args.out)
    if not images.is_dir():
        raise ValueError(f"--images {args.images} is not a folder: give a folder of pictures")
    if out.resolve() == images.resolve():
        raise ValueError("--out is the --images folder: give another folder, so no picture is overwritten")
    sampler = _open_model(args)
    done = invert_folder(sampler, images, out, args.truncation)
    print(f"wrote {done.written} reconstructions to {out}: {done.summary}")
    return 0 if done.written else 1


def _cmd_export(args: argparse.Namespace) -> int:
    from gan_core.explore.samplers import RunModelSampler

    sampler = _open_model(args)
    if not isinstance(sampler, RunModelSampler):
        raise PlaygroundError(f"{sampler.info.title} comes from TF Hub, where its handle is how to use it elsewhere; "
                              "export takes a shipped model or a run folder.")  # fmt: skip
    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        raise PlaygroundError(f"{out} is not empty: choose a new folder with --out.")
    keras_file, savedmodel = sampler.export(out)
    print(f"wrote {keras_file} (keras.saving.load_model) and {savedmodel}/ (tf.saved_model.load; signature "
          f"'pictures': noise{' and class_index' if sampler.info.conditional else ''} in, uint8 pictures out) "
          f"from {sampler.info.title}")  # fmt: skip
    return 0


def _print_progress(fraction: float, text: str) -> None:
    print(f"[{'#' * int(fraction * 20):<20}] {text}", flush=True)


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from gan_core.evaluation.evaluate_run import EvaluationRequest, evaluate_run, evaluation_rows

    request = EvaluationRequest(args.run, args.dataset, args.n, args.seed, args.real)
    result = evaluate_run(request, _print_progress)
    print(f"\n{result.label} vs {args.dataset} ({args.real} split)")
    for name, value, _ in evaluation_rows(result):
        print(f"  {name:<56} {value}")
    for warning in result.report.warnings:
        print(f"  warning: {warning}")
    return 0


def _cmd_fid(args: argparse.Namespace) -> int:
    from gan_core.evaluation.image_folders import load_image_folder
    from gan_core.measures.evaluate import sample_size_warnings
    from gan_core.measures.features import extractor_for
    from gan_core.measures.metrics import fid
    from gan_core.settings import Settings

    extractor = extractor_for(args.features, offline=Settings.from_env().offline)
    shape = getattr(getattr(extractor, "config", None), "image_shape", None)  # a domain classifier's fixed input
    channels, size = (shape[2], (shape[1], shape[0])) if shape else (3, None)
    if size:
        print(f"images are centre-cropped and resized to {size[0]}x{size[1]}, the classifier's input (as the "
              "Evaluate page does)", flush=True)
    features = []
    for i, folder in enumerate((args.dir_a, args.dir_b)):

        def progress(done: int, total: int, i: int = i, folder: str = folder) -> None:
            _print_progress((i + done / total) / 2 * 0.5, f"reading {done:,} of {total:,} images in {folder}")

        images = load_image_folder(Path(folder), channels, progress, size)
        _print_progress(0.5 * i + 0.25, f"features of {len(images):,} images in {folder}")
        features.append(extractor.features(images))
    _print_progress(0.9, "FID")
    value = fid(*features)
    _print_progress(1.0, "done")
    n = min(len(f) for f in features)
    print(f"FID {value:.4f}  ({len(features[0]):,} vs {len(features[1]):,} images; features: {extractor.name})")
    for warning in sample_size_warnings(n):
        print(f"warning: {warning}")
    return 0


_TENSORFLOW_COMMANDS = frozenset({"train", "toy", "sample", "interpolate", "directions", "invert", "evaluate", "fid",
                                  "export", "fetch", "push"})  # fmt: skip
_NETWORK_COMMANDS = ("train", "toy", "sample", "interpolate", "directions", "invert", "evaluate",
                     "fid")  # these take --precision
_LENGTH_FLAGS = ("epochs", "minutes")  # how long a run trains: these may change when it resumes
_TRAIN_FLAGS = ("epochs", "minutes", "batch_size", "loss", "lr_g", "lr_d", "beta1", "label_smoothing", "d_steps",
                "seed", "sample_every", "checkpoint_every", "xla", "eval_every")  # fmt: skip


def _whole(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from low to high, or of at least low (argparse names the flag)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if high is None and value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, not {value}")
        if high is not None and not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be a whole number from {low:,} to {high:,}, not {value:,}")
        return value

    parse.__name__ = f"a whole number from {low} to {high}" if high is not None else f"a whole number of at least {low}"
    return parse


def _between(low: float, high: float, include_low: bool = True) -> Callable[[str], float]:
    """An argparse type: a number from low (or above it, when not `include_low`) to high."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not ((low <= value) if include_low else (low < value)) or not value <= high:  # NaN fails both
            span = f"from {low:g} to {high:g}" if include_low else f"more than {low:g} and at most {high:g}"
            raise argparse.ArgumentTypeError(f"must be a number {span}, not {text}")
        return value

    parse.__name__ = f"a number from {low} to {high}"
    return parse


def _minutes(text: str) -> float:
    """An argparse type for --minutes: a positive number (fractions allowed) of at most 10,000."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes") from None
    if not 0 < value <= 10_000:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 10,000, not {text}")
    return value


def _output_file(text: str) -> str:
    """An argparse type for --out files: its folder must exist (said before any work is done)."""
    folder = Path(text).expanduser().parent
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"the folder {folder} does not exist; create it first or pick another")
    return text


def _existing_file(text: str) -> str:
    if not Path(text).expanduser().is_file():
        raise argparse.ArgumentTypeError(f"no file {text}")
    return text


TRUNCATION_HELP = ("the noise's scale, 0.02 (typical) to 1.0 (varied); default: the model's own: 0.5 for the "
                   "shipped class-conditional models and BigGAN, 1.0 for a run (the noise it saw)")


def build_parser() -> argparse.ArgumentParser:
    from gan_core.data.import_limits import ImportLimits
    from gan_core.explore.link import MAX_SEED
    from gan_core.models.latent import TRUNCATION_RANGE
    from gan_core.settings import Settings
    from gan_core.toy.distributions import DISTRIBUTIONS
    from gan_core.training.presets import RECIPES

    limits = Settings.from_env().limits
    parser = argparse.ArgumentParser(prog="python -m gan_core", description="GAN Playground, headless.")
    parser.add_argument("--version", action="version", version=f"gan_core {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("datasets", help="list the datasets and where each would be loaded from")
    p.set_defaults(func=_cmd_datasets)

    p = sub.add_parser("fetch", help="download models and datasets once into the caches the app reads, to work "
                       "offline afterwards")  # fmt: skip
    p.add_argument("items", nargs="+", metavar="ITEM",
                   help="biggan-deep-128, biggan-deep-256, biggan-deep-512, inception, mnist, fashion_mnist, "
                        "cifar10, all, or a TF Hub / Kaggle handle")  # fmt: skip
    p.set_defaults(func=_cmd_fetch)

    p = sub.add_parser("import-images", help="turn a folder or zip of your images into a dataset folder")
    p.add_argument("source", help="a folder of images or a .zip")
    p.add_argument("--out", required=True, help="dataset folder to write (used as --dataset by train)")
    p.add_argument("--size", type=int, choices=(32, 64), default=64, help="square side in pixels (default 64)")
    p.add_argument("--title", help="a name to show in the app (default: the folder name)")
    p.add_argument("--min-images", type=int, default=ImportLimits.min_images,
                   help=f"fewest usable images to keep (default {ImportLimits.min_images})")  # fmt: skip
    p.set_defaults(func=_cmd_import_images)

    p = sub.add_parser("train", help="train a DCGAN (same --out again resumes from the latest checkpoint)")
    p.add_argument("--dataset", default="mnist", help="mnist, fashion_mnist, cifar10 or an imported folder")
    p.add_argument("--source", default="auto", choices=("auto", "bundled", "full"))
    p.add_argument("--out", required=True, help="run folder, e.g. runs/mnist-1")
    p.add_argument("--epochs", type=_whole(1))
    p.add_argument("--minutes", type=_minutes, help="a time budget: train this many minutes in all (pauses "
                   "excluded), then finish with a checkpoint; instead of --epochs")  # fmt: skip
    p.add_argument("--batch-size", type=_whole(2))
    p.add_argument("--loss", choices=LOSSES)
    p.add_argument("--lr-g", type=float)
    p.add_argument("--lr-d", type=float)
    p.add_argument("--beta1", type=float)
    p.add_argument("--label-smoothing", type=float)
    p.add_argument("--d-steps", type=_whole(1))
    p.add_argument("--seed", type=_whole(0, MAX_SEED))
    p.add_argument("--sample-every", type=_whole(1))
    p.add_argument("--checkpoint-every", type=_whole(1))
    p.add_argument("--xla", action="store_true", default=None)
    p.add_argument("--eval-every", type=int, help="steps between live FID points (MNIST, Fashion-MNIST); 0: off")
    p.add_argument("--recipe", choices=list(RECIPES), help="the networks and their loss: "
                   + "; ".join(f"{k}: {r.title}" for k, r in RECIPES.items())
                   + ". Default: the dataset's best per CPU-minute where measured, else tutorial")  # fmt: skip
    p.add_argument("--conditional", action="store_true", default=None,
                   help="the TF tutorial networks, class-conditional (labelled data); same as --recipe "
                        "tutorial-conditional")  # fmt: skip
    p.add_argument("--log-every", type=_whole(1), default=10, help="print a progress line every N steps")
    p.add_argument("--worker-timeout", type=float, default=120.0,
                   help="with TF_CONFIG: seconds a silent worker is waited for, then the run stops")  # fmt: skip
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("toy", help="train a 2-D toy GAN and print the modes it covers (same --out resumes)")
    # No defaults here for what a run keeps: a resume must tell a flag given from one left out (_cmd_toy fills them).
    p.add_argument("--data", choices=tuple(DISTRIBUTIONS), help="the points to learn (default ring)")
    p.add_argument("--points", type=_existing_file, help="a CSV of your own x, y points instead of --data")
    p.add_argument("--loss", choices=LOSSES, help="default hinge")
    p.add_argument("--seed", type=_whole(0, MAX_SEED), help="default 0")
    p.add_argument("--noise-dim", type=int, choices=(1, 2), help="2 (default): G warps a plane; 1: a curve")
    p.add_argument("--steps", type=_whole(1), default=20_000, help="the run's length in steps (default 20,000)")
    p.add_argument("--lr", type=_between(0, 0.1, include_low=False),
                   help="learning rate of G and D, more than 0 and at most 0.1 (default 5e-4)")  # fmt: skip
    p.add_argument("--no-average", action="store_true", help="count modes on G itself, not its weight average")
    p.add_argument("--seconds", type=float, default=0.0, help="stop after this many seconds of training; 0: none")
    p.add_argument("--out", required=True, help="run folder, e.g. runs/toy-ring")
    p.set_defaults(func=_cmd_toy)

    p = sub.add_parser("sample", help="write a grid of samples from a model (shipped, a run, or TF Hub)")
    model = p.add_mutually_exclusive_group(required=True)
    model.add_argument("--model", help="a shipped model (e.g. fashion-mnist), a run folder, or a TF Hub handle")
    model.add_argument("--run", dest="model", help="a run folder (same as --model)")
    p.add_argument("--class", dest="classes", action="append",
                   help="class name or id (repeat for several); default: every class in turn, as in the app")
    p.add_argument("--n", type=_whole(1, limits.max_samples), default=16,
                   help=f"how many samples, 1 to {limits.max_samples} (this machine's cap per request)")  # fmt: skip
    p.add_argument("--seed", type=_whole(0, MAX_SEED), default=0)
    p.add_argument("--truncation", type=_between(*TRUNCATION_RANGE), default=None, help=TRUNCATION_HELP)
    p.add_argument("--out", required=True, type=_output_file, help="image file to write: .png, .jpg or .webp")
    p.set_defaults(func=_cmd_sample)

    p = sub.add_parser("interpolate", help="an animation from class A to class B (noise and class)")
    p.add_argument("--model", required=True)
    p.add_argument("--from", dest="class_from", help="class A (name or id)")
    p.add_argument("--to", dest="class_to", help="class B (name or id)")
    p.add_argument("--steps", type=_whole(2, limits.max_interpolation_steps), default=16,
                   help=f"frames, 2 to {limits.max_interpolation_steps}")  # fmt: skip
    p.add_argument("--seed", type=_whole(0, MAX_SEED), default=0)
    p.add_argument("--truncation", type=_between(*TRUNCATION_RANGE), default=None, help=TRUNCATION_HELP)
    p.add_argument("--mode", choices=("both", "noise", "class"), default="both", help="what moves from A to B")
    p.add_argument("--same-noise", action="store_true", help="keep noise A throughout")
    p.add_argument("--out", required=True, type=_output_file, help=".gif, .mp4 or .png (a strip)")
    p.set_defaults(func=_cmd_interpolate)

    p = sub.add_parser("directions", help="strips of one sample moved along the directions its generator found "
                       "by itself (SeFa: no labels, no training)")  # fmt: skip
    p.add_argument("--model", required=True, help="a shipped model, a run folder, or a TF Hub handle")
    p.add_argument("--seed", type=_whole(0, MAX_SEED), default=0, help="the sample: the first of this seed's grid")
    p.add_argument("--class", dest="class_name", help="class name or id (default: the first class)")
    p.add_argument("--steps", type=_whole(2, 15), default=7, help="pictures per direction, 2 to 15 (default 7)")
    p.add_argument("--truncation", type=_between(*TRUNCATION_RANGE), default=None, help=TRUNCATION_HELP)
    p.add_argument("--out", required=True, type=_output_file, help="image file to write: .png, .jpg or .webp")
    p.set_defaults(func=_cmd_directions)

    p = sub.add_parser("invert", help="find pictures in a GAN: the noise (and class) whose picture is closest to each")
    p.add_argument("--model", required=True, help="a shipped model, a run folder, or a TF Hub handle")
    p.add_argument("--images", required=True, help="a folder of pictures (PNG, JPEG, WebP; any size)")
    p.add_argument("--out", required=True, help="folder for the reconstructions, each under its picture's name")
    p.add_argument("--truncation", type=_between(*TRUNCATION_RANGE), default=None, help=TRUNCATION_HELP)
    p.set_defaults(func=_cmd_invert)

    p = sub.add_parser("push", help="share a run on the Hugging Face Hub: its generator, config, curves, last grid, "
                       "progress GIF and a model card (needs a token: HF_TOKEN or `hf auth login`)")  # fmt: skip
    p.add_argument("--run", required=True, help="a run folder")
    p.add_argument("--repo", required=True, help="the model repo to create or update: user/name")
    p.add_argument("--public", action="store_true", help="make a new repo public (default: private)")
    p.set_defaults(func=_cmd_push)

    p = sub.add_parser("export", help="a generator to use elsewhere: a .keras file and a SavedModel that need only "
                       "Keras and TensorFlow")  # fmt: skip
    p.add_argument("--model", required=True, help="a shipped model (e.g. mnist) or a run folder")
    p.add_argument("--out", required=True, help="a new (or empty) folder for generator.keras and generator_savedmodel/")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("evaluate", help="FID, KID, precision/recall and class coverage of a run's samples")
    p.add_argument("--run", required=True, help="run folder, hf://user/name (a run pushed to the Hub), or "
                   "'test-split' for the real-vs-real floor")  # fmt: skip
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--real", choices=("train", "test"), default="train", help="real images to compare with")
    p.add_argument("--n", type=_whole(2, 50_000), default=5000, help="generated samples, 2 to 50,000 (default 5000)")
    p.add_argument("--seed", type=_whole(0, MAX_SEED), default=0)
    p.set_defaults(func=_cmd_evaluate)

    p = sub.add_parser("fid", help="FID between two folders of images")
    p.add_argument("dir_a")
    p.add_argument("dir_b")
    p.add_argument("--features", default="inception",
                   help="inception (TF Hub, the standard; needs a download once) or mnist / fashion_mnist "
                        "(this project's classifiers, offline; 28x28 grayscale images)")  # fmt: skip
    p.set_defaults(func=_cmd_fid)
    for name in _NETWORK_COMMANDS:
        sub.choices[name].add_argument("--precision", choices=SETTINGS, help=_precision_help(toy=name == "toy"))
    return parser


def _precision_help(toy: bool = False) -> str:
    """--precision's help: what `auto` means here, for this command (a toy run keeps float32 where images don't)."""
    from gan_core.models.precision import training_precision

    here = training_precision(choose_precision("auto"), toy)
    why = here.reason.removeprefix("auto: ")
    return f"auto (default; on this machine {here.name}: {why}), float32 or bfloat16; also ${ENV_VAR}"


def _commands(parser: argparse.ArgumentParser) -> list[str]:
    return [name for action in parser._actions if isinstance(action, argparse._SubParsersAction)
            for name in action.choices]  # fmt: skip


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """parse_args, but an option before any command says so, not that a command is missing."""
    args, extra = parser.parse_known_args(argv)
    if args.command is None:
        commands = ", ".join(_commands(parser))
        what = f"unknown option {extra[0]}" if extra else "no command given"
        parser.error(f"{what}: start with a command ({commands})")
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)} (see python -m gan_core {args.command} --help)")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    # TensorFlow's C++ log lines are not for this screen: its start-up chatter, and grappler's harmless "remapper
    # failed" on the training graph, which reads like a crash. Failures reach the person as Python errors, in one
    # sentence (below). TF_CPP_MIN_LOG_LEVEL=0 in the environment shows them all.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    args = _parse(build_parser(), sys.argv[1:] if argv is None else list(argv))
    before = os.environ.get(ENV_VAR)
    if getattr(args, "precision", None):
        os.environ[ENV_VAR] = args.precision  # read by every network call (gan_core.models.precision)
    try:
        if args.command in _NETWORK_COMMANDS:
            choose_precision()  # garbage in $GAN_PLAYGROUND_PRECISION: one sentence before TensorFlow loads
        if args.command in _TENSORFLOW_COMMANDS:
            _load_tensorflow_quietly()
        return args.func(args)
    except (PlaygroundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a file or folder the command could not read or write: its name and why, no errno
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{(exc.strerror or str(exc)).lower()}.", file=sys.stderr)
        return 1
    finally:  # main() called in-process (the tests) leaves the environment as it found it
        if before is None:
            os.environ.pop(ENV_VAR, None)
        else:
            os.environ[ENV_VAR] = before
