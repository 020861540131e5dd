"""What made a run: the rule pack, schema and tokenizer files (name, path, SHA-256) and the
curate version, from the stage log; and, between two runs, which of them changed and how.

A modified copy of a pack keeps the pack's ``name``, so only the content hash tells two packs
apart; the ingest stage keeps the pack's text (``ingest/rules_pack.toml``) so that a comparison
can name the keys that changed.
"""

from __future__ import annotations

import tomllib
from typing import Any

from curate.workspace import Workspace, sha256_file

KINDS = ("rules", "schema", "tokenizer", "curate")
LABEL = {"rules": "rule pack", "schema": "schema", "tokenizer": "tokenizer", "curate": "curate"}


def provenance(ws: Workspace, last: dict[str, dict[str, Any]]) -> dict[str, Any]:
    ing = (last.get("ingest") or {}).get("config") or {}
    exp = (last.get("export") or {}).get("config") or {}
    version = None
    for stage in ("ingest", "dedupe", "export"):
        version = ((last.get(stage) or {}).get("versions") or {}).get("curate") or version
    return {
        "rules": None
        if ing.get("rules") is None
        else {
            "name": ing.get("rules"),
            "path": ing.get("rules_path"),
            "sha256": ing.get("rules_sha256"),
        }
        | ({"extends": ing["rules_extends"]} if ing.get("rules_extends") else {}),
        "schema": None
        if ing.get("schema") is None
        else {
            "name": ing.get("schema"),
            "path": ing.get("schema_path") or ing.get("schema_file"),
            "sha256": ing.get("schema_sha256"),
        },
        "tokenizer": None
        if exp.get("tokenizer") is None
        else {"name": exp.get("tokenizer"), "sha256": exp.get("tokenizer_sha256")},
        "curate": version,
    }


def _shas(d: dict[str, Any]) -> list[Any]:
    """The SHA-256s of the packs a pack extends: a changed base changes the run."""
    return [e.get("sha256") for e in d.get("extends") or [] if isinstance(e, dict)]


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        if a.get("sha256") and b.get("sha256"):  # same bytes: the same, wherever they lie
            return bool(a["sha256"] != b["sha256"] or _shas(a) != _shas(b))
        return a != b
    return bool(a != b)


def _flat(d: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(d, dict):
        return {prefix: d}
    out: dict[str, Any] = {}
    for k, v in d.items():
        out.update(_flat(v, f"{prefix}.{k}" if prefix else str(k)))
    return out


def pack_text(ws: Workspace | None, sha: str | None) -> dict[str, Any] | None:
    """The rule pack the ingest kept, parsed, if it is the one the log names."""
    if ws is None or not sha:
        return None
    path = ws.stage_dir("ingest") / "rules_pack.toml"
    if not path.is_file() or sha256_file(path) != sha:
        return None
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None


def changes(
    pa: dict[str, Any], pb: dict[str, Any], wa: Workspace | None, wb: Workspace | None
) -> list[dict[str, Any]]:
    """One entry per rule pack / schema / tokenizer / curate version that differs, with the
    pack keys that changed when both packs' text is in the workspaces."""
    out = []
    for kind in KINDS:
        a, b = pa.get(kind), pb.get(kind)
        if not _differs(a, b):
            continue
        item: dict[str, Any] = {"what": kind, "a": a, "b": b}
        if kind == "rules" and isinstance(a, dict) and isinstance(b, dict):
            ta, tb = pack_text(wa, a.get("sha256")), pack_text(wb, b.get("sha256"))
            if ta is not None and tb is not None:
                fa, fb = _flat(ta), _flat(tb)
                item["keys"] = [
                    {"key": k, "a": fa.get(k), "b": fb.get(k)}
                    for k in sorted(set(fa) | set(fb))
                    if fa.get(k) != fb.get(k)
                ]
        out.append(item)
    return out


def describe(x: Any) -> str:
    """``name (path, sha 0123abcd)`` for the terminal."""
    if not isinstance(x, dict):
        return "–" if x is None else str(x)
    bits = [str(x[k]) for k in ("path",) if x.get(k)]
    if x.get("sha256"):
        bits.append(f"sha256 {str(x['sha256'])[:12]}")
    return f"{x.get('name')}" + (f" ({', '.join(bits)})" if bits else "")
