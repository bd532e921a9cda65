"""An Explorer link's settings: read from a URL's query parameters (garbage falls back to defaults), written back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gan_core.explore.latent import TRUNCATION_RANGE

MAX_SEED = 2**31 - 1


def _int(text: str | None, default: int, low: int, high: int) -> int:
    try:
        return min(high, max(low, int(str(text).strip())))
    except (TypeError, ValueError):
        return default


def _float(text: str | None, default: float, low: float, high: float) -> float:
    try:
        value = float(str(text).strip())
    except (TypeError, ValueError):
        return default
    return min(high, max(low, value)) if value == value else default  # NaN: the default


@dataclass(frozen=True)
class ExploreLink:
    """What a shared Explorer link says; every field has a sane default."""

    model: str | None = None  # None: the page's default model
    classes: tuple[int, ...] = ()
    seed: int = 0
    truncation: float = 0.5
    n: int = 16
    steps: int = 8  # interpolation steps
    interpolate: bool = False  # a demo moment's link: run the interpolation on arrival

    @classmethod
    def from_params(cls, params: Mapping[str, str], models: list[str], max_samples: int, max_steps: int
                    ) -> ExploreLink:  # fmt: skip
        """Read a URL's parameters: an unknown model, a bad number or an odd class list falls back quietly."""
        model = params.get("model")
        classes = tuple(int(c) for c in str(params.get("classes", "")).split(",") if c.strip().isdigit())
        return cls(
            model=model if model in models else None,
            classes=tuple(dict.fromkeys(classes)),
            seed=_int(params.get("seed"), 0, 0, MAX_SEED),
            truncation=_float(params.get("truncation"), cls.truncation, *TRUNCATION_RANGE),
            n=_int(params.get("n"), min(cls.n, max_samples), 1, max_samples),
            steps=_int(params.get("steps"), min(cls.steps, max_steps), 2, max_steps),
            interpolate=params.get("interpolate") == "1",
        )

    def to_params(self) -> dict[str, str]:
        return {
            "model": self.model or "", "seed": str(self.seed), "truncation": f"{self.truncation:g}", "n": str(self.n),
            "classes": ",".join(map(str, self.classes)), "steps": str(self.steps),
        }  # fmt: skip
