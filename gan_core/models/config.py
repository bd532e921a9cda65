"""What a generator/discriminator pair looks like: one frozen dataclass, written as config.json with every run."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from gan_core.config_dict import config_from_dict

SUPPORTED_SIZES = (28, 32, 64)
ARCHITECTURES = ("dcgan", "biggan")


@dataclass(frozen=True)
class ModelConfig:
    image_shape: tuple[int, int, int] = (28, 28, 1)  # (height, width, channels) of the images
    noise_dim: int = 100  # length of the noise vector z (the TF DCGAN tutorial uses 100)
    num_classes: int = 0  # 0: unconditional; N: class-conditional (embedding in G, projection in D)
    g_width: int = 64  # G's narrowest layer; layers double toward the noise (tutorial: 64, 128, 256)
    d_width: int = 64  # D's first layer; layers double toward the logit (tutorial: 64, 128)
    d_dropout: float = 0.3  # dropout after each D block (tutorial: 0.3)
    embed_dim: int = 50  # size of the class embedding fed to a conditional G
    d_spectral_norm: bool = False  # spectral normalisation on every D layer (Miyato et al. 2018)
    architecture: str = "dcgan"  # "dcgan", or "biggan": class-conditional batch norm, projection D (conditional only)
    depth: int = 1  # convolutions per resolution in the BigGAN-style pair: 2 adds a 3x3 one at each (SNGAN's CNN)

    def __post_init__(self) -> None:
        h, w, c = self.image_shape
        if h != w or h not in SUPPORTED_SIZES or c not in (1, 3):
            raise ValueError(
                f"image shape {self.image_shape} is not supported: use 28x28, 32x32 or 64x64, 1 or 3 channels"
            )
        if self.architecture not in ARCHITECTURES:
            raise ValueError(f"architecture must be one of {', '.join(ARCHITECTURES)}")
        if self.architecture == "biggan" and not self.conditional:
            raise ValueError("the BigGAN-style architecture is class-conditional: set num_classes")
        if self.depth not in (1, 2) or (self.depth == 2 and self.architecture != "biggan"):
            raise ValueError("depth is 1, or 2 for the BigGAN-style architecture")
        if self.noise_dim < 1 or self.g_width < 1 or self.d_width < 1:
            raise ValueError("noise_dim, g_width and d_width must be positive")

    @property
    def conditional(self) -> bool:
        return self.num_classes > 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelConfig:
        # Runs written while the models had a choice of convolution layers (until issue 18) name it; both
        # choices computed the same function with the same weights, so the setting is dropped.
        data = {k: v for k, v in data.items() if k != "conv_layers"}
        return config_from_dict(cls, data, "model", tuple_fields=("image_shape",))
