"""The board report in a real browser (Debian's chromium via Playwright): the answer comes
first and shows the report's own numbers; printed to PDF (A4 landscape) it has at most 12 pages
before the appendices, every chart box fits on a page and is kept whole (break-inside: avoid),
and, read back from the PDF, each chart's heading and its axis text are on the same page."""

import json
import re
import shutil
import subprocess

from _browser import IMG, launch

from autoalliance.plan.testing import tiny_alliance
from autoalliance.report import build, write_html

A4_LANDSCAPE_PRINTABLE_PX = (210 - 2 * 12) / 25.4 * 96  # page height less the @page margins


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_report_answer_first_and_print_ready(tmp_path):
    from playwright.sync_api import sync_playwright

    rd = build(tiny_alliance(tmp_path / "ta"), stages=("exposure", "plan", "sharing"))
    out = write_html(rd, tmp_path / "report.html")
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(out.as_uri())
        page.wait_for_function("window.Plotly !== undefined")
        first = page.eval_on_selector("body section", "el => el.id")
        split = page.eval_on_selector_all("#answer-split li", "els => els.map(e => e.innerText)")
        links = page.eval_on_selector_all("#sec-answer a", "els => els.map(e => "
                                          "e.getAttribute('href'))")
        anchors = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        cells = page.eval_on_selector_all("#summary-cost td", "els => els.map(e => e.innerText)")
        data = json.loads(page.eval_on_selector("#report-data", "el => el.textContent"))
        page.emulate_media(media="print")
        nav_shown = page.eval_on_selector("nav", "el => getComputedStyle(el).display")
        boxes = page.eval_on_selector_all("figure.chart", """els => els.map(el => {
            const r = el.getBoundingClientRect();
            return [el.querySelector('h2').innerText, r.width, r.height,
                    getComputedStyle(el).breakInside]; })""")
        pdf = page.pdf(format="A4", landscape=True, print_background=True)
        (tmp_path / "report.pdf").write_bytes(pdf)
        IMG.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(IMG / "report-print.png"))
        page.add_style_tag(content=".appendix{display:none !important}")
        body_pdf = page.pdf(format="A4", landscape=True, print_background=True)
        browser.close()
    assert not errors
    assert first == "sec-answer"
    # the answer: the recommended deal's gains, as the report's numbers have them
    deal = {r["company"]: r["gain_usd"] for r in data["tables"]["recommended_deal"]}
    names = data["meta"]["labels"]["company"]
    for c, gain in deal.items():
        assert any(t.startswith(names[c]) and f"${gain / 1e6 + 0.0:,.1f}M" in t for t in split)
    # its figures link to the appendix's sources and assumptions, and the anchors exist
    assert links and all(h.startswith("#") and h[1:] in anchors for h in links)
    assert any(h.startswith("#sources-") for h in links)
    if data["tables"]["assumptions"]:
        assert any(h.startswith("#assumptions-") for h in links)
    companies = {r["company"]: r for r in data["tables"]["exposure_by_company"]}
    for c, r in companies.items():
        i = [k for k, t in enumerate(cells) if t.strip() == names[c]][0]
        assert float(cells[i + 1].replace(",", "")) == round(r["tariff_cost_usd"] / 1e6, 1) + 0.0
    assert nav_shown == "none"
    assert boxes
    for title, w, h, brk in boxes:
        assert w > 300 and h > 200, title
        assert h < A4_LANDSCAPE_PRINTABLE_PX, f"{title}: {h:.0f}px is taller than a page"
        assert brk == "avoid", title
    assert pdf.startswith(b"%PDF") and 3 <= _pages(body_pdf) <= 12
    assert _pages(pdf) > _pages(body_pdf)
    if shutil.which("pdftotext"):  # poppler: read each page's text back
        pages = []
        for n in range(1, _pages(pdf) + 1):
            pages.append(subprocess.run(["pdftotext", "-f", str(n), "-l", str(n),
                                         str(tmp_path / "report.pdf"), "-"],
                                        capture_output=True, text=True, check=True).stdout)
        assert "The answer" in pages[0] and "Sign the" in pages[0]
        for title, *_ in boxes:
            on = [i for i, t in enumerate(pages) if title in t]
            assert len(on) == 1, f"{title!r} on pages {on}"
