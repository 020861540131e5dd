"""Is this URL personal data? Public help links are answers; links that carry a person are not.

A support agent's "see https://support.hp.com/document/c04867233" is the answer itself and must
survive redaction; "https://shop.example/track?email=ann@x.com&token=9f2..." identifies a person
(or hands out their session) and must not. A URL is personal when its query string or fragment
carries an e-mail address, a phone number, a credential (token, key, session, password, signature)
or a person's identifier (user, customer, account, order, email parameters), when its path holds
an e-mail address, or when its path names one user's profile or account ("youtube.com/user/X",
"ebay.com/usr/X", "twitter.com/X", "linkedin.com/in/X", "tiktok.com/@X": the link is that user's
identifier; a brand's own page, "twitter.com/AppleSupport", and a site's pages, "/watch",
"/help", stay public). Everything else, however long (web-archive links included), is public.

The API is small so the PII engine can ask per match: ``is_personal_url`` (yes/no),
``personal_url_reason`` (why, for reports) and ``public_part`` (what of it may stay: the
address without its query string, or nothing when the address itself is personal).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

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


# a path that names one user: "/user/X", "/usr/X" (eBay), "/u/X", "/profile/X", "/channel/X"
# (YouTube), "/@X" (TikTok, Medium, Mastodon, YouTube), on any site
_PROFILE_PREFIXES = {
    "user",
    "users",
    "usr",
    "u",
    "profile",
    "profiles",
    "channel",
    "member",
    "members",
    "people",
}
# sites whose first path segment is an account ("twitter.com/jdoe"), and their own prefixes
_ACCOUNT_HOSTS = {
    "twitter.com", "instagram.com", "facebook.com", "fb.com", "github.com",
    "gitlab.com", "youtube.com", "soundcloud.com", "twitch.tv", "patreon.com", "pinterest.com",
    "tiktok.com", "vk.com", "t.me", "snapchat.com", "threads.net", "flickr.com", "vimeo.com",
    "tumblr.com", "deviantart.com", "behance.net", "dribbble.com", "onlyfans.com",
    "linkedin.com", "reddit.com", "steamcommunity.com", "ebay.com", "ebay.co.uk",
}  # fmt: skip
_HOST_PREFIXES = {"youtube.com": {"c"}, "linkedin.com": {"in", "pub"}, "snapchat.com": {"add"},
                  "steamcommunity.com": {"id"}, "flickr.com": {"photos"}}  # fmt: skip
# hosts where only a prefix names a user (a first segment is a page: "reddit.com/r/X")
_PREFIX_ONLY = {"linkedin.com", "reddit.com", "steamcommunity.com", "ebay.com", "ebay.co.uk"}
# a site's own pages, not accounts ("youtube.com/watch", "twitter.com/i/flow/login")
_SITE_PAGES = {
    "watch", "results", "playlist", "feed", "embed", "shorts", "live", "hashtag", "search",
    "explore", "i", "home", "help", "settings", "login", "logout", "signin", "sign_in", "signup",
    "sign_up", "register", "about", "legal", "privacy", "terms", "tos", "intent", "share",
    "sharer", "sharer.php", "dialog", "pages", "groups", "events", "marketplace", "policies",
    "policy", "features", "topics", "trending", "notifications", "messages", "tags", "tag", "p",
    "reel", "reels", "stories", "tv", "hc", "support", "contact", "error", "account",
    "accounts", "download", "downloads", "premium", "gaming", "music", "kids", "new", "edit",
    "password", "security", "jobs", "careers", "blog", "news", "press", "developers", "docs",
    "orgs", "sponsors", "pricing", "enterprise", "apps", "store", "shop", "itm",
    "b", "sch", "str", "e", "deals", "r", "watch_videos", "feeds", "static", "api", "oauth",
    "authorize", "status", "compose", "video", "videos", "photo", "photos", "media", "profile.php",
    "home.php", "index.php", "permalink.php", "story.php", "direct", "stream",
    "directory", "browse", "discover", "charts", "upload", "you", "channel", "user", "c",
}  # fmt: skip
_OWNER = re.compile(r"@?[A-Za-z0-9][A-Za-z0-9_.-]{1,59}")
# a brand's account: "AppleSupport", "XboxHelp" (public.brand_handle knows more brands)
_ROLE_END = re.compile(r"(?i:support|help|helps|care|cares|service|team|official|news)$")


def _profile_owner(parts: SplitResult) -> str | None:
    """The user a link's path names ("youtube.com/user/X" -> "X"), or None."""
    host = (parts.hostname or "").lower()
    host = re.sub(r"^(?:www\d*|m|mobile|[a-z]{2}(?:-[a-z]{2})?)\.(?=[^.]+\.[^.]+)", "", host)
    segs = [unquote(s) for s in parts.path.split("/") if s]
    if not segs:
        if host in ("facebook.com", "fb.com") and parts.path.startswith("/profile.php"):
            return "profile.php"
        return None
    first = segs[0].lower()
    if host in ("facebook.com", "fb.com") and first == "profile.php":
        return "profile.php" if "id=" in parts.query else None
    owner: str | None = None
    if first in _PROFILE_PREFIXES or first in _HOST_PREFIXES.get(host, ()):
        owner = segs[1] if len(segs) > 1 else None
        # Google's account index ("drive.google.com/u/0/"): no one's name
        if owner is not None and owner.isdigit() and len(owner) < 3:
            return None
    elif (first.startswith("@") and len(first) > 2) or (
        host in _ACCOUNT_HOSTS and host not in _PREFIX_ONLY and first not in _SITE_PAGES
    ):
        owner = segs[0]
    if owner is None or owner.lower() in _SITE_PAGES or not _OWNER.fullmatch(owner):
        return None
    if re.search(r"\.(?:html?|php|aspx?|jsp|png|jpe?g|gif|pdf)$", owner, re.I):
        return None
    return owner


