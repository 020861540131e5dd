"""Is this URL personal data? Public help links are answers; links that carry a person are not.

A support agent's "see https://support.hp.com/document/c04867233" is the answer itself and must
survive redaction; "https://shop.example/track?email=ann@x.com&token=9f2..." identifies a person
(or hands out their session) and must not. A URL is personal when its query string or fragment
carries an e-mail address, a phone number, a credential (token, key, session, password, signature)
or a person's identifier (user, customer, account, order, email parameters), or when its path holds
an e-mail address. Everything else, however long (web-archive links included), is public.

The API is small so the PII engine can ask per match: ``is_personal_url`` (yes/no),
``personal_url_reason`` (why, for reports) and ``public_part`` (what of it may stay: the
address without its query string, or nothing when the address itself is personal).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = [
    "URL_RE",
    "is_personal_url",
    "personal_url_reason",
    "public_part",
    "strip_personal_urls",
]

URL_RE = re.compile(r"\b(?:(?i:https?)://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)\]]")
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# a phone number as people write one: with "+" or in groups ("555-123-4567"); a bare run of
# digits is a page or article id ("nodeId=201910410") and names no one
_PHONE = re.compile(r"^(?:\+\d[\d\s().-]{6,}\d|\(?\d{2,4}\)?[\s.-]\d{3,4}[\s.-]\d{3,4})$")
# Parameter names whose value is a secret or names a person (compared lower-case, - and _ dropped).
_SECRET_KEYS = {
    "token", "accesstoken", "authtoken", "idtoken", "refreshtoken", "auth", "authorization",
    "key", "apikey", "secret", "clientsecret", "password", "passwd", "pwd", "pass", "session",
    "sessionid", "sid", "sig", "signature", "code", "otp", "resettoken", "reset", "jwt",
    "xamzsignature", "xamzcredential", "xamzsecuritytoken", "awsaccesskeyid",
}  # fmt: skip
_PERSON_KEYS = {
    "email", "mail", "emailaddress", "user", "userid", "username", "uid", "login", "customer",
    "customerid", "account", "accountid", "member", "memberid", "phone", "mobile", "tel",
    "name", "firstname", "lastname", "fullname", "address", "zip", "postcode", "dob", "ssn",
    "order", "orderid", "ordernumber", "tracking", "trackingnumber",
}  # fmt: skip


def _key(name: str) -> str:
    return re.sub(r"[-_.\s\[\]]", "", name).lower()


def personal_url_reason(url: str) -> str | None:
    """Why ``url`` is personal data (``"email in query"``, ``"credential 'token'"``...), or None
    for a public link."""
    text = url if "://" in url else f"http://{url}"
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.username or parts.password:
        return "credentials in the address"
    if _EMAIL.search(unquote(parts.path)):
        return "email in path"
    for where, raw in (("query", parts.query), ("fragment", parts.fragment)):
        if not raw:
            continue
        for name, value in parse_qsl(raw, keep_blank_values=True):
            value = unquote(value).strip()
            if _EMAIL.search(value) or _EMAIL.search(unquote(name)):
                return f"email in {where}"
            if not value:
                continue
            key = _key(name)
            if key in _SECRET_KEYS:
                return f"credential '{name}' in {where}"
            if key in _PERSON_KEYS:
                return f"personal parameter '{name}' in {where}"
            if _PHONE.match(value):
                return f"phone number in {where}"
    return None


def is_personal_url(url: str) -> bool:
    """True where the URL carries personal data or a credential (see the module docstring)."""
    return personal_url_reason(url) is not None


def public_part(url: str) -> str:
    """What of a personal URL may stay: scheme, host and path (the query string and fragment
    carry the person); nothing where the address itself is personal (credentials, an e-mail in
    the path)."""
    text = url if "://" in url else f"http://{url}"
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.username or parts.password or _EMAIL.search(unquote(parts.path)):
        return ""
    base = f"{parts.scheme}://{parts.hostname or ''}{parts.path}"
    return base if "://" in url else base.split("://", 1)[1]


def strip_personal_urls(text: str) -> tuple[str, list[str]]:
    """``text`` with each personal URL cut to its public part (``public_part``; public links
    kept whole), and the URLs that were changed."""
    changed: list[str] = []

    def cut(m: re.Match[str]) -> str:
        if is_personal_url(m.group()):
            changed.append(m.group())
            return public_part(m.group())
        return m.group()

    out = URL_RE.sub(cut, text) if "://" in text or "www." in text else text
    if changed:
        out = re.sub(r"[ \t]{2,}", " ", out).strip()
    return out, changed
