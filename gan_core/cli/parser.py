"""The command line's parser: every command, its flags and their help."""

from __future__ import annotations

import argparse

from gan_core import __version__
from gan_core.cli.arguments import (
    TRUNCATION_HELP,
    between,
    existing_file,
    minutes,
    output_file,
    precision_help,
    whole,
)
from gan_core.cli.data_commands import cmd_datasets, cmd_fetch, cmd_import_images, cmd_push
from gan_core.cli.picture_commands import cmd_directions, cmd_export, cmd_interpolate, cmd_invert, cmd_sample
from gan_core.cli.score_commands import cmd_evaluate, cmd_fid
from gan_core.cli.train_commands import cmd_toy, cmd_train
from gan_core.models.precision import SETTINGS
from gan_core.training.config import LOSSES

TENSORFLOW_COMMANDS = frozenset({"train", "toy", "sample", "interpolate", "directions", "invert", "evaluate", "fid",
                                 "export", "fetch", "push"})  # fmt: skip
NETWORK_COMMANDS = ("train", "toy", "sample", "interpolate", "directions", "invert", "evaluate",
                    "fid")  # these take --precision


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
    p.set_defaults(func=cmd_datasets)

    p = sub.add_parser("fetch", help="download models and datasets once into the caches the app reads, to work "
                       "offline afterwards")  # fmt: skip
    p.add_argument("items", nargs="+", metavar="ITEM",
                   help="biggan-deep-128, biggan-deep-256, biggan-deep-512, inception, mnist, fashion_mnist, "
                        "cifar10, all, or a TF Hub / Kaggle handle")  # fmt: skip
    p.set_defaults(func=cmd_fetch)

    p = sub.add_parser("import-images", help="turn a folder or zip of your images into a dataset folder")
    p.add_argument("source", help="a folder of images or a .zip")
    p.add_argument("--out", required=True, help="dataset folder to write (used as --dataset by train)")
    p.add_argument("--size", type=int, choices=(32, 64), default=64, help="square side in pixels (default 64)")
    p.add_argument("--title", help="a name to show in the app (default: the folder name)")
    p.add_argument("--min-images", type=int, default=ImportLimits.min_images,
                   help=f"fewest usable images to keep (default {ImportLimits.min_images})")  # fmt: skip
    p.set_defaults(func=cmd_import_images)

    p = sub.add_parser("train", help="train a DCGAN (same --out again resumes from the latest checkpoint)")
    p.add_argument("--dataset", default="mnist", help="mnist, fashion_mnist, cifar10 or an imported folder")
    p.add_argument("--source", default="auto", choices=("auto", "bundled", "full"))
    p.add_argument("--out", required=True, help="run folder, e.g. runs/mnist-1")
    p.add_argument("--epochs", type=whole(1))
    p.add_argument("--minutes", type=minutes, help="a time budget: train this many minutes in all (pauses "
                   "excluded), then finish with a checkpoint; instead of --epochs")  # fmt: skip
    p.add_argument("--batch-size", type=whole(2))
    p.add_argument("--loss", choices=LOSSES)
    p.add_argument("--lr-g", type=float)
    p.add_argument("--lr-d", type=float)
    p.add_argument("--beta1", type=float)
    p.add_argument("--label-smoothing", type=float)
    p.add_argument("--d-steps", type=whole(1))
    p.add_argument("--seed", type=whole(0, MAX_SEED))
    p.add_argument("--sample-every", type=whole(1))
    p.add_argument("--checkpoint-every", type=whole(1))
    p.add_argument("--xla", action="store_true", default=None)
    p.add_argument("--eval-every", type=int, help="steps between live FID points (MNIST, Fashion-MNIST); 0: off")
    p.add_argument("--recipe", choices=list(RECIPES), help="the networks and their loss: "
                   + "; ".join(f"{k}: {r.title}" for k, r in RECIPES.items())
                   + ". Default: the dataset's best per CPU-minute where measured, else tutorial")  # fmt: skip
    p.add_argument("--conditional", action="store_true", default=None,
                   help="the TF tutorial networks, class-conditional (labelled data); same as --recipe "
                        "tutorial-conditional")  # fmt: skip
    p.add_argument("--log-every", type=whole(1), default=10, help="print a progress line every N steps")
    p.add_argument("--worker-timeout", type=float, default=120.0,
                   help="with TF_CONFIG: seconds a silent worker is waited for, then the run stops")  # fmt: skip
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("toy", help="train a 2-D toy GAN and print the modes it covers (same --out resumes)")
    # No defaults here for what a run keeps: a resume must tell a flag given from one left out (cmd_toy fills them).
    p.add_argument("--data", choices=tuple(DISTRIBUTIONS), help="the points to learn (default ring)")
    p.add_argument("--points", type=existing_file, help="a CSV of your own x, y points instead of --data")
    p.add_argument("--loss", choices=LOSSES, help="default hinge")
    p.add_argument("--seed", type=whole(0, MAX_SEED), help="default 0")
    p.add_argument("--noise-dim", type=int, choices=(1, 2), help="2 (default): G warps a plane; 1: a curve")
    p.add_argument("--steps", type=whole(1), default=20_000, help="the run's length in steps (default 20,000)")
    p.add_argument("--lr", type=between(0, 0.1, include_low=False),
                   help="learning rate of G and D, more than 0 and at most 0.1 (default 5e-4)")  # fmt: skip
    p.add_argument("--no-average", action="store_true", help="count modes on G itself, not its weight average")
    p.add_argument("--seconds", type=float, default=0.0, help="stop after this many seconds of training; 0: none")
    p.add_argument("--out", required=True, help="run folder, e.g. runs/toy-ring")
    p.set_defaults(func=cmd_toy)

    p = sub.add_parser("sample", help="write a grid of samples from a model (shipped, a run, or TF Hub)")
    model = p.add_mutually_exclusive_group(required=True)
    model.add_argument("--model", help="a shipped model (e.g. fashion-mnist), a run folder, or a TF Hub handle")
    model.add_argument("--run", dest="model", help="a run folder (same as --model)")
    p.add_argument("--class", dest="classes", action="append",
                   help="class name or id (repeat for several); default: every class in turn, as in the app")
    p.add_argument("--n", type=whole(1, limits.max_samples), default=16,
                   help=f"how many samples, 1 to {limits.max_samples} (this machine's cap per request)")  # fmt: skip
    p.add_argument("--seed", type=whole(0, MAX_SEED), default=0)
    p.add_argument("--truncation", type=between(*TRUNCATION_RANGE), default=None, help=TRUNCATION_HELP)
    p.add_argument("--out", required=True, type=output_file, help="image file to write: .png, .jpg or .webp")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("interpolate", help="an animation from class A to class B (noise and class)")
    p.add_argument("--model", required=True)
    p.add_argument("--from", dest="class_from", help="class A (name or id)")
    p.add_argument("--to", dest="class_to", help="class B (name or id)")
    p.add_argument("--steps", type=whole(2, limits.max_interpolation_steps), default=16,
                   help=f"frames, 2 to {limits.max_interpolation_steps}")  # fmt: skip
    p.add_argument("--seed", type=whole(0, MAX_SEED), default=0)
    p.add_argument("--truncation", type=between(*TRUNCATION_RANGE), default=None, help=TRUNCATION_HELP)
    p.add_argument("--mode", choices=("both", "noise", "class"), default="both", help="what moves from A to B")
    p.add_argument("--same-noise", action="store_true", help="keep noise A throughout")
    p.add_argument("--out", required=True, type=output_file, help=".gif, .mp4 or .png (a strip)")
    p.set_defaults(func=cmd_interpolate)

    p = sub.add_parser("directions", help="strips of one sample moved along the directions its generator found "
                       "by itself (SeFa: no labels, no training)")  # fmt: skip
    p.add_argument("--model", required=True, help="a shipped model, a run folder, or a TF Hub handle")
    p.add_argument("--seed", type=whole(0, MAX_SEED), default=0, help="the sample: the first of this seed's grid")
    p.add_argument("--class", dest="class_name", help="class name or id (default: the first class)")
    p.add_argument("--steps", type=whole(2, 15), default=7, help="pictures per direction, 2 to 15 (default 7)")
    p.add_argument("--truncation", type=between(*TRUNCATION_RANGE), default=None, help=TRUNCATION_HELP)
    p.add_argument("--out", required=True, type=output_file, help="image file to write: .png, .jpg or .webp")
    p.set_defaults(func=cmd_directions)

    p = sub.add_parser("invert", help="find pictures in a GAN: the noise (and class) whose picture is closest to each")
    p.add_argument("--model", required=True, help="a shipped model, a run folder, or a TF Hub handle")
    p.add_argument("--images", required=True, help="a folder of pictures (PNG, JPEG, WebP; any size)")
    p.add_argument("--out", required=True, help="folder for the reconstructions, each under its picture's name")
    p.add_argument("--truncation", type=between(*TRUNCATION_RANGE), default=None, help=TRUNCATION_HELP)
    p.set_defaults(func=cmd_invert)

    p = sub.add_parser("push", help="share a run on the Hugging Face Hub: its generator, config, curves, last grid, "
                       "progress GIF and a model card (needs a token: HF_TOKEN or `hf auth login`)")  # fmt: skip
    p.add_argument("--run", required=True, help="a run folder")
    p.add_argument("--repo", required=True, help="the model repo to create or update: user/name")
    p.add_argument("--public", action="store_true", help="make a new repo public (default: private)")
    p.set_defaults(func=cmd_push)

    p = sub.add_parser("export", help="a generator to use elsewhere: a .keras file and a SavedModel that need only "
                       "Keras and TensorFlow")  # fmt: skip
    p.add_argument("--model", required=True, help="a shipped model (e.g. mnist) or a run folder")
    p.add_argument("--out", required=True, help="a new (or empty) folder for generator.keras and generator_savedmodel/")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("evaluate", help="FID, KID, precision/recall and class coverage of a run's samples")
    p.add_argument("--run", required=True, help="run folder, hf://user/name (a run pushed to the Hub), or "
                   "'test-split' for the real-vs-real floor")  # fmt: skip
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--real", choices=("train", "test"), default="train", help="real images to compare with")
    p.add_argument("--n", type=whole(2, 50_000), default=5000, help="generated samples, 2 to 50,000 (default 5000)")
    p.add_argument("--seed", type=whole(0, MAX_SEED), default=0)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("fid", help="FID between two folders of images")
    p.add_argument("dir_a")
    p.add_argument("dir_b")
    p.add_argument("--features", default="inception",
                   help="inception (TF Hub, the standard; needs a download once) or mnist / fashion_mnist "
                        "(this project's classifiers, offline; 28x28 grayscale images)")  # fmt: skip
    p.set_defaults(func=cmd_fid)
    for name in NETWORK_COMMANDS:
        sub.choices[name].add_argument("--precision", choices=SETTINGS, help=precision_help(toy=name == "toy"))
    return parser


def _commands(parser: argparse.ArgumentParser) -> list[str]:
    return [name for action in parser._actions if isinstance(action, argparse._SubParsersAction)
            for name in action.choices]  # fmt: skip


def parse_arguments(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """parse_args, but an option before any command says so, not that a command is missing."""
    args, extra = parser.parse_known_args(argv)
    if args.command is None:
        commands = ", ".join(_commands(parser))
        what = f"unknown option {extra[0]}" if extra else "no command given"
        parser.error(f"{what}: start with a command ({commands})")
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)} (see python -m gan_core {args.command} --help)")
    return args