def _key(name: str) -> str:
    return re.sub(r"[-_.\s\[\]]", "", name).lower()


def personal_url_reason(url: str, brand: Callable[[str], bool] | None = None) -> str | None:
    """Why ``url`` is personal data (``"email in query"``, ``"credential 'token'"``, ``"profile
    'X' in path"``...), or None for a public link. ``brand``: is this account name a company's
    ("AppleSupport")? By default, a name that ends in Support, Help, Care, Service, Team..."""
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
    owner = _profile_owner(parts)
    if owner is not None:
        name = owner.lstrip("@")
        if not (_ROLE_END.search(name) or (brand is not None and brand(name))):
            return f"profile '{owner}' in path"
    return None


def is_personal_url(url: str, brand: Callable[[str], bool] | None = None) -> bool:
    """True where the URL carries personal data or a credential (see the module docstring)."""
    return personal_url_reason(url, brand) is not None


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
    if _profile_owner(parts) is not None:  # the path names the user: the site alone stays
        return f"{parts.scheme}://{parts.hostname or ''}" if "://" in url else parts.hostname or ""
    base = f"{parts.scheme}://{parts.hostname or ''}{parts.path}"
    return base if "://" in url else base.split("://", 1)[1]


def strip_personal_urls(text: str) -> tuple[str, list[str]]:
    """``text`` with each personal URL cut to its public part (``public_part``; public links
    kept whole), and the URLs that were changed. A link to a user's profile is left whole for
    the PII engine, which redacts it as ``[URL]``: cut to its site it read "my channel link:
    https://www.youtube.com" in the support export, a link that is no one's."""
    changed: list[str] = []

    def cut(m: re.Match[str]) -> str:
        reason = personal_url_reason(m.group())
        if reason is not None and not reason.startswith("profile"):
            changed.append(m.group())
            return public_part(m.group())
        return m.group()

    out = URL_RE.sub(cut, text) if "://" in text or "www." in text else text
    if changed:
        out = re.sub(r"[ \t]{2,}", " ", out).strip()
    return out, changed
