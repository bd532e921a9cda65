"""TF Hub's generators beside BigGAN: ProGAN's faces (Karras et al. 2018, CelebA at 128x128, the model of TF Hub's
"Generate artificial faces" tutorial), and the one place that opens any hub generator by its handle.

ProGAN's module (TF1 Hub format, as BigGAN's) has one signature, 'default': a latent vector [N, 512] in, pictures
[N, 128, 128, 3] in [0, 1] out. It has no classes and no truncation input: truncation scales the noise, as for the
networks this project trains.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gan_core.explore.samplers import (
    BIGGAN_HANDLES,
    FindsDirections,
    HubBigGANSampler,
    Sampler,
    SamplerInfo,
    check_request,
)
from gan_core.models.precision import in_chosen_precision

PROGAN_HANDLES = {  # TF Hub handles (TF1 Hub format); about how many MB the download is
    "progan-128": ("https://tfhub.dev/google/progan-128/1", "ProGAN faces 128x128 (CelebA)", 90),
}
PROGAN_TRUNCATION = 0.7
PROGAN_TRUNCATION_REASON = ("ProGAN was trained on N(0, 1) noise and has no truncation of its own; 0.7 is the value "
                            "faces are usually shown at (the truncation trick, as in StyleGAN's figures): fewer "
                            "broken faces, still varied.")  # fmt: skip


class HubProGANSampler(FindsDirections):
    """An unconditional TF Hub generator with one input, the latent vector (ProGAN): numpy in, numpy out."""

    def __init__(self, handle: str, title: str | None = None, offline: bool = False) -> None:
        import tensorflow as tf

        from gan_core.errors import ModelUnavailableError
        from gan_core.models.hub import cached_path, is_remote, load_hub_model

        self._tf = tf
        from_cache = is_remote(handle) and cached_path(handle) is not None
        short = next((key for key, (known, *_) in PROGAN_HANDLES.items() if known == handle), None)
        self._module = load_hub_model(handle, offline, title or "ProGAN", fetch_as=short)  # kept alive: its function
        self._fn = self._module.signatures["default"]
        specs = self._fn.structured_input_signature[1]
        if len(specs) != 1:
            raise ModelUnavailableError(f"{title or handle} takes {', '.join(specs)}: a ProGAN-style module takes "
                                        "one input, the latent vector")  # fmt: skip
        self._input, spec = next(iter(specs.items()))
        output = next(iter(self._fn.structured_outputs.values()))
        resolution = int(output.shape[1]) if output.shape.rank == 4 and output.shape[1] else 0
        self.info = SamplerInfo(Path(handle).name, title or Path(handle).name, (), int(spec.shape[-1]), resolution,
                                f"TF Hub: {handle}" + (", from cache" if from_cache else ""),
                                default_truncation=PROGAN_TRUNCATION,
                                truncation_reason=PROGAN_TRUNCATION_REASON)  # fmt: skip

    def _pictures(self, noise):
        """The module's own output: [N, H, W, 3] in [0, 1]."""
        return next(iter(self._fn(**{self._input: self._tf.cast(noise, self._tf.float32)}).values()))

    def sample(self, noise: np.ndarray, classes: np.ndarray | None, truncation: float) -> np.ndarray:
        noise = np.asarray(noise, np.float32)
        check_request(len(noise))
        if classes is not None and len(np.asarray(classes)):
            raise ValueError(f"{self.info.title} is unconditional: it takes no classes")
        with in_chosen_precision():
            out = self._pictures(noise).numpy()
        return np.clip(np.rint(np.asarray(out, np.float32) * 255.0), 0, 255).astype(np.uint8)

    def pictures_tensor(self, noise, class_probs, truncation: float):
        """Differentiable: tf noise [N, Z] -> pictures in [-1, 1] (the noise already holds the truncation)."""
        return self._tf.cast(self._pictures(noise), self._tf.float32) * 2.0 - 1.0

    def first_layer_kernel(self) -> np.ndarray:
        from gan_core.models.hub import first_layer_kernel

        variables = getattr(self._module, "variables", None) or self._fn.variables
        return first_layer_kernel(variables, self.info.noise_dim)


def hub_handles() -> dict[str, tuple[str, str, int]]:
    """Every hub generator the Explorer lists and `fetch` knows: key -> (handle, title, about how many MB)."""
    return {**BIGGAN_HANDLES, **PROGAN_HANDLES}


def open_hub_generator(handle: str, title: str | None = None, offline: bool = False) -> Sampler:
    """A TF Hub generator by its handle (or a local SavedModel folder): ProGAN's kind for a ProGAN handle or folder
    name, BigGAN's for the rest."""
    known = handle in {h for h, *_ in PROGAN_HANDLES.values()}
    if known or "progan" in handle.lower():
        return HubProGANSampler(handle, title, offline)
    return HubBigGANSampler(handle, title, offline)
