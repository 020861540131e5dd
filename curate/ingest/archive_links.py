"""Web-archive links back to the page they archive (channel step ``archive_links``).

IBM's Twitter customer-care corpus replaced the agents' help links with Wayback Machine
copies ("email us at https://web.archive.org/web/20200405031915/https://help.minecraft.net/
hc/en-us/requests/new"): 735 of its links. A model trained on them answers with stale,
timestamped archive links no agent would send. The archived URL is what the agent wrote, so
the link is unwrapped to it and the rest of the text stays as it was.

Forms read: the Wayback Machine's ``[web.|wayback.]archive.org/web/<timestamp>[xx_]/<url>``
(a timestamp of 1 to 14 digits, optionally with ``*``, or ``*`` alone; the ``id_``, ``im_``,
``if_`` ... modifiers) and archive.today's mirrors (archive.today/.ph/.is/.li/.vn/.fo/.md)
``/<yyyy.mm.dd-hhmmss>/<url>``, ``/newest/<url>``, ``/oldest/<url>`` and ``/<url>``. The
inner URL may lack its scheme ("web.archive.org/web/2020/help.x.com/a"): it then takes the
outer link's scheme, or none where the outer link had none. archive.today's short ids
("archive.ph/AbCd1") name no page and stay as written.
"""

from __future__ import annotations

import re

__all__ = ["unwrap_archive_links"]

_ARCHIVE = re.compile(
    r"(?<![\w.@-])(?:(?P<outer>https?)://)?"
    r"(?:"
    r"(?:web\.|wayback\.)?archive\.org/web/(?:\d{1,14}\*?|\*)(?:[a-z]{2}_)?/"
    r"|archive\.(?:today|ph|is|li|vn|fo|md)/(?:\d{4}\.\d{2}\.\d{2}-\d{6}/|newest/|oldest/)?"
    r")"
    r"(?:(?P<scheme>https?):/{1,2})?"
    # the archived page's host: dotted, so a short id ("archive.ph/AbCd1") is no page
    r"(?=[\w-]+(?:\.[\w-]+)+(?:[/:?#\s)\]>\"',;!]|$))",
    re.IGNORECASE,
)


def _inner_scheme(m: re.Match[str]) -> str:
    scheme = m.group("scheme") or m.group("outer")
    return scheme.lower() + "://" if scheme else ""


def unwrap_archive_links(text: str) -> tuple[str, int]:
    """``text`` with each web-archive link replaced by the URL it archives, and how many."""
    if "archive." not in text.lower():
        return text, 0
    return _ARCHIVE.subn(_inner_scheme, text)
