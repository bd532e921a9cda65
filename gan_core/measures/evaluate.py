"""Evaluate generated images against real ones in one feature space, with the features and N named."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gan_core.measures.diversity import NearestNeighbours, feature_diversity, nearest_training_images, ssim_diversity
from gan_core.measures.metrics import KID, ClassCoverage, PrecisionRecall, class_coverage, fid, kid, precision_recall

SMALL_N = 2_000  # below this FID's upward bias is large (Chong & Forsyth 2020): compare only at equal N
PR_MIN = 6  # k-NN with k=5 (density and coverage) needs six of each
PR_CAP = 5_000  # k-NN on all pairs: the sets are capped so memory stays bounded

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Diversity:
    features_fake: float  # mean pairwise feature distance of the samples
    features_real: float  # the same for real images: the reference
    ssim_fake: float  # 1 - mean SSIM of random pairs of samples
    ssim_real: float


@dataclass(frozen=True)
class EvaluationReport:
    features: str  # the extractor's name: numbers on different features are not comparable
    n_real: int
    n_fake: int
    fid: float | None  # None: too few images for a covariance (the other measures still stand)
    kid: KID
    pr: PrecisionRecall | None  # None: too few images for k nearest neighbours
    coverage: ClassCoverage | None
    diversity: Diversity
    memorisation: NearestNeighbours | None  # each sample's nearest training image, in pixels
    warnings: tuple[str, ...]

    def rows(self) -> list[tuple[str, str, str]]:
        """(metric, value as text, what it means to a student in a line), for the screen."""
        d, kid, pr = self.diversity, self.kid, self.pr
        rows = [
            ("features", self.features, "the network whose features every score below compares"),
            ("samples", f"{self.n_fake:,} generated vs {self.n_real:,} real", "compare scores only at equal N"),
            (f"FID (N={self.n_fake:,})", "—" if self.fid is None else f"{self.fid:.3f}",
             "distance between real and generated feature statistics: 0 is identical, lower is better"),
            (f"KID x1000 ({kid.subsets} subsets of {kid.subset_size})", kid_words(kid),
             "like FID but unbiased at small N: 0 means the sets cannot be told apart; its size depends on the "
             "features, so compare it only with another KID on the same features and N"),
            ("precision / recall (k=3)", "—" if pr is None else f"{pr.precision:.3f} / {pr.recall:.3f}",
             "share of samples that look like real ones / share of the real variety the samples reach (1 is best)"),
            ("density / coverage (k=5)", "—" if pr is None else f"{pr.density:.3f} / {pr.coverage:.3f}",
             "like precision / recall, less fooled by outliers"),
            ("diversity: feature distance (generated / real)", f"{d.features_fake:.3f} / {d.features_real:.3f}",
             "how different two samples are: far below the real value means samples look alike"),
            ("diversity: 1 − SSIM (generated / real)", f"{d.ssim_fake:.3f} / {d.ssim_real:.3f}",
             "the same, on pixels' structure"),
        ]  # fmt: skip
        if self.coverage is not None:
            c = self.coverage
            rows.append(("classes covered", f"{c.covered} of {c.num_classes}" + (" — mode collapse" if c.collapsed
                         else ""), "classes the classifier finds among the samples: fewer than all is mode collapse"))
            rows.append(("KL(generated || real classes)", f"{c.kl_from_real:.4f}",
                         "how far the samples' class shares are from the real ones: 0 is the same mix"))
        if self.memorisation is not None:
            m = self.memorisation
            held = f" (held-out real: {m.held_out_difference:.1f})" if m.held_out_difference is not None else ""
            verdict = " — samples sit suspiciously close to training images" if m.suspicious else ""
            rows.append(("nearest training image: typical pixel difference (0-255)",
                         f"{m.typical_difference:.1f}{held}{verdict}",
                         "far below the held-out real images' value would mean the samples copy training images"))
        return rows

    def numbers(self) -> dict[str, float | str | None]:
        """One number per column, plain ASCII names, for a spreadsheet (what the rows say, as values)."""
        d, c, m, pr = self.diversity, self.coverage, self.memorisation, self.pr
        out: dict[str, float | str | None] = {
            "features": self.features, "N generated": self.n_fake, "N real": self.n_real, "FID": self.fid,
            "KID x1000": 1000 * self.kid.mean, "KID x1000 std": 1000 * self.kid.std,
            **{name: getattr(pr, name) if pr is not None else None for name in ("precision", "recall", "density",
                                                                                 "coverage")},
            "diversity features generated": d.features_fake,
            "diversity features real": d.features_real, "diversity 1-SSIM generated": d.ssim_fake,
            "diversity 1-SSIM real": d.ssim_real,
        }  # fmt: skip
        if c is not None:
            out |= {"classes covered": c.covered, "classes": c.num_classes, "KL generated vs real classes":
                    c.kl_from_real}  # fmt: skip
        if m is not None:
            out["nearest training image pixel difference"] = m.typical_difference
            if m.held_out_difference is not None:
                out["held-out real pixel difference"] = m.held_out_difference
        return out


def kid_words(kid: KID) -> str:
    """KID x1000 with its spread over subsets, and what that says: above zero, or within the noise of zero (a
    value below zero is noise too: KID's estimate is unbiased, so equal sets scatter on both sides of 0)."""
    mean, std = 1000 * kid.mean, 1000 * kid.std
    digits = 2 if max(abs(mean), std) < 100 else 0
    shown = f"{mean:,.{digits}f} ± {std:,.{digits}f}"
    if abs(mean) <= 2 * std:
        return f"{shown}: within the noise of 0, the sets cannot be told apart at this N"
    return f"{shown}: above 0, the sets differ" if mean > 0 else f"{shown}: below 0 by more than its noise"


def sample_size_warnings(n: int, dim: int | None = None) -> tuple[str, ...]:
    found = []
    if dim is not None and n <= dim:
        found.append(f"N={n:,} is not above the {dim} feature dimensions: FID cannot be computed (it needs more "
                     f"than {dim} images, and thousands to mean much); the other measures still stand")
    elif n < SMALL_N:
        found.append(f"FID is biased upward at small N (here {n:,}); compare FIDs only at equal N")
    return tuple(found)


def evaluate_images(
    real: np.ndarray,
    real_labels: np.ndarray | None,
    fake: np.ndarray,
    extractor,
    progress: Progress | None = None,
    train_pool: np.ndarray | None = None,
    held_out: np.ndarray | None = None,
) -> EvaluationReport:
    """FID, KID, precision/recall/density/coverage, diversity, (for a classifier) class coverage, and (given
    the training images) each sample's nearest training image, of `fake` against `real`."""
    say = progress or (lambda fraction, text: None)
    say(0.0, "features of the real images")
    real_features = extractor.features(real)
    say(0.25, "features of the generated images")
    fake_features = extractor.features(fake)
    say(0.5, "FID and KID")
    n = min(len(real), len(fake))
    dim = real_features.shape[1]
    fid_value = fid(real_features, fake_features) if n > dim else None  # else said in the warnings, below
    kid_value = kid(real_features, fake_features, subsets=50, subset_size=min(1000, max(2, n // 2)))
    say(0.65, "precision, recall, density, coverage")
    pr = precision_recall(real_features[:PR_CAP], fake_features[:PR_CAP]) if n >= PR_MIN else None
    say(0.8, "diversity")
    diversity = Diversity(
        feature_diversity(fake_features), feature_diversity(real_features), ssim_diversity(fake), ssim_diversity(real)
    )
    coverage = None
    if hasattr(extractor, "classify") and real_labels is not None:
        coverage = class_coverage(extractor.classify(fake), real_labels, extractor.config.num_classes)
    memorisation = None
    if train_pool is not None:
        say(0.9, "nearest training images")
        held = held_out[:1000] if held_out is not None else None
        memorisation = nearest_training_images(fake[:1000], train_pool, held)
    say(1.0, "done")
    return EvaluationReport(
        extractor.name, len(real), len(fake), fid_value, kid_value, pr, coverage, diversity, memorisation,
        sample_size_warnings(n, dim),
    )  # fmt: skip
