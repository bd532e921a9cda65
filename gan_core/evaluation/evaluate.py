"""Evaluate generated images against real ones in one feature space, with the features and N named."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gan_core.evaluation.metrics import KID, ClassCoverage, PrecisionRecall, class_coverage, fid, kid, precision_recall

SMALL_N = 2_000  # below this FID's upward bias is large (Chong & Forsyth 2020): compare only at equal N


@dataclass(frozen=True)
class EvaluationReport:
    features: str  # the extractor's name: numbers on different features are not comparable
    n_real: int
    n_fake: int
    fid: float
    kid: KID
    pr: PrecisionRecall
    coverage: ClassCoverage | None
    warnings: tuple[str, ...]

    def rows(self) -> list[tuple[str, str]]:
        rows = [
            ("features", self.features),
            ("samples", f"{self.n_fake:,} generated vs {self.n_real:,} real"),
            (f"FID (N={self.n_fake:,})", f"{self.fid:.3f}"),
            (f"KID ({self.kid.subsets} subsets of {self.kid.subset_size})",
             f"{self.kid.mean:.4g} ± {self.kid.std:.2g}"),
            ("precision / recall (k=3)", f"{self.pr.precision:.3f} / {self.pr.recall:.3f}"),
            ("density / coverage (k=5)", f"{self.pr.density:.3f} / {self.pr.coverage:.3f}"),
        ]  # fmt: skip
        if self.coverage is not None:
            c = self.coverage
            rows.append(
                ("classes covered", f"{c.covered} of {c.num_classes}" + (" — mode collapse" if c.collapsed else ""))
            )
            rows.append(("KL(generated || real classes)", f"{c.kl_from_real:.4f}"))
        return rows


def sample_size_warnings(n: int) -> tuple[str, ...]:
    if n < SMALL_N:
        return (f"FID is biased upward at small N (here {n:,}); compare FIDs only at equal N",)
    return ()


def evaluate_images(
    real: np.ndarray,
    real_labels: np.ndarray | None,
    fake: np.ndarray,
    extractor,
    progress: Callable[[float, str], None] | None = None,
) -> EvaluationReport:
    """FID, KID, precision/recall/density/coverage and (for a classifier) class coverage of `fake` vs `real`."""
    say = progress or (lambda fraction, text: None)
    say(0.0, "features of the real images")
    real_features = extractor.features(real)
    say(0.3, "features of the generated images")
    fake_features = extractor.features(fake)
    say(0.6, "FID and KID")
    fid_value = fid(real_features, fake_features)
    n = min(len(real), len(fake))
    kid_value = kid(real_features, fake_features, subsets=50, subset_size=min(1000, max(2, n // 2)))
    say(0.8, "precision, recall, density, coverage")
    cap = 5000  # k-NN on all pairs: cap the sets so memory stays bounded
    pr = precision_recall(real_features[:cap], fake_features[:cap])
    coverage = None
    if hasattr(extractor, "classify") and real_labels is not None:
        coverage = class_coverage(extractor.classify(fake), real_labels, extractor.config.num_classes)
    say(1.0, "done")
    return EvaluationReport(
        extractor.name, len(real), len(fake), fid_value, kid_value, pr, coverage,
        sample_size_warnings(min(len(real), len(fake))),
    )  # fmt: skip
