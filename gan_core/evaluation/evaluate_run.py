"""Evaluate a run (or the real test split, the floor) against a dataset: the one entry point that the CLI,
the Evaluate page and the model-card scripts share."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from gan_core.measures.evaluate import EvaluationReport, Progress, evaluate_images
from gan_core.measures.features import EvaluationSetupError, domain_extractor

FLOOR = "test-split"  # the run name that means "real test images instead of samples"
SAMPLE_BATCH = 1000
MAX_SAMPLES = 50_000


@dataclass(frozen=True)
class EvaluationRequest:
    run: str  # a run folder, or FLOOR
    dataset: str = "mnist"
    n: int = 5000
    seed: int = 0
    real_split: str = "train"
    checkpoint: str | None = None  # a checkpoint prefix of the run; None: the latest
    features: str = "domain"  # "domain": the dataset's shipped classifier; "inception": TF-GAN's Inception (hub)


@dataclass(frozen=True)
class DiscriminatorAccuracy:
    """The run's own D on held-out real images and fresh samples: a failure alarm, not a quality score."""

    real: float  # share of held-out real images D calls real
    fake: float  # share of fresh samples D calls fake
    n_real: int
    n_fake: int


@dataclass(frozen=True)
class RunEvaluation:
    request: EvaluationRequest
    label: str  # what was evaluated, e.g. "runs/mnist-1 (step 3,500)"
    step: int | None
    report: EvaluationReport
    discriminator: DiscriminatorAccuracy | None
    samples: np.ndarray = field(repr=False)  # the first samples, for galleries
    neighbours: np.ndarray = field(repr=False)  # each of those samples' nearest training image


def extractor_for_request(request: EvaluationRequest, dataset: str, offline: bool):
    if request.features == "inception":
        from gan_core.measures.features import InceptionExtractor

        return InceptionExtractor(offline=offline)
    if request.features != "domain":
        raise EvaluationSetupError(f"features must be 'domain' or 'inception', not {request.features!r}")
    return domain_extractor(dataset)


def generate(sampler, n: int, seed: int) -> np.ndarray:
    """n samples in batches, seeds seed, seed+1000, ... (the same images for the same n and seed)."""
    return np.concatenate([sampler.sample(min(SAMPLE_BATCH, n - i), seed=seed + i) for i in range(0, n, SAMPLE_BATCH)])


def run_folder(run: str) -> Path:
    """A run folder, or a run pushed to the Hugging Face Hub (hf://user/name), from this machine's Hub cache."""
    from gan_core.sharing.hub_names import hub_repo_id

    repo_id = hub_repo_id(run)
    if repo_id is None:
        return Path(run)
    from gan_core.settings import Settings
    from gan_core.sharing.hub_downloads import download_repo

    folder = download_repo(repo_id, Settings.from_env().offline)
    if not (folder / "config.json").is_file():
        raise EvaluationSetupError(f"hf://{repo_id} was not pushed from GAN Playground (it has no config.json): "
                                   "evaluate takes a run folder or a pushed run")  # fmt: skip
    return folder


