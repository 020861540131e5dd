"""Outline numbers in legal text are no IP addresses (issue 18: "section numbers such as
8.3.2.1 became [IP] (399 places)"; with "Section" before them they were kept, but CUAD's
clauses open with the bare number: 148 [IP] in the full contracts with the default pack)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import engine_for


def _redact(text: str) -> str:
    engine = engine_for(load_rule_pack("default").pii)
    scan = engine.scan(pl.Series([text]), np.arange(1), keep_values=True)
    return str(scan.redacted("placeholder", 0).to_list()[0])


@pytest.mark.parametrize(
    "text",
    [
        "may include among other things:     13.1.1.1 Calibration unit (Prover) installed",
        "the following: 13.2.1.1 the Brand Fund; 13.2.1.2 local marketing",
        "by which it is bound;  13.2.1.7 all former and current employees",
        "pursuant to this Section 14.2.4.1.  14.2.4.2 This Agreement will, upon written",
        "15.10.2 Arbitration Process.\n15.10.2.1 Either Party shall have the right",
        "securities accounts;  7.7.7.12 Liens incurred in the extension",
        "including:     8.1.2.1.1 The best estimate of the",
        "as set forth in Section 11.1.1.4, PB shall remain obligated",
    ],
)
def test_outline_numbers_are_kept(text: str) -> None:
    assert _redact(text) == text


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("my router is at 10.0.0.1 and the modem at 192.168.1.20 now", "router is at"),
        ("Blocked IP: 172.16.25.4 tried to log in", "Blocked IP:"),
        ("login from 81.2.69.160 yesterday", "login from"),
        ("log:\n203.0.113.7 - - [10/Oct/2020]", "log:"),
    ],
)
def test_ip_addresses_are_still_found(text: str, kept: str) -> None:
    out = _redact(text)
    assert "[IP]" in out and kept in out, out


@pytest.mark.parametrize(
    "text",
    [
        "described in Sections 7.7.7.1 through 7.7.7.11 (excluding Liens",
        "Subsections 14.4.1.1. and 14.4.1.3: Modified",
        "premium, etc.). 3.2.13.6 Party B shall explain",
    ],
)
def test_outline_numbers_in_lists_and_after_a_sentence(text: str) -> None:
    assert _redact(text) == text
