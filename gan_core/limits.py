"""What one server lets its visitors do: generous on a laptop, bounded on a hosted Space (GAN_PLAYGROUND_HOSTED=1).

One frozen dataclass per mode; `Settings.limits` picks one (a hosted box computing in bfloat16 draws more).
The library enforces each cap where the work happens (the registry, the run thread, the importer, the
Explorer's pipeline), so the pages only show them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Limits:
    max_concurrent_runs: int = 1  # runs training at once; further Starts queue (1 suits a 2-core box)
    max_run_minutes: float = 0.0  # training time per start before the run stops itself with a checkpoint; 0: none
    max_epochs: int = 0  # epochs one run may ask for; 0: no limit
    max_samples: int = 64  # images per Explorer request
    max_interpolation_steps: int = 32  # frames per Explorer interpolation
    heavy_hub_models: bool = True  # BigGAN-deep at 256 and 512 px (1-2 GB of memory each, seconds per image)
    orphan_grace_s: float = 0.0  # a run whose browser session has left is stopped after this long; 0: never
    upload_mb: int = 200  # largest upload (matches Streamlit's server.maxUploadSize)
    upload_images: int = 5_000  # files in one import

    def with_changes(self, **changes: object) -> Limits:
        return replace(self, **changes)


LOCAL = Limits()
HOSTED = Limits(
    max_concurrent_runs=1,
    max_run_minutes=15.0,
    max_epochs=50,
    # BigGAN-deep 128 on 2 CPU cores (bench/explore_latency.py, its twin): 0.17 s for 1 image, 0.52 s for 4,
    # 2.07 s for 16, i.e. 0.03 s + 0.13 s per image; 12 per request keeps one request near 1.6 s, under 2 s.
    max_samples=12,
    max_interpolation_steps=12,
    heavy_hub_models=False,
    orphan_grace_s=120.0,
    upload_mb=20,
    upload_images=1_000,
)
# The same box computing in bfloat16 (gan_core.models.precision, a CPU with AVX512-BF16 or AMX): the twin drew
# 16 images in 0.60-0.62 s against 0.96-1.01 s in float32 on a 2-core Zen 5 (1.55-1.68x, bench/RESULTS.md);
# applied to the float32 line above, 16 per request take about 1.3 s, under 2 s: the grid of 16 fits again.
HOSTED_BFLOAT16 = HOSTED.with_changes(max_samples=16, max_interpolation_steps=16)