def evaluate_run(request: EvaluationRequest, progress: Progress | None = None, extractor=None,
                 images: np.ndarray | None = None) -> RunEvaluation:  # fmt: skip
    """Score a run's samples, the real test split (FLOOR), or given `images` (uploaded; request.run names them)."""
    from gan_core.data import load_dataset
    from gan_core.runs.sampler import RunSampler
    from gan_core.settings import Settings

    say = progress or (lambda fraction, text: None)
    if images is not None:
        request = replace(request, n=len(images))
    if not 2 <= request.n <= MAX_SAMPLES:
        raise EvaluationSetupError(f"sample count must be between 2 and {MAX_SAMPLES:,}, got {request.n:,}")
    data = load_dataset(request.dataset, source="bundled" if request.real_split == "test" else "auto")
    train, test = data.split("train"), data.split("test")
    real = data.split(request.real_split)
    extractor = extractor or extractor_for_request(request, data.info.name, Settings.from_env().offline)
    pick = np.random.default_rng(request.seed).permutation(len(real))[: request.n]  # splits are stored by class
    sampler, accuracy, step = None, None, None
    if images is not None:
        if images.shape[1:] != data.info.image_shape:
            raise EvaluationSetupError(f"the images are {images.shape[1:]} but {data.info.title} has "
                                       f"{data.info.image_shape}")  # fmt: skip
        fake, label = images, request.run
    elif request.run == FLOOR:
        if request.real_split == "test":
            raise EvaluationSetupError("the floor compares the test split with the training split: use real=train")
        order = np.random.default_rng(request.seed + 1).permutation(len(test))[: request.n]  # stored by class
        fake, label = test.images[order], f"{data.info.title} test split (real images: the floor)"
    else:
        sampler = RunSampler(run_folder(request.run), checkpoint=request.checkpoint)
        step = sampler.step
        if sampler.config.model.image_shape != data.info.image_shape:
            raise EvaluationSetupError(
                f"{request.run} makes {sampler.config.model.image_shape} images but {data.info.title} has "
                f"{data.info.image_shape}: pick the dataset it was trained on"
            )
        label = f"{request.run}" + (f" (step {step:,})" if step is not None else "")
        say(0.0, f"sampling {request.n:,} images from {label}")
        fake = generate(sampler, request.n, request.seed)
    report = evaluate_images(
        real.images[pick], real.labels[pick] if real.labels is not None else None, fake, extractor,
        lambda f, text: say(0.1 + 0.8 * f, text), train_pool=train.images, held_out=test.images,
    )  # fmt: skip
    if sampler is not None and sampler.has_discriminator:
        say(0.95, "the run's discriminator on held-out real images and fresh samples")
        fresh = generate(sampler, min(request.n, 1000), request.seed + 10**6)  # conditional: classes in turn
        model = sampler.config.model
        order = np.random.default_rng(request.seed + 2).permutation(len(test))[:1000]
        held, held_labels = test.images[order], test.labels[order] if test.labels is not None else None
        fresh_labels = np.arange(len(fresh)) % model.num_classes if model.conditional else None
        accuracy = DiscriminatorAccuracy(
            float((sampler.discriminator_logits(held, held_labels) > 0).mean()),
            float((sampler.discriminator_logits(fresh, fresh_labels) <= 0).mean()),
            len(held), len(fresh),
        )  # fmt: skip
    if sampler is not None:
        trained_on = Path(sampler.config.train.dataset).name
        if trained_on != data.info.name:
            report = replace(report, warnings=(
                f"this generator was trained on {trained_on}, not {data.info.title}: its scores measure how unlike "
                f"{data.info.title} it is, not how well it learned", *report.warnings))  # fmt: skip
    say(1.0, "done")
    shown = min(16, len(fake))
    neighbours = train.images[report.memorisation.index[:shown]] if report.memorisation is not None else fake[:0]
    return RunEvaluation(request, label, step, report, accuracy, fake[:shown], neighbours)


def evaluation_rows(result: RunEvaluation) -> list[tuple[str, str, str]]:
    """(metric, value as text, what it means), the run's own D included."""
    rows = result.report.rows()
    if result.discriminator is not None:
        d = result.discriminator
        rows.append(("D accuracy: held-out real / fresh fake", f"{d.real:.2f} / {d.fake:.2f}  (N={d.n_real:,})",
                     "the run's own D: near 1 / 1 means D still tells them apart easily; an alarm, not a score"))
    return rows


def evaluation_numbers(result: RunEvaluation) -> dict[str, float | str]:
    """One number per column, the run's own D included."""
    numbers = result.report.numbers()
    if result.discriminator is not None:
        numbers |= {"D accuracy held-out real": result.discriminator.real,
                    "D accuracy fresh fake": result.discriminator.fake}  # fmt: skip
    return numbers


@dataclass(frozen=True)
class SweepPoint:
    step: int
    fid: float
    covered: int | None


def checkpoint_sweep(run_dir: Path, dataset: str, n: int = 1000, seed: int = 0,
                     progress: Progress | None = None) -> list[SweepPoint]:  # fmt: skip
    """FID (and classes covered) of every checkpoint the run keeps, at one N and seed: metric against step."""
    from gan_core.runs.sampler import checkpoint_paths

    paths = checkpoint_paths(run_dir)
    if not paths:
        raise EvaluationSetupError(f"{run_dir.name} keeps no checkpoints to compare (a shipped run has only its last)")
    extractor, points = domain_extractor(dataset), []
    for i, (step, path) in enumerate(paths):
        say = (lambda f, text, i=i: progress((i + f) / len(paths), f"checkpoint {i + 1} of {len(paths)}: {text}")) \
            if progress else None  # fmt: skip
        result = evaluate_run(EvaluationRequest(str(run_dir), dataset, n, seed, checkpoint=path), say, extractor)
        coverage = result.report.coverage
        points.append(SweepPoint(step, result.report.fid, coverage.covered if coverage else None))
    return points
