"""The HTML report: self-contained, bounded, and rendered by a real headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest

from curate.report import collect, report
from curate.report.html import SECTIONS, render_html
from curate.report.svg import fmt, histogram, lines
from curate.workspace import write_parquet
from tests.report_fixtures import build

CHROMIUM = next(
    (p for p in (shutil.which("chromium"), shutil.which("chromium-browser")) if p), None
)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("html") / "ws", 300).path


def test_html_is_self_contained(ws: Path) -> None:
    page = render_html(collect(ws))
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert "<script" not in page and "<link" not in page and "<iframe" not in page
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls == {"http://www.w3.org/2000/svg"}  # the SVG namespace only: nothing is fetched
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!#)""", page), "only in-page anchors"
    for key, _ in SECTIONS:
        assert f'<section id="{key}">' in page
    assert page.count("<svg ") >= 10
    assert "✓ Accounting holds: " in page


def test_html_shows_the_facts(ws: Path) -> None:
    f = collect(ws)
    page = render_html(f)
    assert f"{f['input_rows']:,} input rows = {f['outcomes']['exported']:,} exported" in page
    for reason in f["rejects"]:
        assert f"<b>{reason}</b>" in page
    assert "<del>" in page and "<ins>" in page  # side-by-side duplicate diff
    assert "eval/heldout.jsonl:" in page
    assert "Classes under the minimum of 5 records" in page
    assert '<polyline points="' in page  # the loss curve


def test_html_stays_small_with_many_records(tmp_path: Path) -> None:
    """Samples, not dumps: the page size does not grow with the workspace."""
    small = len(render_html(collect(build(tmp_path / "s", 100))))
    large = len(render_html(collect(build(tmp_path / "l", 3000))))
    assert large < 5_000_000 and large < small * 1.6


def test_partial_and_failed_pages(tmp_path: Path) -> None:
    page = render_html(collect(build(tmp_path / "p", 60, stages=("ingest",))))
    assert "Not run yet: dedupe, export, train." in page and "dedupe has not run." in page
    ws = build(tmp_path / "t", 60).path
    path = ws / "export" / "outcomes.parquet"
    write_parquet(pl.read_parquet(path).slice(1), path)
    page = render_html(collect(ws))
    assert "✗ Accounting failed: the outcomes do not match the input." in page
    assert "<span class='bad'>✗ FAIL</span>" in page


def test_svg_helpers() -> None:
    assert [fmt(x) for x in (0, 12, 1234, 25000, 2_500_000, 0.25, 0.0002)] == [
        "0",
        "12",
        "1.2k",
        "25k",
        "2.5M",
        "0.25",
        "2e-04",
    ]
    h = histogram([0, 10, 20], [3, 5], 2, "h")
    assert h.count("<rect") == 3 and "&gt; 20: 2" in h
    assert lines([("loss", [], "#000")], "empty") == ""


@pytest.mark.browser
def test_renders_in_headless_chromium(ws: Path, tmp_path: Path) -> None:
    if CHROMIUM is None:
        pytest.skip("chromium not installed (run `make browser` or `apt-get install chromium`)")
    html = tmp_path / "report.html"
    report(ws, html=html)
    shot = tmp_path / "report.png"
    base = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--enable-logging=stderr",
        "--v=0",
    ]

    def console_lines(page: Path, profile: str) -> tuple[str, list[str]]:
        run = subprocess.run(
            [*base, f"--user-data-dir={tmp_path / profile}", "--dump-dom", page.as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        return run.stdout, [line for line in run.stderr.splitlines() if ":CONSOLE" in line]

    # the harness sees console errors: a control page with one must be caught
    control = tmp_path / "control.html"
    control.write_text(
        "<!DOCTYPE html><html><body><script>console.error('boom')</script></body></html>", "utf-8"
    )
    assert any("boom" in line for line in console_lines(control, "p0")[1])
    dom, console = console_lines(html, "p1")
    assert console == [], console
    assert "✓ Accounting holds:" in dom and dom.count("<svg") >= 10
    snap = subprocess.run(
        [
            *base,
            f"--user-data-dir={tmp_path / 'p2'}",
            "--window-size=1280,2400",
            f"--screenshot={shot}",
            html.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert snap.returncode == 0, snap.stderr[-2000:]
    assert [line for line in snap.stderr.splitlines() if ":CONSOLE" in line] == []
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 50_000  # a rendered page, not a blank one


def test_html_shows_records_made_from_rows(tmp_path: Path, ws: Path) -> None:
    from tests.test_report import build_contracts

    page = render_html(collect(build_contracts(tmp_path)))
    assert "5 input rows became 11 records" in page
    assert '<th>outcome</th><th class="n">input rows</th><th class="n">records</th>' in page
    assert '<td>exported</td><td class="n">4</td><td class="n">7</td>' in page
    assert "became" not in render_html(collect(ws))


def test_html_says_the_export_stratified_by_the_balance_field(tmp_path: Path) -> None:
    from tests.test_report import build_tickets

    page = render_html(collect(build_tickets(tmp_path / "t", "priority")))
    assert "Class balance by priority per split" in page
    assert "The export stratified its splits by priority." in page
