"""Draw what each interpolation, directions or search demo moment opens on into its shipped run's folder
(moments/<title>.png), the picture its Classroom card shows before the click. Run again after a shipped model or
a moment changes:

    GAN_PLAYGROUND_PRECISION=float32 .venv/bin/python -m scripts.make_moment_strips   # the same pixels on every CPU
"""

from __future__ import annotations

from gan_core.explore.moments import moment_picture_pixels
from gan_core.pictures.render import png_bytes
from gan_core.runs.bundled import bundled_runs
from gan_core.runs.classroom import MOMENTS_FOLDER, demo_moments
from gan_core.settings import CHECKPOINTS_DIR

if __name__ == "__main__":
    for moment in demo_moments([b.name for b in bundled_runs()], []):
        if not moment.strip_name:
            continue
        path = CHECKPOINTS_DIR / moment.shows / MOMENTS_FOLDER / moment.strip_name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(png_bytes(moment_picture_pixels(moment)))
        print(f"{moment.title}: {path}")
