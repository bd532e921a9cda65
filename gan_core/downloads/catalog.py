"""What `fetch` knows by name: BigGAN-deep at three sizes, the Inception network for FID, the Keras datasets;
and any TF Hub / Kaggle handle or URL the Explorer accepts."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from gan_core.errors import PlaygroundError
from gan_core.models.hub import is_remote

Kind = Literal["generator", "inception", "dataset"]  # generator: a TF Hub image generator (BigGAN, ProGAN)
INCEPTION_MB = 90  # tfgan/eval/inception/1, about


class UnknownFetchItemError(PlaygroundError, ValueError):
    pass


@dataclass(frozen=True)
class FetchItem:
    name: str  # what a person types
    title: str
    kind: Kind  # how it is checked after the download: as a BigGAN module, as Inception, as a dataset
    location: str  # a TF Hub / Kaggle handle or URL, or a dataset's registry name
    size_mb: int  # about how much arrives (0: not known)

    @property
    def is_hub(self) -> bool:
        return self.kind != "dataset"


def fetch_catalog() -> dict[str, FetchItem]:
    from gan_core.data.downloads import DOWNLOAD_FILES
    from gan_core.data.registry import DATASETS
    from gan_core.explore.hub_generators import hub_handles
    from gan_core.measures.features import INCEPTION_HANDLE

    items = [FetchItem(key, title, "generator", handle, size) for key, (handle, title, size) in hub_handles().items()]
    items.append(FetchItem("inception", "Inception (FID features)", "inception", INCEPTION_HANDLE, INCEPTION_MB))
    items += [FetchItem(name, DATASETS[name].title, "dataset", name, DATASETS[name].download_mb)
              for name in DOWNLOAD_FILES]  # fmt: skip
    return {item.name: item for item in items}


def _norm(name: str) -> str:
    return name.strip().lower().replace("-", "_")


def resolve_items(names: list[str]) -> list[FetchItem]:
    """Names ('biggan-deep-128', 'Fashion-MNIST'), 'all', or handles -> items, in order, each once.
    An unknown name gets 'did you mean'."""
    catalog = fetch_catalog()
    by_name = {_norm(key): item for key, item in catalog.items()}
    found: list[FetchItem] = []
    for name in names:
        if is_remote(name.strip()):
            found.append(FetchItem(name.strip(), name.strip(), "generator", name.strip(), 0))
        elif _norm(name) == "all":
            found += catalog.values()
        elif _norm(name) in by_name:
            found.append(by_name[_norm(name)])
        else:
            close = difflib.get_close_matches(_norm(name), [*by_name, "all"], n=1, cutoff=0.6)
            hint = f" — did you mean '{by_name[close[0]].name if close[0] in by_name else 'all'}'?" if close else ""
            raise UnknownFetchItemError(f"nothing to fetch named '{name}'{hint or '.'} Known: {', '.join(catalog)}, "
                                        "all, or a TF Hub / Kaggle handle.")  # fmt: skip
    return list(dict.fromkeys(found))


# What a class may reach for.
CLASS_KIT = ("biggan-deep-128", "progan-128", "inception", "mnist", "fashion_mnist", "cifar10")


def not_on_this_machine(settings) -> list[FetchItem]:
    """The items of CLASS_KIT this machine has not fetched: what to `fetch` before a class without internet."""
    from gan_core.data.registry import dataset_status
    from gan_core.models.hub import cached_path

    catalog = fetch_catalog()
    missing = []
    for item in (catalog[name] for name in CLASS_KIT):
        here = (dataset_status(item.location, settings).cached_path if item.kind == "dataset"
                else cached_path(item.location))  # fmt: skip
        if here is None:
            missing.append(item)
    return missing
