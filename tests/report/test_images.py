"""Chart images through Kaleido (no hand-driven browser): the PNG has the asked size, the SVG
carries the chart's own text."""

import struct

import plotly.graph_objects as go
import pytest

from autoalliance.report.images import browser, write_image


@pytest.fixture
def fig():
    f = go.Figure(go.Bar(x=["Nissan", "Honda"], y=[261.7, 232.9]))
    f.update_layout(title="Tariff cost FY2025, JPY bn")
    return f


def test_png_and_svg(fig, tmp_path):
    if browser() is None:
        pytest.skip("no Chrome or Chromium for Kaleido (apt-get install chromium)")
    png = write_image(fig, tmp_path / "c.png", width=640, height=360)
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", head[16:24]) == (640, 360)  # IHDR: width, height
    svg = write_image(fig, tmp_path / "c.svg", width=640, height=360).read_text()
    assert "Tariff cost FY2025, JPY bn" in svg and "Nissan" in svg and "Honda" in svg
