"""The redaction audit in the report (issue 18 item 4): the JSON facts, the terminal and the
HTML report show which strings were redacted most, and never a string below the threshold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from curate.report import collect, render_terminal
from curate.report.audit import audit_facts
from curate.report.html import render_html
from curate.workspace import write_json
from tests.report_fixtures import AUDIT, build


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("audit") / "ws", 60).path


def test_audit_in_json_terminal_and_html(ws: Path) -> None:
    facts = collect(ws)
    audit = facts["pii"]["audit"]
    person = audit["types"]["person"]
    assert audit["min_records"] == 5
    assert [x["value"] for x in person["top"]] == ["Apple", "Stock"]
    assert person["hidden"] == {"strings": 38, "finds": 67}
    assert person["contexts"][0]["after"] == "my [PERSON] watch will not pair, write to [EMAIL]"
    assert "record_id" not in person["contexts"][0]  # the report shows where, by source

    console = Console(width=100, record=True)
    render_terminal(facts, console)
    out = console.export_text()
    assert "Redaction audit: strings redacted in ≥ 5 documents" in out
    assert "Apple" in out and "Stock" in out
    assert "38 strings in < 5 records (67 finds), not shown" in out
    assert "41 strings in < 5 records (44 finds), not shown" in out  # email: none listed
    assert "before: my Apple watch will not pair" in out
    assert "1 find not traced to their text" in " ".join(out.split())

    html = render_html(facts)
    assert "<h3>Redaction audit</h3>" in html
    assert "<td>Apple</td>" in html and "my [PERSON] watch will not pair" in html


def test_report_does_not_show_a_string_found_in_fewer_records_than_the_threshold(
    tmp_path: Path,
) -> None:
    """rules.json may be older or edited by hand: the report checks the threshold again, and a
    threshold under 2 (one person's string) shows no audit at all."""
    audit = json.loads(json.dumps(AUDIT))
    person = audit["types"]["person"]
    person["top"].append({"value": "Zoltan Kovacs", "records": 2, "finds": 2})
    person["contexts"].append(
        {"value": "Zoltan Kovacs", "source": "x:1", "before": "Zoltan Kovacs", "after": "[PERSON]"}
    )
    got = audit_facts({"audit": audit})
    assert got is not None and "Zoltan" not in json.dumps(got)
    assert audit_facts({"audit": {**audit, "min_records": 1}}) is None
    assert audit_facts({}) is None
    write_json({"pack": "default", "audit": audit}, tmp_path / "rules.json")  # a file too
    assert "Zoltan" not in json.dumps(
        audit_facts(json.loads((tmp_path / "rules.json").read_text()))
    )


def test_audit_contexts_are_masked_like_every_report_sample() -> None:
    audit = json.loads(json.dumps(AUDIT))
    audit["types"]["person"]["contexts"][0]["before"] = "my Apple watch, call 555-123-4567"
    got = audit_facts({"audit": audit})
    assert got is not None
    assert got["types"]["person"]["contexts"][0]["before"] == "my Apple watch, call [PHONE]"
