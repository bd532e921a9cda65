"""The command line: `python -m gan_core COMMAND ...` drives the same library as the app, headless. One module per
group of commands (data_commands, train_commands, picture_commands, score_commands), their parser and its types."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from gan_core.cli.parser import NETWORK_COMMANDS, TENSORFLOW_COMMANDS, build_parser, parse_arguments
from gan_core.errors import PlaygroundError
from gan_core.models.precision import ENV_VAR, choose_precision

__all__ = ["NETWORK_COMMANDS", "build_parser", "main"]


def load_tensorflow_quietly() -> None:
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


def main(argv: Sequence[str] | None = None) -> int:
    # TensorFlow's C++ log lines are not for this screen: its start-up chatter, and grappler's harmless "remapper
    # failed" on the training graph, which reads like a crash. Failures reach the person as Python errors, in one
    # sentence (below). TF_CPP_MIN_LOG_LEVEL=0 in the environment shows them all.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    args = parse_arguments(build_parser(), sys.argv[1:] if argv is None else list(argv))
    before = os.environ.get(ENV_VAR)
    if getattr(args, "precision", None):
        os.environ[ENV_VAR] = args.precision  # read by every network call (gan_core.models.precision)
    try:
        if args.command in NETWORK_COMMANDS:
            choose_precision()  # garbage in $GAN_PLAYGROUND_PRECISION: one sentence before TensorFlow loads
        if args.command in TENSORFLOW_COMMANDS:
            load_tensorflow_quietly()
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

