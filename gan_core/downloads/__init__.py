"""Getting what the app uses online onto this machine once: TF Hub modules (BigGAN-deep, Inception) and the full
Keras datasets, into the caches the app already reads ($TFHUB_CACHE_DIR, $KERAS_HOME), so that afterwards it
works offline. `python -m gan_core fetch` and the Explorer's one-click download both go through `fetch_item`."""

from gan_core.downloads.catalog import FetchItem, UnknownFetchItemError, fetch_catalog, resolve_items
from gan_core.downloads.fetch import FetchResult, fetch_item

__all__ = ["FetchItem", "FetchResult", "UnknownFetchItemError", "fetch_catalog", "fetch_item", "resolve_items"]
