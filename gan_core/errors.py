"""Errors whose message is one clear sentence for a person, with what to do next."""

from __future__ import annotations


class PlaygroundError(Exception):
    """Base class: str(error) is safe to show in the UI or print from the CLI as it is."""


class UnknownDatasetError(PlaygroundError, KeyError):
    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class DatasetUnavailableError(PlaygroundError):
    """The dataset exists but cannot be had right now (offline, no bundled copy, download failed)."""


class ImageImportError(PlaygroundError):
    """A person's images could not be turned into a dataset; the report says why, file by file."""


class ModelUnavailableError(PlaygroundError):
    """A hub model that cannot be fetched now (offline, not cached, or the hub refused)."""


def is_network_failure(exc: BaseException) -> bool:
    """Whether an exception (or one it wraps) says the network could not be reached: no internet, DNS, refused."""
    import socket
    import urllib.error

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, urllib.error.URLError | ConnectionError | socket.gaierror | TimeoutError):
            return True
        if "urlopen error" in str(seen) or "Temporary failure in name resolution" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
