"""Secrets are the PII of code: the `code` rule pack and curate.rules.secrets' check."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import curate
from bench.bench_codebase import NOT_SECRETS, PLANTED
from curate.errors import RulesError
from curate.rules.pack import load_rule_pack
from curate.rules.pii.engine import engine_for
from curate.rules.secrets import secret_ok
from tests.conftest import SAMPLE


@pytest.mark.parametrize(
    "value", ["Tr0ub4dorPass77", "Vq7-mZ2x-Lp9w-Ke4r", "tk9f8e7d6c5b4a3e2d1", "Mx82kLq0Rz"]
)
def test_secret_ok_real_looking(value: str) -> None:
    assert secret_ok(value)


@pytest.mark.parametrize(
    "value",
    [
        "password123",  # a placeholder word
        "CircleOfLife",  # letters only (RFC 2617's example)
        "4096",  # digits only
        "a%20secret",  # URL-escaped test vector
        "${DB_PASSWORD}",  # templated
        "get_secret()",  # a call
        "<your-token>",
        "aaaa1111",  # too few distinct characters
        "changeme42",
    ],
)
def test_secret_ok_stand_ins(value: str) -> None:
    assert not secret_ok(value)


def scan(texts: list[str]) -> tuple[list[str], dict[str, int]]:
    engine = engine_for(load_rule_pack("code").pii)
    res = engine.scan(pl.Series(texts), np.arange(len(texts)), keep_values=False)
    return res.placeholders().to_list(), {t: int(c.sum()) for t, c in res.counts().items()}


def test_code_pack_types_and_placeholders() -> None:
    out, counts = scan(
        [
            'key = "AKIAZ3F7QWERTY5EXAMP"',
            "DB_PASSWORD=Mx82kLq0Rz",
            'url = "postgres://admin:Tr0ub4dorPass77@db.internal:5432/app"',
            'password = "password123"',
            "http://user:pass@localhost",
            "MAX_TOKENS = 4096",
            "SECRET = get_secret()",
            "mail ada@tinykv.example.org",
        ]
    )
    assert out == [
        'key = "[AWS_ACCESS_KEY]"',
        "DB_PASSWORD=[ENV_SECRET]",
        'url = "postgres://admin:[URL_PASSWORD]@db.internal:5432/app"',  # not an e-mail
        'password = "password123"',
        "http://user:pass@localhost",
        "MAX_TOKENS = 4096",
        "SECRET = get_secret()",
        "mail [EMAIL]",
    ]
    assert {t: n for t, n in counts.items() if n} == {
        "aws_access_key": 1,
        "env_secret": 1,
        "url_password": 1,
        "email": 1,
    }


def test_planted_secrets_all_found_and_look_alikes_kept(tmp_path: Path) -> None:
    """Every fake credential planted in sample_data/codebase is gone from the records and
    counted in the report's PII table by type; the look-alikes stay."""
    repo = tmp_path / "tinykv"
    shutil.copytree(SAMPLE / "codebase", repo)
    ws = tmp_path / "ws"
    curate.ingest([str(repo)], schema="codebase", workspace=ws, rules="code")
    records = pl.read_parquet(ws / "ingest" / "records.parquet")
    text = "\n".join(
        v for row in records.drop("pii").iter_rows() for v in row if isinstance(v, str)
    )
    assert [v for _, v in PLANTED if v in text] == []
    assert [v for v in NOT_SECRETS if v not in text] == []
    counts: dict[str, int] = {}
    for cell in records["pii"].to_list():
        for hit in cell or []:
            counts[hit["type"]] = counts.get(hit["type"], 0) + hit["count"]
    assert counts == {
        "private_key": 1,
        "aws_access_key": 1,
        "aws_secret_key": 1,
        "github_token": 1,
        "slack_token": 1,
        "jwt": 1,
        "url_password": 1,
        "password": 2,  # settings.toml's password and store.py's DEFAULT_API_KEY
        "env_secret": 2,
        "email": 1,  # pyproject's author
    }
    curate.report(ws, json_path=str(tmp_path / "report.json"))  # the report's PII section
    types = json.loads((tmp_path / "report.json").read_text("utf-8"))["pii"]["types"]
    assert {t: v["matches"] for t, v in types.items()} == counts


def test_custom_detector_check_is_validated(tmp_path: Path) -> None:
    pack = tmp_path / "p.toml"
    pack.write_text('name = "p"\n[[pii.custom]]\ntype = "t"\npattern = "a"\ncheck = "luhn"\n')
    with pytest.raises(RulesError) as err:
        load_rule_pack(pack)
    assert (
        str(err.value).splitlines()[0]
        == f"{pack}: pii.custom.0.check: Input should be 'secret' or 'name'"
    )


def test_a_private_key_placeholder_in_docs_is_no_secret() -> None:
    """npm's config docs show `key="-----BEGIN PRIVATE KEY-----\\nXXXX\\nXXXX\\n-----END ..."`:
    the block's body is no key, so it stays; a real block (the fixture's) still goes."""
    pem = (SAMPLE / "codebase" / "deploy" / "deploy_key.pem").read_text("utf-8")
    placeholder = 'key="-----BEGIN PRIVATE KEY-----\\nXXXX\\nXXXX\\n-----END PRIVATE KEY-----"'
    out, counts = scan(
        [placeholder, "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----", pem]
    )
    assert out[:2] == [
        placeholder,
        "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
    ]
    assert "[PRIVATE_KEY]" in out[2] and counts.get("private_key") == 1
