"""Secrets in code: the Python check behind the ``code`` rule pack's keyword detectors.

A token with a format of its own (an AWS key id, a GitHub token, a private-key block) is a
secret by its shape, and the pack's regexes find it alone. A value found by its *name*
(``password = "..."``, ``DB_PASSWORD=...``, ``scheme://user:...@host``) may be a real password
or a stand-in that documentation and tests are full of (``password123``, ``"CircleOfLife"`` from
an RFC, URL-escaping test vectors, ``${DB_PASSWORD}``), and the Rust regex engine that runs
the pack has no look-around to tell them apart. A custom detector with ``check = "secret"``
therefore counts a find only when ``secret_ok`` says it is one, as detect-secrets' heuristic
filters do (templated, sequential and placeholder strings), without its per-line Python scan
of every file: the regex narrows the text to a handful of finds, and only those are checked.
"""

from __future__ import annotations

import re

__all__ = ["PLACEHOLDER_WORDS", "pem_key_ok", "secret_ok"]

# Words that mark a stand-in value, not a credential (matched case-insensitively inside it).
PLACEHOLDER_WORDS = (
    "password",
    "passwd",
    "secret",
    "changeme",
    "change_me",
    "example",
    "dummy",
    "sample",
    "placeholder",
    "your",
    "xxxx",
    "****",
    "redacted",
    "fake",
    "notreal",
    "insecure",
    "hunter2",
    "letmein",
    "qwerty",
    "12345",
    "abcdef",
)
_TEMPLATED = re.compile(r"[%{}<>$\[\]()\\]|^\*+$")


def secret_ok(value: str) -> bool:
    """Whether a value found by a secret's name looks like a real credential.

    Not one: templated or escaped (``${X}``, ``{password}``, ``<token>``, ``%40``, calls like
    ``get_secret()``), a placeholder word inside (``PLACEHOLDER_WORDS``), letters without digits
    or digits without letters (``CircleOfLife``, ``4096``), or fewer than six distinct
    characters (``aaaa1111``)."""
    v = value.strip().strip("\"'")
    if v.startswith("-----BEGIN"):
        return pem_key_ok(v)
    if len(v) < 6 or _TEMPLATED.search(v):
        return False
    low = v.lower()
    if any(w in low for w in PLACEHOLDER_WORDS):
        return False
    if not (re.search(r"[A-Za-z]", v) and re.search(r"[0-9]", v)):
        return False
    return len(set(v)) >= 6


_PEM_HEADER = re.compile(r"^[A-Za-z-]+:.*$", re.M)  # Proc-Type:, DEK-Info: (encrypted PEM)
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=]")


def pem_key_ok(block: str) -> bool:
    """Whether a BEGIN/END PRIVATE KEY block holds a key: at least 64 base64 characters of
    body (the shortest real key, a raw Ed25519 one, has more) with 16 distinct ones. A docs
    placeholder (``XXXX``, ``...``, ``<your key>``) has neither. Escaped newlines (``\\n``
    in a JSON or .env value) count as line breaks."""
    lines = block.replace("\\n", "\n").splitlines()[1:-1]
    body = _NOT_BASE64.sub("", _PEM_HEADER.sub("", "\n".join(lines)))
    return len(body) >= 64 and len(set(body)) >= 16
