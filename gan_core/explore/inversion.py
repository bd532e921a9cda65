"""Find a picture in a GAN (inversion): the noise, and for a class-conditional model the class, whose picture is
closest to a target, by gradient descent on the pixels' squared error, as TF Hub's ProGAN tutorial ends.

Three stretches, for a class-conditional model:
  guess   Adam on the noise and on a softmax over the classes together (a mix of classes is differentiable);
  search  from there, every likely class tried as itself (one-hot), so the class is chosen by how well each one
          can draw the target, not by a blend;
  refine  the best class only, the rest of the steps.
An unconditional model spends every step refining. The best result so far (its noise, its class, its picture
drawn with that single class, and its error) is kept at every report, so a Stop at any moment keeps it.

Measured in bench/inversion.py (100 held-out test digits through the shipped MNIST model, the class unknown).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from gan_core.explore.samplers import to_rgb_uint8
from gan_core.models.precision import in_chosen_precision

# A reconstruction this far off (peak signal-to-noise ratio, dB, pixels in [-1, 1]) is not a match: the GAN cannot
# draw the picture. bench/inversion.py: no held-out MNIST test digit is under it through the shipped MNIST model
# (5th percentile 21 dB); 16% of Fashion-MNIST's through its model; 54% of the Emoji test split's through the Emoji
# model, which draws few of them closely.
FAR_PSNR_DB = 18.0
START_SCALE = 0.01  # the search starts at noise this small
MAX_TARGETS = 100  # pictures inverted together (a folder on the CLI goes through in batches of this many)


@dataclass(frozen=True)
class InversionConfig:
    # Tuned on 100 held-out MNIST test digits (bench/inversion.py): trying the guess's likeliest 3 classes finds
    # the class as often as trying all 10 (93% against 94%) for a third of the cost.
    guess_steps: int = 40
    search_steps: int = 20
    refine_steps: int = 120
    learning_rate: float = 0.08
    classes_tried: int = 3  # the guess's likeliest this many are each tried as themselves
    report_every: int = 10

    def __post_init__(self) -> None:
        if min(self.guess_steps, self.search_steps, self.refine_steps) < 0 or self.total_steps < 1:
            raise ValueError("an inversion needs at least one step")
        if not 0 < self.learning_rate <= 1:
            raise ValueError("the learning rate is more than 0 and at most 1")

    @property
    def total_steps(self) -> int:
        return self.guess_steps + self.search_steps + self.refine_steps


@dataclass(frozen=True)
class InversionResult:
    """The best found so far for each target: noise [B, Z], classes [B] (None: unconditional), pictures uint8
    [B, H, W, 3] drawn from them, and their squared error [B] against the targets (pixels in [-1, 1])."""

    noise: np.ndarray
    classes: np.ndarray | None
    pictures: np.ndarray
    errors: np.ndarray
    step: int  # steps taken
    total: int
    stage: str  # "guess", "search", "refine" or "done"
    curve: tuple[tuple[int, float], ...]  # (step, the best mean error so far) at each report: a falling curve
    seconds: float
    stopped: bool = False

    @property
    def psnr(self) -> np.ndarray:
        """Peak signal-to-noise ratio per target in dB (pixels span 2): higher is closer; 25+ is close."""
        return psnr_db(self.errors)

    @property
    def far(self) -> np.ndarray:
        """Which targets are not matched: the GAN cannot draw them (PSNR under FAR_PSNR_DB)."""
        return self.psnr < FAR_PSNR_DB


def psnr_db(mse: np.ndarray) -> np.ndarray:
    return 10.0 * np.log10(4.0 / np.maximum(np.asarray(mse, np.float64), 1e-10))


def as_model_pixels(targets: np.ndarray, channels: int) -> np.ndarray:
    """uint8 targets [B, H, W, 1 or 3] -> float32 in [-1, 1] with the model's channel count."""
    x = np.asarray(targets, np.float32) / 127.5 - 1.0
    if x.ndim == 3:
        x = x[..., None]
    if x.shape[-1] == 3 and channels == 1:
        x = x @ np.array([0.299, 0.587, 0.114], np.float32)[:, None]
    elif x.shape[-1] == 1 and channels == 3:
        x = np.repeat(x, 3, axis=-1)
    return x


