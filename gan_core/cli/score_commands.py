"""The commands that score pictures: evaluate (a run) and fid (two folders)."""

from __future__ import annotations

import argparse
from pathlib import Path


def print_progress(fraction: float, text: str) -> None:
    print(f"[{'#' * int(fraction * 20):<20}] {text}", flush=True)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from gan_core.evaluation.evaluate_run import EvaluationRequest, evaluate_run, evaluation_rows

    request = EvaluationRequest(args.run, args.dataset, args.n, args.seed, args.real)
    result = evaluate_run(request, print_progress)
    print(f"\n{result.label} vs {args.dataset} ({args.real} split)")
    for name, value, _ in evaluation_rows(result):
        print(f"  {name:<56} {value}")
    for warning in result.report.warnings:
        print(f"  warning: {warning}")
    return 0


def cmd_fid(args: argparse.Namespace) -> int:
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
            print_progress((i + done / total) / 2 * 0.5, f"reading {done:,} of {total:,} images in {folder}")

        images = load_image_folder(Path(folder), channels, progress, size)
        print_progress(0.5 * i + 0.25, f"features of {len(images):,} images in {folder}")
        features.append(extractor.features(images))
    print_progress(0.9, "FID")
    value = fid(*features)
    print_progress(1.0, "done")
    n = min(len(f) for f in features)
    print(f"FID {value:.4f}  ({len(features[0]):,} vs {len(features[1]):,} images; features: {extractor.name})")
    for warning in sample_size_warnings(n):
        print(f"warning: {warning}")
    return 0

