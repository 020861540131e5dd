"""The HTML report of a folder input opens with the summary and the funnel grouped by folder in
the first screen (issue 26), checked in headless Chromium where it is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import curate
from curate.report import report
from tests.conftest import realdata

SCREEN = (1280, 900)
# appended to a copy of the page: where the funnel's folder table ends, read back from the DOM
PROBE = """<script>
const t = document.querySelector('#funnel table');
document.body.setAttribute('data-funnel-bottom', Math.round(t.getBoundingClientRect().bottom));
document.body.setAttribute('data-summary-top',
  Math.round(document.querySelector('#summary').getBoundingClientRect().top));
</script></body>"""


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("headless Chromium is not installed")
    return exe


def _first_screen(html: Path, tmp: Path) -> tuple[int, int, Path]:
    exe = _chromium()
    flags = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    flags.append(f"--window-size={SCREEN[0]},{SCREEN[1]}")
    probe = tmp / "probe.html"
    probe.write_text(html.read_text("utf-8").replace("</body>", PROBE, 1), "utf-8")
    dom = subprocess.run(
        [*flags, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=60
    ).stdout
    shot = tmp / "first_screen.png"
    subprocess.run([*flags, f"--screenshot={shot}", html.as_uri()], capture_output=True, timeout=60)
    bottom = re.search(r'data-funnel-bottom="(\d+)"', dom)
    top = re.search(r'data-summary-top="(\d+)"', dom)
    assert bottom and top, dom[:500]
    return int(top.group(1)), int(bottom.group(1)), shot


def _check(html: Path, tmp: Path) -> None:
    page = html.read_text("utf-8")
    assert "Funnel per folder" in page and page.count("<details>") >= 2
    top, bottom, shot = _first_screen(html, tmp)
    assert top < bottom <= SCREEN[1], (top, bottom)  # summary, then the whole folder table
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one


@pytest.mark.slow
def test_folder_input_report_first_screen(tmp_path: Path) -> None:
    data = tmp_path / "notes"
    for folder, n in (("a", 20), ("b", 12)):
        (data / folder).mkdir(parents=True)
        for i in range(n):
            text = f"Patient {i} seen for follow-up of condition {folder}{i}. " * 3
            (data / folder / f"note_{i:02d}.txt").write_text(text, "utf-8")
    ws = tmp_path / "ws"
    curate.ingest([str(data)], "clinical_notes", ws)
    html = tmp_path / "report.html"
    report(ws, html=html)
    _check(html, tmp_path)


@pytest.mark.slow
def test_real_clinical_folder_report_first_screen(tmp_path: Path) -> None:
    notes = realdata("clinical", "syngp500_notes")
    mts = realdata("clinical", "MTS-Dialog-TrainingSet.csv")
    ws = tmp_path / "ws"
    curate.ingest([str(notes), str(mts)], "clinical_notes", ws, rules="clinical")
    curate.dedupe(ws)
    curate.export(ws, out=tmp_path / "export")
    html = tmp_path / "report.html"
    res = report(ws, html=html)
    assert res.accounting_ok
    folders = res.facts["funnel_folders"]
    assert sum(r["files"] for r in folders) == len(res.facts["funnel"]) > 500
    _check(html, tmp_path)
