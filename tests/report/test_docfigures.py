"""Every figure quoted in README.md and docs/ between ``<!-- fig:KEY -->`` markers equals what
the code gives now (``make docs`` rewrites them), and the marker mechanism itself works."""

from pathlib import Path

import pytest

from autoalliance.report import docfigures as df

ROOT = Path(__file__).resolve().parents[2]


class _Toy(df.Figures):
    def _fig_toy(self, rest: str) -> str:
        return {"a": "1", "b": "two"}[rest]


def test_render_replaces_each_marker_and_keeps_the_rest():
    text = "x <!-- fig:toy.a -->9<!-- /fig --> y\n<!-- fig:toy.b -->\nold\n<!-- /fig -->\n"
    figs = _Toy()
    assert df.render(text, figs) == "x <!-- fig:toy.a -->1<!-- /fig --> y\n" \
                                    "<!-- fig:toy.b -->two<!-- /fig -->\n"
    assert df.stale(text, figs) == [("toy.a", "9", "1"), ("toy.b", "\nold\n", "two")]
    assert df.stale(df.render(text, figs), figs) == []


def test_unknown_family_or_key_is_an_error_naming_the_key():
    with pytest.raises(df.DocFigureError, match="nope"):
        _Toy().value("nope.a")
    with pytest.raises(df.DocFigureError, match="toy.c"):
        _Toy().value("toy.c")


def test_money_formats():
    assert df.yen_b(2.979e11) == "¥298B" and df.yen_b(-4.1e10) == "−¥41B"
    assert df.usd_m(18_117_400_000) == "18,117" and df.usd_m(864_949_000, 1) == "864.9"
    assert df.signed_m(-2e6) == "−2" and df.signed_m(288e6) == "+288"


def test_bench_figures_read_results_json(tmp_path):
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "results.json").write_text('{"a": [{"b": 2.345}]}')
    figs = df.Figures(root=tmp_path)
    assert figs.value("bench.a.0.b:.1f") == "2.3" and figs.value("bench.a.0.b") == "2.345"


def test_every_quoted_figure_equals_what_the_code_gives():
    figs = df.Figures(root=ROOT)
    problems = []
    for name in df.DOCS:
        p = ROOT / name
        if p.exists():
            problems += [f"{name}: {k}: docs say {was.strip()!r}, code gives {now.strip()!r}"
                         for k, was, now in df.stale(p.read_text(encoding="utf-8"), figs)]
    assert not problems, "run `make docs`:\n" + "\n".join(problems)