class _Descent:
    """Adam on the noise (and on class logits, when `learn_classes`) toward fixed targets: one compiled step."""

    def __init__(self, sampler, targets, noise: np.ndarray, truncation: float, learning_rate: float,
                 logits: np.ndarray | None = None, classes: np.ndarray | None = None) -> None:  # fmt: skip
        import keras
        import tensorflow as tf

        self._tf = tf
        self.noise = tf.Variable(noise.astype(np.float32))
        self.logits = None if logits is None else tf.Variable(logits.astype(np.float32))
        count = len(sampler.info.class_names)
        fixed = None if classes is None else tf.one_hot(classes, count)
        optimizer = keras.optimizers.Adam(learning_rate)
        variables = [self.noise] + ([self.logits] if self.logits is not None else [])
        optimizer.build(variables)  # its moments exist before the loop below (no variables are made inside one)
        targets = tf.constant(targets)

        def probabilities():
            return tf.nn.softmax(self.logits) if self.logits is not None else fixed

        @tf.function
        def steps(n):
            """n steps in one call (a graph loop: no Python between steps); the last step's errors."""
            errors = tf.zeros([len(noise)], tf.float32)
            for _ in tf.range(n):
                with tf.GradientTape(watch_accessed_variables=False) as tape:
                    tape.watch(variables)
                    drawn = sampler.pictures_tensor(self.noise, probabilities(), truncation)
                    errors = tf.reduce_mean(tf.square(drawn - targets), axis=[1, 2, 3])
                    loss = tf.reduce_sum(errors)
                optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
            return errors

        self._steps = steps

    def run(self, steps: int, chunk: int, should_stop: Callable[[], bool],
            each: Callable[[int, np.ndarray], None]) -> bool:  # fmt: skip
        """`steps` steps in chunks of `chunk` (each(n, errors) after every chunk of n); True if stopped early."""
        done = 0
        while done < steps:
            if should_stop():
                return True
            n = min(chunk, steps - done)
            with in_chosen_precision():
                errors = self._steps(self._tf.constant(n)).numpy()
            done += n
            each(n, errors)
        return False


