"""A run's whole configuration (model + training + lineage), as written to and read from config.json."""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from gan_core.models.config import ModelConfig
from gan_core.models.toy_config import TOY_KIND, ToyModelConfig
from gan_core.training.config import TrainConfig

RUN_FORMAT = "gan-playground/run-v1"


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in ("gan-playground", "tensorflow", "keras", "numpy"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


@dataclass(frozen=True)
class RunConfig:
    model: ModelConfig | ToyModelConfig  # an image GAN's networks, or a 2-D toy GAN's (gan_core.toy)
    train: TrainConfig
    parent: str | None = None  # the run (and checkpoint step) this one was forked from, "NAME@STEP"
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def is_toy(self) -> bool:
        return isinstance(self.model, ToyModelConfig)

    def to_json(self) -> str:
        data = {
            "format": RUN_FORMAT,
            "model": self.model.to_dict(),
            "train": self.train.to_dict(),
            "parent": self.parent,
            "created": self.created,
            "versions": library_versions(),
        }
        return json.dumps(data, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str = "config.json") -> RunConfig:
        """Parse and validate; anything that is not one of our runs gets one clear ValueError."""
        try:
            data: dict[str, Any] = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where} is not valid JSON ({exc})") from exc
        found = data.get("format") if isinstance(data, dict) else None
        if found != RUN_FORMAT:
            raise ValueError(f"{where} is not a GAN Playground run (format {found!r})")
        try:
            return cls(
                (ToyModelConfig if data["model"].get("kind") == TOY_KIND else ModelConfig).from_dict(data["model"]),
                TrainConfig.from_dict(data["train"]),
                data.get("parent"),
                data.get("created", ""),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{where} does not describe a model this app can build: {exc}") from exc

    @classmethod
    def read(cls, run_dir: Path) -> RunConfig:
        path = run_dir / "config.json"
        if not path.is_file():
            raise FileNotFoundError(f"{run_dir} has no config.json: not a GAN Playground run")
        return cls.from_json(path.read_text(), str(path))
