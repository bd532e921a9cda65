"""Read the files of an untrusted zip archive in memory, refusing zip-slip paths and zip bombs."""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from gan_core.data.import_limits import ImportLimits


@dataclass(frozen=True)
class ZipEntry:
    name: str
    data: bytes | None  # None when the entry was refused
    problem: str = ""  # why it was refused


class ZipRefusedError(ValueError):
    """The archive as a whole is refused (not a zip, too many entries)."""


def escapes_folder(name: str) -> bool:
    """True when extracting `name` into a folder would write outside it (absolute path, drive, or '..')."""
    norm = name.replace("\\", "/")
    if norm.startswith("/") or (len(norm) > 1 and norm[1] == ":"):
        return True
    return posixpath.normpath(posixpath.join("root", norm)).split("/")[0] != "root"


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB"


def read_zip(data: bytes, limits: ImportLimits) -> Iterator[ZipEntry]:
    """Yield each file entry with its bytes, or with the reason it was not read. Never writes to disk."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise ZipRefusedError(f"not a readable zip archive ({exc})") from exc
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > limits.max_files:
            raise ZipRefusedError(
                f"the zip holds {len(infos):,} files, over the cap of {limits.max_files:,} (a zip bomb or too big)"
            )
        total = 0
        for info in infos:
            name = info.filename
            if escapes_folder(name):
                yield ZipEntry(name, None, "path escapes the target folder (zip-slip); not read")
                continue
            if info.flag_bits & 0x1:
                yield ZipEntry(name, None, "encrypted entry; not read")
                continue
            if info.file_size > limits.max_file_bytes:
                yield ZipEntry(
                    name, None, f"{_mb(info.file_size)} uncompressed, over the cap of {_mb(limits.max_file_bytes)}"
                )
                continue
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_zip_ratio:
                yield ZipEntry(
                    name,
                    None,
                    f"compression ratio {ratio:,.0f}:1 looks like a zip bomb (cap {limits.max_zip_ratio:.0f}:1)",
                )
                continue
            if total + info.file_size > limits.max_total_bytes:
                yield ZipEntry(name, None, f"the archive passes {_mb(limits.max_total_bytes)} uncompressed; not read")
                continue
            try:
                with archive.open(info) as f:
                    content = f.read(limits.max_file_bytes + 1)  # the header's size may lie: read at most the cap
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
                yield ZipEntry(name, None, f"unreadable entry ({exc})")
                continue
            if len(content) > limits.max_file_bytes:
                yield ZipEntry(name, None, f"larger than its header says, over the cap of {_mb(limits.max_file_bytes)}")
                continue
            total += len(content)
            yield ZipEntry(name, content)
