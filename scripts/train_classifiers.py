"""Train the domain classifiers shipped in checkpoints/ (MNIST, Fashion-MNIST, Emoji) on the bundled subsets.

    python scripts/train_classifiers.py [--epochs 8]
    python scripts/train_classifiers.py --dataset emoji --epochs 40   # a small set: trained with augmentation

Each is a small CNN (gan_core.measures.features.build_classifier) trained on the bundled training split, each
class weighted alike (issue 39: Emoji's classes hold 85 to 540 training pictures), and scored on the bundled test split;
writes checkpoints/classifier-<dataset>/ with the weights, classifier.json and a model card with the test
accuracy overall and per class, and the training time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # a script run from anywhere uses this checkout's gan_core
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from gan_core.data import load_dataset  # noqa: E402
from gan_core.measures.features import CLASSIFIER_FORMAT, ClassifierConfig, build_classifier, classifier_folder  # noqa: E402
from gan_core.measures.metrics import accuracy_per_class, class_balanced_weights  # noqa: E402

RELIABLE = 0.85  # a class the judge recognises less often than this cannot judge a generator's pictures of it


def train(dataset: str, epochs: int) -> None:
    data = load_dataset(dataset, source="bundled")
    train_split, test_split = data.split("train"), data.split("test")
    cfg = ClassifierConfig(dataset, data.info.image_shape, data.info.num_classes)
    model = build_classifier(cfg)
    classify = keras.Model(model.input, model.outputs[0])
    small = len(train_split) < 5_000  # emoji's 2,346: random shifts and flips while training (not at inference)
    if small:
        augment = keras.Sequential([keras.layers.RandomFlip("horizontal", seed=0),
                                    keras.layers.RandomTranslation(0.1, 0.1, fill_mode="nearest", seed=0)])  # fmt: skip
        inputs = keras.Input(cfg.image_shape)
        classify = keras.Model(inputs, classify(augment(inputs)))
    classify.compile(
        optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    keras.utils.set_random_seed(0)
    start = time.perf_counter()
    order = np.random.default_rng(0).permutation(len(train_split))  # the splits are stored by class: the last 5%
    classify.fit(train_split.images[order].astype(np.float32), train_split.labels[order], batch_size=128,
                 epochs=epochs, verbose=2, validation_split=0.05,  # (validation) must mix them
                 class_weight=class_balanced_weights(train_split.labels, cfg.num_classes))  # fmt: skip
    seconds = time.perf_counter() - start
    predicted = np.argmax(classify.predict(test_split.images.astype(np.float32), verbose=0), axis=1)
    accuracy = float(np.mean(predicted == test_split.labels))  # overall and per class from one pass
    per_class = dict(zip(data.info.class_names, accuracy_per_class(test_split.labels, predicted, cfg.num_classes),
                         strict=True))  # fmt: skip
    test_counts = np.bincount(test_split.labels, minlength=cfg.num_classes)
    out = classifier_folder(dataset)
    out.mkdir(parents=True, exist_ok=True)
    model.save_weights(str(out / "classifier.weights.h5"))
    meta = {
        "format": CLASSIFIER_FORMAT, "dataset": dataset, "title": data.info.title,
        "image_shape": list(cfg.image_shape), "num_classes": cfg.num_classes, "feature_dim": cfg.feature_dim,
        "class_names": list(data.info.class_names), "test_accuracy": round(float(accuracy), 4),
        "train_images": len(train_split), "test_images": len(test_split), "epochs": epochs,
        "train_seconds": round(seconds, 1), "class_weighting": "balanced",
        "test_accuracy_per_class": {name: round(value, 4) for name, value in per_class.items()},
    }  # fmt: skip
    rows = "\n".join(
        f"| {name} | {int(n):,} | {value:.1%} | {'yes' if value >= RELIABLE else f'no: under {RELIABLE:.0%}'} |"
        if n else f"| {name} | 0 | — | no: no test pictures |"
        for (name, value), n in zip(per_class.items(), test_counts, strict=True)
    )
    (out / "classifier.json").write_text(json.dumps(meta, indent=2) + "\n")
    (out / "MODEL_CARD.md").write_text(
        f"""# {data.info.title} domain classifier

A small CNN trained by this project to judge generated {data.info.title} images offline: its 128-unit
penultimate layer gives the features for FID, KID and precision/recall ("{data.info.title} features";
never comparable with Inception FIDs), its softmax the class histogram for coverage and mode collapse.

| | |
|---|---|
| Architecture | 2 x (two 3x3 convolutions, max-pool) with 32 and 64 filters, Dense 128 (features), dropout 0.3, softmax {cfg.num_classes}; {model.count_params():,} parameters |
| Data | the bundled subset: {len(train_split):,} training images (5% held out for validation), {len(test_split):,} test images |
| Training | {epochs} epochs, Adam 1e-3, batch 128, seed 0, each class weighted alike{"; random horizontal flips and shifts of up to 10%" if small else ""}; {seconds / 60:.1f} minutes on {os.cpu_count()} CPU cores |
| Test accuracy | **{accuracy:.2%}** on the bundled test split ({len(test_split):,} images) |

Per class, on the real held-out pictures of the test split: a class recognised less often than {RELIABLE:.0%}
cannot be used to judge a generator's pictures of it (class fidelity, coverage).

| Class | Test pictures | Recognised | Can judge a generator |
|---|---:|---:|---|
{rows}

Built by `scripts/train_classifiers.py`.
"""
    )
    print(f"{dataset}: test accuracy {accuracy:.4f} in {seconds:.0f} s -> {out.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--dataset", action="append", help="mnist, fashion_mnist, emoji (default: the first two)")
    args = parser.parse_args()
    for dataset in args.dataset or ["mnist", "fashion_mnist"]:
        train(dataset, args.epochs)


if __name__ == "__main__":
    main()
