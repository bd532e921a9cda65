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