class Inversion:
    """One search for `targets` (uint8 [B, H, W, C] at the model's resolution) in `sampler`'s generator."""

    def __init__(self, sampler, targets: np.ndarray, truncation: float | None = None,
                 config: InversionConfig = InversionConfig()) -> None:  # fmt: skip
        info = sampler.info
        targets = np.asarray(targets)
        if targets.ndim == 3:
            targets = targets[..., None]
        if targets.ndim != 4 or targets.shape[1:3] != (info.resolution, info.resolution) or not 1 <= len(
                targets) <= MAX_TARGETS:  # fmt: skip
            raise ValueError(f"{info.title} finds pictures of {info.resolution}x{info.resolution} px, 1 to "
                             f"{MAX_TARGETS} at a time; got {'x'.join(map(str, targets.shape))}")  # fmt: skip
        self.sampler, self.config = sampler, config
        self.truncation = info.default_truncation if truncation is None else float(truncation)
        self.pixels = as_model_pixels(targets, info.channels)
        conditional = info.conditional
        # An unconditional model has no class to guess or search: every step refines.
        self.plan = config if conditional else replace(config, guess_steps=0, search_steps=0,
                                                       refine_steps=config.total_steps)  # fmt: skip
        count, size = len(targets), info.noise_dim
        self._best_noise = np.zeros((count, size), np.float32)
        self._best_classes = np.zeros(count, np.int64) if conditional else None
        self._best_errors = np.full(count, np.inf)
        self._best_pictures = np.zeros((count, info.resolution, info.resolution, 3), np.uint8)
        self._curve: list[tuple[int, float]] = []

    def _draw(self, noise: np.ndarray, classes: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Pictures of (noise, single classes) and their errors against the targets."""
        import tensorflow as tf

        count = len(self.sampler.info.class_names)
        probs = None if classes is None else tf.one_hot(classes, count)
        with in_chosen_precision():
            drawn = self.sampler.pictures_tensor(tf.constant(noise), probs, self.truncation).numpy()
        errors = np.mean(np.square(drawn - self.pixels), axis=(1, 2, 3))
        return to_rgb_uint8(drawn), errors

    def _keep_better(self, noise: np.ndarray, classes: np.ndarray | None) -> None:
        pictures, errors = self._draw(noise, classes)
        better = errors < self._best_errors
        self._best_noise[better], self._best_errors[better] = noise[better], errors[better]
        self._best_pictures[better] = pictures[better]
        if classes is not None:
            self._best_classes[better] = classes[better]

    def result(self, step: int, stage: str, started: float, stopped: bool) -> InversionResult:
        return InversionResult(self._best_noise.copy(), None if self._best_classes is None else
                               self._best_classes.copy(), self._best_pictures.copy(), self._best_errors.copy(),
                               step, self.plan.total_steps, stage, tuple(self._curve), time.perf_counter() - started,
                               stopped)  # fmt: skip

    def run(self, should_stop: Callable[[], bool] = lambda: False,
            on_report: Callable[[InversionResult], None] | None = None) -> InversionResult:  # fmt: skip
        """Search; `on_report` gets the best so far every `report_every` steps; `should_stop` ends it early."""
        plan, started, count = self.plan, time.perf_counter(), len(self.pixels)
        classes_total = len(self.sampler.info.class_names)
        taken = 0

        def reporter(stage: str, candidate: Callable[[], tuple[np.ndarray, np.ndarray | None]]):
            def each(n: int, _errors: np.ndarray) -> None:  # after each chunk of n steps
                nonlocal taken
                taken += n
                self._keep_better(*candidate())
                self._curve.append((taken, float(np.mean(self._best_errors))))
                if on_report is not None:
                    on_report(self.result(taken, stage, started, False))
            return each

        # Near the centre of the noise, not at it: a generator that normalises its noise (ProGAN) has no direction
        # at exactly zero (its gradient there is not a number).
        noise = (np.random.default_rng(0).standard_normal(self._best_noise.shape) * START_SCALE).astype(np.float32)
        stopped = False
        chosen = self._best_classes  # None for an unconditional model
        tried = np.tile(np.arange(min(plan.classes_tried, classes_total)), (count, 1))  # without a guess: the first
        if plan.guess_steps:
            guess = _Descent(self.sampler, self.pixels, noise, self.truncation, plan.learning_rate,
                             logits=np.zeros((count, classes_total), np.float32))  # fmt: skip
            stopped = guess.run(plan.guess_steps, plan.report_every, should_stop, reporter(
                "guess", lambda: (guess.noise.numpy(), guess.logits.numpy().argmax(1))))  # fmt: skip
            noise, chosen = guess.noise.numpy(), guess.logits.numpy().argmax(1)
            self._keep_better(noise, chosen)
            tried = np.argsort(-guess.logits.numpy(), axis=1)[:, :min(plan.classes_tried, classes_total)]
        if plan.search_steps and not stopped:
            k = tried.shape[1]
            search = _Descent(self.sampler, np.repeat(self.pixels, k, axis=0), np.repeat(noise, k, axis=0),
                              self.truncation, plan.learning_rate, classes=tried.reshape(-1))  # fmt: skip
            latest = np.full((count, k), np.inf)

            def each_class_best() -> tuple[np.ndarray, np.ndarray]:
                pick = latest.argmin(axis=1)
                return search.noise.numpy().reshape(count, k, -1)[np.arange(count), pick], tried[np.arange(count),
                                                                                                  pick]  # fmt: skip

            report = reporter("search", each_class_best)

            def each(n: int, errors: np.ndarray) -> None:
                latest[:] = errors.reshape(count, k)
                report(n, errors)

            stopped = search.run(plan.search_steps, plan.report_every, should_stop, each)
            if np.isfinite(latest).all():
                noise, chosen = each_class_best()
                self._keep_better(noise, chosen)
        if plan.refine_steps and not stopped:
            refine = _Descent(self.sampler, self.pixels, noise, self.truncation, plan.learning_rate,
                              classes=chosen)  # fmt: skip
            stopped = refine.run(plan.refine_steps, plan.report_every, should_stop, reporter(
                "refine", lambda: (refine.noise.numpy(), chosen)))  # fmt: skip
            self._keep_better(refine.noise.numpy(), chosen)
        return self.result(taken, "stopped" if stopped else "done", started, stopped)
