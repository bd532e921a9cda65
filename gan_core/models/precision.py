"""Which number format the networks compute in: float32, or bfloat16 where the processor has it.

One setting, `GAN_PLAYGROUND_PRECISION` = auto (default) | float32 | bfloat16 (`--precision` on the CLI).
`auto` picks bfloat16 only on a CPU with bfloat16 instructions (AMX-BF16 or AVX512-BF16, read from the CPU's
flags without TensorFlow): elsewhere TensorFlow emulates bfloat16 and it is slower than float32.

Two mechanisms, one per kind of work:
- Training builds its networks under Keras's `mixed_bfloat16` policy (`keras_policy`): layers compute in
  bfloat16, variables, optimiser state, the weight average and checkpoints stay float32, and the models keep
  their last layers in float32 (gan_core.models.projection), so losses, the gradient penalty and metrics are
  float32. A run's own views while it trains (its sample grid, D's view) compute in the run's precision.
- Every other generator call (shipped models, runs, TF Hub BigGAN, FID features) runs inside `graph_calls`:
  TensorFlow's grappler rewrite `auto_mixed_precision_onednn_bfloat16`, set for the calling thread only, turns
  the graph's matmuls and convolutions into bfloat16 without a change to the model, so it works for hub modules
  this project cannot edit; other threads (another visitor, a training run) keep their own setting.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gan_core.errors import PlaygroundError

SETTINGS = ("auto", "float32", "bfloat16")
ENV_VAR = "GAN_PLAYGROUND_PRECISION"
FAST_FLAGS = ("amx_bf16", "avx512_bf16")  # /proc/cpuinfo's names for the instructions that make bf16 fast
EMULATION_FLAG = "avx512bw"  # oneDNN emulates bf16 on AVX-512 (slower); below it, a bf16 kernel aborts the process
CPUINFO = Path("/proc/cpuinfo")
# oneDNN's ISA cap (ONEDNN_MAX_CPU_ISA), lowest first: a cap below AVX512_CORE leaves no bf16 kernels at all.
ISA_ORDER = ("SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX2_VNNI_2", "AVX512_CORE", "AVX512_CORE_VNNI",
             "AVX512_CORE_BF16", "AVX10_1_512", "AVX512_CORE_FP16", "AVX512_CORE_AMX", "AVX10_1_512_AMX")  # fmt: skip


class PrecisionError(PlaygroundError, ValueError):
    pass


@dataclass(frozen=True)
class Precision:
    """What was asked (`setting`) and what runs (`name`), with the reason in words."""

    setting: str  # auto, float32 or bfloat16
    name: str  # float32 or bfloat16
    reason: str

    @property
    def is_bfloat16(self) -> bool:
        return self.name == "bfloat16"

    def describe(self) -> str:
        """e.g. 'bfloat16 (auto: this CPU has avx512_bf16)', for the sidebar, --help and the CLI."""
        return f"{self.name} ({self.reason})"


@functools.cache
def _this_cpu() -> str:
    try:
        return CPUINFO.read_text(errors="replace")
    except OSError:
        return ""


def cpu_bf16_flags(cpuinfo: str | None = None, isa_cap: str | None = None) -> tuple[str, ...]:
    """The flags of this CPU (Linux's /proc/cpuinfo; none elsewhere) that let TensorFlow compute in bfloat16:
    FAST_FLAGS, and EMULATION_FLAG where it can only emulate it; less what oneDNN's ISA cap
    (ONEDNN_MAX_CPU_ISA, default: the environment's) rules out."""
    cpuinfo = _this_cpu() if cpuinfo is None else cpuinfo
    flags: set[str] = set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags.update(line.partition(":")[2].split())
            break  # every core reports the same
    if isa_cap is None:
        isa_cap = os.environ.get("ONEDNN_MAX_CPU_ISA") or os.environ.get("DNNL_MAX_CPU_ISA", "")
    cap = isa_cap.strip().upper()
    level = ISA_ORDER.index(cap) if cap in ISA_ORDER else len(ISA_ORDER)
    allowed = {
        "avx512bw": level >= ISA_ORDER.index("AVX512_CORE"),
        "avx512_bf16": level >= ISA_ORDER.index("AVX512_CORE_BF16"),
        "amx_bf16": level >= ISA_ORDER.index("AVX512_CORE_AMX"),
    }
    return tuple(f for f in (*FAST_FLAGS, EMULATION_FLAG) if f in flags and allowed[f])


def choose_precision(setting: str | None = None, flags: tuple[str, ...] | None = None) -> Precision:
    """The precision `setting` (default: $GAN_PLAYGROUND_PRECISION, else auto) means on a CPU with `flags`
    (cpu_bf16_flags; default: this one's). A value that is not a setting raises PrecisionError with one
    sentence. bfloat16 is never chosen where the CPU cannot compute it: TensorFlow would abort the process."""
    raw = os.environ.get(ENV_VAR, "") if setting is None else setting
    value = raw.strip().lower() or "auto"
    if value not in SETTINGS:
        raise PrecisionError(f"{ENV_VAR} (or --precision) is auto, float32 or bfloat16, not {raw.strip()!r}.")
    if value == "float32":
        return Precision(value, value, "asked for")
    found = cpu_bf16_flags() if flags is None else flags
    fast = [f for f in found if f in FAST_FLAGS]
    if value == "auto":
        if fast:
            return Precision("auto", "bfloat16", f"auto: this CPU has {', '.join(fast)}")
        return Precision("auto", "float32", "auto: this CPU has no bfloat16 instructions, and emulated it is slower")
    if fast:
        return Precision(value, value, "asked for")
    if EMULATION_FLAG in found:
        return Precision(value, value, "asked for; emulated on this CPU, so slower than float32")
    return Precision(value, "float32", "bfloat16 was asked for, but this CPU cannot compute it (TensorFlow needs "
                     "AVX-512 for it)")  # fmt: skip


def training_precision(chosen: Precision, toy: bool) -> Precision:
    """What a run trains under: the chosen precision, except that `auto` keeps float32 for a toy run's tiny
    networks, where bfloat16 did not win (835-906 against 848 steps/s on an AVX512-BF16 Zen 5, bench/RESULTS.md)."""
    if chosen.setting == "auto" and chosen.is_bfloat16 and toy:
        return Precision("auto", "float32", "auto: bfloat16 does not win for a toy run's small networks")
    return chosen


@contextmanager
def keras_policy(name: str) -> Iterator[None]:
    """Layers built inside compute in `name` (float32, or bfloat16 under Keras's mixed_bfloat16 policy: float32
    variables). The policy is Keras's per-thread state, so models another thread builds meanwhile keep theirs."""
    import keras

    before = keras.config.dtype_policy()
    bfloat16 = choose_precision(name).is_bfloat16  # a config's bfloat16 on a CPU that cannot: float32
    keras.config.set_dtype_policy("mixed_bfloat16" if bfloat16 else "float32")
    try:
        yield
    finally:
        keras.config.set_dtype_policy(before)


def in_chosen_precision():
    """`with in_chosen_precision(): generator(...)`: the call in the precision the setting chooses (graph_calls)."""
    return graph_calls(choose_precision())


@contextmanager
def graph_calls(precision: Precision) -> Iterator[None]:
    """tf.function and SavedModel calls made inside, by this thread, run with matmuls and convolutions in
    bfloat16 (TensorFlow's grappler rewrite for oneDNN); float32 does nothing. The rewrite is per call options,
    so the same function called elsewhere in float32 keeps its float32 graph."""
    if not precision.is_bfloat16:
        yield
        return
    import tensorflow as tf
    from tensorflow.core.protobuf import rewriter_config_pb2
    from tensorflow.python.eager import context  # the per-thread call options have no public setter

    ctx = context.context()
    before = ctx.function_call_options
    config = tf.compat.v1.ConfigProto()
    config.ParseFromString(before.config_proto_serialized)  # this thread's options, with the rewrite added
    config.graph_options.rewrite_options.auto_mixed_precision_onednn_bfloat16 = rewriter_config_pb2.RewriterConfig.ON
    ctx.function_call_options = context.FunctionCallOptions(executor_type=before.executor_type, config_proto=config)
    try:
        yield
    finally:
        ctx.function_call_options = before
