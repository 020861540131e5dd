"""Version numbers are no IP addresses (issue 18: "numbers in section/clause numbering, scores
and versions are not dates or IPs"). A support tweet's "i updated to beta (1.16.0.53)" became
"beta ([IP])": a dotted quad right after a version word (version, ver., build, beta, release,
update, firmware, patch...), an operating system or browser's name, or written with a "v" is a
version; a dotted quad in 0.0.0.0/8 is no host's address (RFC 1122), so no one's. The sentences
are written here in the class the real support data showed, not copied from a labelled set."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import engine_for


def _redact(text: str, pack: str = "default") -> str:
    engine = engine_for(load_rule_pack(pack).pii)
    scan = engine.scan(pl.Series([text]), np.arange(1), keep_values=True)
    return str(scan.redacted("placeholder", 0).to_list()[0])


@pytest.mark.parametrize(
    "text",
    [
        "i updated to beta (1.16.0.53) and now it crashes",
        "There are two versions (1.1.4.29) on the forum",
        "running version 10.3.12.44 of the app",
        "Ver. 2.15.101.7 keeps freezing",
        "the new build 4.12.33.10 broke sync",
        "firmware 3.10.23.150 is installed",
        "after the update to 6.30.12.40 the TV restarts",
        "patch 12.1.22.9 fixed it",
        "release: 11.2.10.33",
        "on iOS 12.4.11.20 and Android 9.10.11.23",
        "Chrome 91.0.4472.124 shows a blank page",  # a browser's version, last part over 255
        "Chrome 91.0.44.124 shows a blank page",
        "Minecraft 1.16.20.53 won't load my world",
        "I have v2.10.4.131 installed",
        "the installer says V10.21.3.8",
        "file_exists (0.10.13.40 is what the log said",  # 0.x.x.x: no host
        "the package 0.7.11.12-1.0 fails",
    ],
)
def test_a_version_is_no_ip_address(text: str) -> None:
    assert _redact(text) == text
    assert _redact(text, "strict") == text


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Your IP (192.168.1.10) has been blacklisted", "Your IP ("),
        ("my ip address is 81.2.69.160 and it fails", "address is"),
        ("the server 172.16.25.4 is down", "the server"),
        ("ping 203.0.113.7 times out", "ping"),
        ("I cannot connect to 10.10.1.20 from home", "connect to"),
        ("the version of my router at 192.168.1.20 is old", "router at"),
        ("update: my IP is 81.2.69.160", "my IP is"),
    ],
)
def test_an_ip_address_near_no_version_word_is_still_found(text: str, kept: str) -> None:
    out = _redact(text)
    assert "[IP]" in out and kept in out, out
