"""Which generators the Explorer offers, and opening one by name, folder or handle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from gan_core.errors import ModelUnavailableError
from gan_core.explore.hub_generators import hub_handles, open_hub_generator
from gan_core.explore.samplers import RunModelSampler, Sampler
from gan_core.models.hub import cached_path, is_remote
from gan_core.runs.bundled import bundled_runs
from gan_core.runs.store import list_runs


@dataclass(frozen=True)
class ModelChoice:
    key: str  # what the URL and the CLI's --model carry
    title: str
    kind: str  # "bundled", "hub" (TF Hub), "hf" (the Hugging Face Hub) or "run"
    location: str  # a folder, a TF Hub handle, or a Hugging Face repo id
    note: str = ""  # e.g. the download size

    @property
    def cached(self) -> bool:
        """A hub model whose download is in this machine's TF Hub cache (it works offline)."""
        return self.kind == "hub" and cached_path(self.location) is not None

    @property
    def label(self) -> str:
        return f"{self.title} · {self.note}" if self.note else self.title


def _title(card: str, fallback: str) -> str:
    return card.splitlines()[0].lstrip("# ").strip() if card else fallback


LIGHT_HUB_MODELS = ("biggan-deep-128", "progan-128")  # what a hosted server offers: the larger need 1-2 GB and seconds


def hub_repo_choice(repo_id: str) -> ModelChoice:
    """A Hugging Face Hub repo (user/name, checked) as a choice: key hf:user/name."""
    from gan_core.sharing.hub_downloads import is_cached
    from gan_core.sharing.hub_names import check_repo_id, explorer_key

    repo_id = check_repo_id(repo_id)
    note = "Hugging Face Hub, in this machine's cache" if is_cached(repo_id) else "Hugging Face Hub"
    return ModelChoice(explorer_key(repo_id), f"{repo_id} (Hugging Face Hub)", "hf", repo_id, note)


def model_choices(runs_dir: Path | None = None, heavy_hub_models: bool = True, hub_repos: Sequence[str] = ()
                  ) -> list[ModelChoice]:  # fmt: skip
    """Shipped models first (class-conditional ones before the rest), then TF Hub's (BigGAN-deep, ProGAN), then this
    server's runs, then the Hugging Face Hub repos asked for (`hub_repos`, user/name each)."""
    shipped = sorted(bundled_runs(), key=lambda b: (not b.name.startswith("cgan-"), b.name))
    found = [ModelChoice(b.name.removeprefix("cgan-"), _title(b.card, b.name), "bundled", str(b.path), "shipped")
             for b in shipped]  # fmt: skip
    found += [ModelChoice(key, title, "hub", handle, "TF Hub, in this machine's cache" if cached_path(handle)
                          else f"TF Hub, about {size} MB on first use")
              for key, (handle, title, size) in hub_handles().items()
              if heavy_hub_models or key in LIGHT_HUB_MODELS]  # fmt: skip
    if runs_dir is not None:
        trained = [r for r in list_runs(runs_dir) if r.checkpoint_steps or (r.path / "generator.weights.h5").is_file()]
        found += [ModelChoice(f"run:{r.name}", f"{r.name} (your run, step {r.step:,})", "run", str(r.path))
                  for r in trained]  # fmt: skip
    return found + [hub_repo_choice(repo) for repo in dict.fromkeys(hub_repos)]


@dataclass(frozen=True)
class DefaultChoice:
    """The model the Explorer opens on when a link names none, and why, in one caption."""

    key: str
    reason: str
    download: ModelChoice | None = None  # BigGAN to offer as a one-click download (online, not yet cached)


FLAGSHIP_HUB_MODEL = "biggan-deep-128"
# The shipped class-conditional models open where their model cards measure class fidelity
# (scripts/train_bundled_conditional.py): long trained, they draw their clearest pictures from the centre of their
# noise. A person's run, and the demo DCGAN, open at 1.0 (SamplerInfo says why).
SHIPPED_TRUNCATION = 0.5
SHIPPED_TRUNCATION_REASON = ("where its model card measures how often each class is recognisable. Trained for "
                             "minutes to hours, it draws its clearest pictures from the centre of its noise; 1.0, "
                             "the noise it was trained on, shows its whole range.")
FLAGSHIP_SHIPPED_MODEL = "emoji"  # in colour, by category: the offline stand-in for BigGAN


def default_choice(choices: list[ModelChoice], offline: bool) -> DefaultChoice:
    """BigGAN-deep 128 when this machine has it cached; else the shipped colour model; else the first shipped one."""
    by_key = {c.key: c for c in choices}
    flagship = by_key.get(FLAGSHIP_HUB_MODEL)
    if flagship is not None and flagship.cached:
        return DefaultChoice(flagship.key, f"{flagship.title}, from this machine's TF Hub cache.")
    shipped = by_key.get(FLAGSHIP_SHIPPED_MODEL) or next((c for c in choices if c.kind == "bundled"), None)
    fallback = shipped or choices[0]
    if flagship is None:
        return DefaultChoice(fallback.key, f"{fallback.title}, shipped with the app.")
    if offline:
        return DefaultChoice(fallback.key, f"{fallback.title}, shipped with the app: {flagship.title} is not on this "
                             f"machine, and it is offline (`python -m gan_core fetch {flagship.key}` once online "
                             "brings it here).")  # fmt: skip
    return DefaultChoice(fallback.key, f"{fallback.title}, shipped with the app: {flagship.title} is not downloaded "
                         "on this machine yet.", download=flagship)  # fmt: skip


def open_choice(choice: ModelChoice, offline: bool) -> Sampler:
    if choice.kind == "hf":
        from gan_core.explore.hub_repos import open_hub_repo

        return open_hub_repo(choice.location, offline)
    if choice.kind == "hub":
        return open_hub_generator(choice.location, choice.title, offline=offline)
    if choice.kind != "bundled":
        return RunModelSampler(Path(choice.location), title=choice.title)
    sampler = RunModelSampler(Path(choice.location), title=choice.title, source="shipped with the app")
    if sampler.info.conditional:  # the cgan-* models, whose cards measure class fidelity there
        sampler.info = replace(sampler.info, default_truncation=SHIPPED_TRUNCATION,
                               truncation_reason=SHIPPED_TRUNCATION_REASON)  # fmt: skip
    return sampler


def resolve_model(spec: str, runs_dir: Path | None, offline: bool) -> Sampler:
    """--model: a shipped model's name, a run folder, a TF Hub / Kaggle handle, a local SavedModel folder, or a
    Hugging Face Hub repo (hf://user/name or its huggingface.co address)."""
    from gan_core.sharing.hub_names import hub_repo_id

    repo_id = hub_repo_id(spec)
    if repo_id is not None:
        from gan_core.explore.hub_repos import open_hub_repo

        return open_hub_repo(repo_id, offline)
    for choice in model_choices(runs_dir):
        if spec in (choice.key, Path(choice.location).name) or spec == f"run:{Path(choice.location).name}":
            return open_choice(choice, offline)
    path = Path(spec).expanduser()
    if (path / "config.json").is_file():
        return RunModelSampler(path)
    if (path.is_dir() and any(path.glob("saved_model.pb*"))) or is_remote(spec):
        return open_hub_generator(spec, offline=offline)
    known = ", ".join(c.key for c in model_choices(None))
    raise ModelUnavailableError(f"no model '{spec}': use one of {known}, a run folder, a TF Hub handle, or "
                                "hf://user/name")  # fmt: skip
