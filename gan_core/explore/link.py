"""An Explorer link's settings: read from a URL's query parameters (garbage falls back to defaults, and each
fallback is noted so the page can say what it ignored), written back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gan_core.explore.direction_names import names_from_param, names_to_param
from gan_core.models.latent import TRUNCATION_RANGE

MAX_SEED = 2**31 - 1


def _clip(name: str, text: str | None, value: float, low: float, high: float, notes: list[str]) -> float:
    if not low <= value <= high:
        shown = (lambda v: f"{v:,}") if float(low).is_integer() and float(high).is_integer() else (lambda v: f"{v:g}")
        notes.append(f"{name} {str(text)[:20]!r} is outside {shown(low)} to {shown(high)}")
    return min(high, max(low, value))


SHOWS = ("directions", "find")  # what a link may open at the top of the page


def _show(value: str | None, notes: list[str]) -> str:
    if value in (None, ""):
        return ""
    if value not in SHOWS:
        notes.append(f"show {str(value)[:40]!r} is not one of {', '.join(SHOWS)}")
        return ""
    return str(value)


def _int(name: str, text: str | None, default: int, low: int, high: int, notes: list[str]) -> int:
    if text is None or not str(text).strip():
        return default
    try:
        return int(_clip(name, text, int(str(text).strip()), low, high, notes))
    except ValueError:
        notes.append(f"{name} {str(text)[:20]!r} is not a whole number")
        return default


def _float(name: str, text: str | None, default: float | None, low: float, high: float, notes: list[str]
           ) -> float | None:  # fmt: skip
    if text is None or not str(text).strip():
        return default
    try:
        value = float(str(text).strip())
    except ValueError:
        value = float("nan")
    if value != value:  # NaN, or not a number at all
        notes.append(f"{name} {str(text)[:20]!r} is not a number")
        return default
    return _clip(name, text, value, low, high, notes)


@dataclass(frozen=True)
class ExploreLink:
    """What a shared Explorer link says; every field has a sane default."""

    model: str | None = None  # None: the page's default model
    classes: tuple[int, ...] = ()
    seed: int = 0
    truncation: float | None = None  # None: the model's own default (SamplerInfo.default_truncation)
    n: int = 16
    steps: int = 8  # interpolation steps
    interpolate: bool = False  # a demo moment's link: run the interpolation on arrival
    # A demo moment's link: "directions" opens the grid's first sample moved along its directions, "find" the
    # search for a picture, each at the top of the page on arrival.
    show: str = field(default="", compare=False)
    # Names given to the model's found directions, strongest first: part of what a link says, not of which grid
    # it shows (renaming a direction keeps the opened sample open).
    direction_names: tuple[str, ...] = field(default=(), compare=False)
    ignored: tuple[str, ...] = field(default=(), compare=False)  # what the URL said that could not be used

    @classmethod
    def from_params(cls, params: Mapping[str, str], models: list[str], max_samples: int, max_steps: int
                    ) -> ExploreLink:  # fmt: skip
        """Read a URL's parameters: an unknown model, a bad number or an odd class list falls back to the default
        (clamped into range where it is a number), and `ignored` says what was not used, in words."""
        notes: list[str] = []
        model = params.get("model")
        if model and model not in models:
            notes.append(f"model {str(model)[:40]!r} is not on this server")
        parts = [c.strip() for c in str(params.get("classes", "")).split(",") if c.strip()]
        classes = tuple(int(c) for c in parts if c.isdigit() and len(c) < 7)
        if len(classes) < len(parts):
            notes.append(f"classes {str(params.get('classes'))[:40]!r} holds something other than class ids")
        return cls(
            model=model if model in models else None,
            classes=tuple(dict.fromkeys(classes)),
            seed=_int("seed", params.get("seed"), 0, 0, MAX_SEED, notes),
            truncation=_float("truncation", params.get("truncation"), None, *TRUNCATION_RANGE, notes),
            n=_int("n", params.get("n"), min(cls.n, max_samples), 1, max_samples, notes),
            steps=_int("steps", params.get("steps"), min(cls.steps, max_steps), 2, max_steps, notes),
            interpolate=params.get("interpolate") == "1",
            show=_show(params.get("show"), notes),
            direction_names=names_from_param(params.get("directions"), notes),
            ignored=tuple(notes),
        )

    def widget_state(self, default_model: str) -> dict[str, object]:
        """The Explorer's widget values on a first visit through this link (session-state keys); without a
        truncation the page takes the model's own."""
        state = dict(explore_model=self.model or default_model, explore_seed=self.seed, explore_n=self.n,
                     explore_steps=self.steps, explore_classes=list(self.classes),
                     explore_autointerpolate=self.interpolate, explore_linked_model=self.model is not None,
                     explore_focus="interpolate" if self.interpolate else self.show,
                     explore_direction_names=(self.model or default_model, self.direction_names))  # fmt: skip
        return state if self.truncation is None else {**state, "explore_truncation": self.truncation}

    def to_params(self) -> dict[str, str]:
        return {
            "model": self.model or "", "seed": str(self.seed), "n": str(self.n),
            "classes": ",".join(map(str, self.classes)), "steps": str(self.steps),
        } | ({} if self.truncation is None else {"truncation": f"{self.truncation:g}"}) | (
            {"directions": names_to_param(self.direction_names)} if any(self.direction_names) else {})  # fmt: skip
