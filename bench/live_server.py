"""Start the real app with `streamlit run` on a loopback port, and Debian's Chromium to look at it.

Shared by the browser tests and the start-up benchmark. Playwright's own browser download does not work
offline, so Chromium comes from Debian (`apt-get install chromium`).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(port: int, app: Path | None = None) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(app or REPO / "app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip


def launcher_command(port: int) -> list[str]:
    """The hosted launcher (scripts/serve.py: warm-up, then `streamlit run app.py`) with the same options."""
    return [sys.executable, str(REPO / "scripts" / "serve.py"), *server_command(port)[5:]]


def pinned(command: list[str], cpus: str | None) -> list[str]:
    """The command run on the given CPUs only (`taskset -c`), so a benchmark's client cannot share them."""
    return ["taskset", "-c", cpus, *command] if cpus else command


def start_server(
    env: dict[str, str] | None = None, log: Path | None = None, timeout: float = 60, app: Path | None = None,
    port: int | None = None, cpus: str | None = None, launcher: bool = False,
) -> tuple[subprocess.Popen, str]:
    """Start the app (default: app.py; launcher: through scripts/serve.py) and return the process and its URL
    once the health check answers."""
    port = port or free_port()
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the child keeps it
    proc = subprocess.Popen(
        pinned(launcher_command(port) if launcher else server_command(port, app), cpus), cwd=REPO, env={**os.environ, **(env or {})}, stdout=out, stderr=out
    )
    if log:
        out.close()  # the child has its own descriptor
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode} (log: {log})")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.1)


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@contextmanager
def streamlit_server(
    env: dict[str, str] | None = None, log: Path | None = None, timeout: float = 60, app: Path | None = None
) -> Iterator[str]:
    """Run the app (default: app.py) until the block ends; yields its URL once the health check answers."""
    proc, url = start_server(env, log, timeout, app)
    try:
        yield url
    finally:
        stop_server(proc)


def launch_chromium(playwright, cpus: str | None = None):
    """Debian's Chromium; with `cpus`, it and every process it starts run on those CPUs only."""
    executable = CHROMIUM
    if cpus:
        import tempfile

        wrapper = Path(tempfile.mkdtemp(prefix="chromium-pinned-")) / "chromium"
        wrapper.write_text(f'#!/bin/sh\nexec taskset -c {cpus} {CHROMIUM} "$@"\n')
        wrapper.chmod(0o755)
        executable = wrapper
    return playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
