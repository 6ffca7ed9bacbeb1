"""Chart images (PNG, SVG, PDF) through Kaleido, plotly's own exporter.

Kaleido (>= 1) drives a headless Chrome or Chromium through choreographer; on Debian that is
``/usr/bin/chromium``, which it is pointed at (``BROWSER_PATH``) when nothing else is set. The
first export of a fresh browser can race the page's set-up, so a failed export is tried once
more before the error is raised.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

DEBIAN_CHROMIUM = "/usr/bin/chromium"


def browser() -> str | None:
    """The browser Kaleido will use: ``BROWSER_PATH``, else a chromium or chrome on PATH."""
    if os.environ.get("BROWSER_PATH"):
        return os.environ["BROWSER_PATH"]
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return DEBIAN_CHROMIUM if Path(DEBIAN_CHROMIUM).exists() else None


def write_image(fig, path: str | Path, width: int = 1100, height: int | None = None,
                scale: float = 1.0) -> Path:
    """Write ``fig`` to ``path`` (format from the suffix: .png, .svg, .pdf, .jpeg)."""
    import plotly.io as pio

    found = browser()
    if found and not os.environ.get("BROWSER_PATH"):
        os.environ["BROWSER_PATH"] = found
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    h = int(height or fig.layout.height or 500)
    try:
        pio.write_image(fig, p, width=width, height=h, scale=scale)
    except Exception:  # the first export of a fresh browser can race its set-up: once more
        pio.write_image(fig, p, width=width, height=h, scale=scale)
    return p
