"""Helpers for the browser tests: Debian's chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Screenshots: into docs/img/ (the README's pictures) only when asked for with
# AUTOALLIANCE_SCREENSHOTS=1, so that running the tests leaves the checkout as it was.
IMG = (Path(__file__).resolve().parents[2] / "docs" / "img"
       if os.environ.get("AUTOALLIANCE_SCREENSHOTS") == "1"
       else Path(os.environ.get("TMPDIR", "/tmp")) / "autoalliance-screenshots")


def chromium() -> str:
    """Path of Debian's chromium; installs it with apt-get when missing and we are root;
    skips (with the reason) only when it is missing and cannot be installed."""
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed "
                        "(pip install -e '.[dev]')")
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], check=False,
                       capture_output=True, timeout=600)
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is missing at /usr/bin/chromium and could not be "
                    "installed (apt-get install chromium)")
    return CHROMIUM


def launch(p):
    return p.chromium.launch(executable_path=chromium(), headless=True, args=FLAGS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    import urllib.error
    import urllib.request

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(url)


SERVE = [sys.executable, "-m", "autoalliance.cli.main", "serve"]


def start_dashboard(args: list[str], port: int, env: dict | None = None) -> subprocess.Popen:
    """``autoalliance serve ARGS --port PORT`` in its own session (stop it with ``stop``)."""
    return subprocess.Popen(SERVE + args + ["--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
                            start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def metrics(page) -> dict[str, str]:
    """The dashboard's metric tiles: label (before any colon) -> shown value."""
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    return dict(zip((x.split(":")[0].strip() for x in labels), values))
