"""Account identifiers in support text: a username, gamer tag or account name given in a
labelled slot ("Username: cminh730", "my gamer tag is phantomstrike50", "account name:
Adekunle Adeoye") and a link to one user's profile ("youtube.com/user/mynameous") are that
user's identifiers (issue 18; found left in clear in the real support export under the
``default`` pack). The label alone ("your username and password", "Login: please reset"), a
product after a platform's name ("Steam games", "PSN account") and a brand's own page stay.

The samples (tests/data/pii_labels/accounts*.jsonl, README.md) are every such slot and every
link of the IBM, ABCD and twcs support files, labelled by hand before the detector was built.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.audit import _MARK_RE, align
from curate.rules.pii import PiiEngine, engine_for
from curate.rules.urls import is_personal_url, strip_personal_urls

LABELS = Path(__file__).parent / "data" / "pii_labels"
DEFAULT = PiiEngine(load_rule_pack("default").pii)


def _load(name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in (LABELS / name).read_text("utf-8").splitlines()]


def redact(text: str) -> str:
    return str(DEFAULT.scan(pl.Series([text])).placeholders()[0])


def finds(texts: list[str], pack: str = "default") -> list[list[tuple[str, int, int]]]:
    """Per text, its finds as (type, start, end) in the original (-1, -1: not aligned)."""
    engine = engine_for(load_rule_pack(pack).pii)
    scan = engine.scan(pl.Series(texts), np.arange(len(texts)), keep_values=False)
    out = []
    for text, marked in zip(texts, scan.marked.to_list(), strict=True):
        marks = _MARK_RE.findall(marked)
        spans = (align(text, _MARK_RE.split(marked)) if marks else None) or [None] * len(marks)
        out.append(
            [
                (engine.types[ord(c) - 0xF0400], *(span or (-1, -1)))
                for c, span in zip(marks, spans, strict=True)
            ]
        )
    return out


def slot_figures(pack: str = "default") -> tuple[float, float, list[str], list[str]]:
    """Recall over the labelled account values (wholly covered by one user/person find), and
    precision over the slots with such a find just after their label; the misses and the
    false finds, by id."""
    items = _load("accounts.jsonl")
    found = finds([str(x["context"]) for x in items], pack)
    hits, missed, false = 0, [], []
    for x, fs in zip(items, found, strict=True):
        context, at = str(x["context"]), int(str(x["slot_at"]))
        label_end = at + len(str(x["slot"]))
        line_end = context.find("\n", label_end)
        window_end = min(label_end + 30, line_end if line_end >= 0 else len(context))
        near = [f for f in fs if f[0] in ("user", "person") and label_end <= f[1] < window_end]
        if x["label"] == "account":
            start = context.index(str(x["value"]), label_end)
            end = start + len(str(x["value"]))
            if any(s <= start and end <= e for _t, s, e in near):
                hits += 1
            else:
                missed.append(str(x["id"]))
        elif near:
            false.append(str(x["id"]))
    positives = sum(x["label"] == "account" for x in items)
    return hits / positives, hits / max(1, hits + len(false)), missed, false


def url_figures(pack: str = "default") -> tuple[float, float, list[str], list[str]]:
    """Recall over the labelled profile links (the whole link one url find), precision over
    the links redacted; the misses and the false finds, by id."""
    items = _load("accounts_urls.jsonl")
    found = finds([str(x["context"]) for x in items], pack)
    hits, missed, false = 0, [], []
    for x, fs in zip(items, found, strict=True):
        context, url = str(x["context"]), str(x["url"])
        start = context.index(url)
        end = start + len(url)
        whole = any(t == "url" and s <= start and end <= e for t, s, e in fs)
        if x["label"] == "profile":
            hits += whole
            if not whole:
                missed.append(str(x["id"]))
        elif any(t == "url" and s < end and start < e for t, s, e in fs):
            false.append(str(x["id"]))
    positives = sum(x["label"] == "profile" for x in items)
    return hits / positives, hits / max(1, hits + len(false)), missed, false


def test_labelled_slots_recall_and_precision() -> None:
    """Before the detector: recall 1/7 (only "my gamer tag is X"), precision 1.0."""
    recall, prec, missed, false = slot_figures()
    assert recall >= 0.99, missed
    assert prec >= 0.99, false


def test_labelled_profile_links_recall_and_precision() -> None:
    """Before: recall 0/20 (every link without an e-mail or token in it was public)."""
    recall, prec, missed, false = url_figures()
    assert recall >= 0.99, missed
    assert prec >= 0.99, false


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Username: cminh730\n\nOrder ID: 3348917502", "Username: [USER]\n\nOrder ID: [ORDER]"),
        ("console:Xbox one x\nGamertag:MISSEPISSE\n\nPlease help", None),
        ("PS4, gamer tag Livid_cN... free for all", "PS4, gamer tag [USER]... free for all"),
        ("Spotify desktop app. Username Fusionette.", "Spotify desktop app. Username [USER]."),
        (
            "account name: Adekunle Adeoye, email address: x",
            "account name: [USER], email address: x",
        ),
        ("my PSN ID is dark_knight_77 now", "my PSN ID is [USER] now"),
        ("Steam ID: 76561198012345678", "Steam ID: [USER]"),
        ("IGN: xXSlayerXx", "IGN: [USER]"),
        ("discord: ghost#1234 add me", "discord: [USER] add me"),
        ("my screen name is BlueJay88", "my screen name is [USER]"),
        (
            "an account called JuanLikeTaco_xD and I lost it",
            "an account called [USER] and I lost it",
        ),
        ("user id = jdoe_42", "user id = [USER]"),
        ("Login ID: jsmith77", "Login ID: [USER]"),
        ("my PSN is xX_Drake_Xx", "my PSN is [USER]"),
        ("Steam: gabe_fan99 on PC", "Steam: [USER] on PC"),
    ],
)
def test_an_id_in_a_labelled_slot_is_redacted_whole(text: str, expected: str | None) -> None:
    out = redact(text)
    if expected is None:
        assert "MISSEPISSE" not in out and "Gamertag:[USER]" in out, out
    else:
        assert out == expected


@pytest.mark.parametrize(
    "text",
    [
        "my username and password are wrong",
        "Can you DM us your account's email address or username? We'll take a look",
        "Login: please reset my password",
        "Username: N/A",
        "your user name, email, Transaction ID",
        "Modified steam games to run on XB1X",
        "Steam Deck arrived broken",
        "my PSN account is locked",
        "Please include your PSN ID, Gamertag or email address",
        "It says incorrect username or password but I am sure",
        "we handle Fios and DSL accounts",
        "What is your gamertag?",
        "username: please help",
        "my username is wrong",
        # a platform's or a weak label's word with no id after it
        "steam = 100 degrees",
        "Handle: Fragile",
        "Login: 08:00 shift",
        "login = admin",
        "my psn is down again",
    ],
)
def test_a_label_without_an_id_stays(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("url", "personal"),
    [
        ("https://www.youtube.com/user/mynameous", True),
        ("https://www.ebay.com/usr/agha_945", True),
        ("https://www.youtube.com/channel/UCW97Zu1780HRMZoMMhlW06g", True),
        ("https://www.youtube.com/c/sriharshithatechno", True),
        ("http://youtube.com/lukeviant", True),
        ("https://twitter.com/janedoe99", True),
        ("https://www.instagram.com/jane.doe/", True),
        ("https://github.com/jdoe", True),
        ("https://www.linkedin.com/in/jane-doe-123/", True),
        ("https://www.tiktok.com/@jdoe", True),
        ("https://www.reddit.com/u/jdoe", True),
        ("https://www.facebook.com/profile.php?id=1000123", True),
        ("https://soundcloud.com/Zedion", True),
        ("https://www.patreon.com:443/bmblfck", True),
        # a brand's own page, help pages, videos, items, articles: public
        ("https://twitter.com/AppleSupport", False),
        ("https://www.facebook.com/help/contact", False),
        ("https://www.youtube.com/watch?v=H7Z2TL5mVws", False),
        ("http://youtube.com/error?src=404", False),
        ("https://www.ebay.com/itm/254544862391", False),
        ("https://github.com/features/actions", False),
        ("https://twitter.com/i/flow/login", False),
        ("https://support.google.com/youtube/thread/32681218?hl=en", False),
        ("https://medium.com/bugbountywriteup/zoom-zero-day", False),
        ("https://www.instagram.com/explore/tags/cats/", False),
    ],
)
def test_a_profile_link_is_personal(url: str, personal: bool) -> None:
    assert is_personal_url(url) is personal


def test_a_profile_link_is_redacted_whole() -> None:
    text = "My Channel's URL : https://www.youtube.com/user/mynameous\nThanks"
    assert redact(text) == "My Channel's URL : [URL]\nThanks"
    # the brand's own page and a help link stay
    kept = "follow https://twitter.com/AppleSupport or see https://support.apple.com/HT201"
    assert redact(kept) == kept


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi JuanLikeTaco_xD, thanks for waiting", "Hi [USER], thanks for waiting"),
        ("my friend JuanLikeTaco_xD said so", "my friend [USER] said so"),
        ("Thanks, MikeJones_99", "Thanks, [USER]"),
        ("talked to Sarah_Connor yesterday", "talked to [USER] yesterday"),
        # no name in it: kept whole
        ("set Max_Retries to 5 in the config", "set Max_Retries to 5 in the config"),
        ("click Mark_As_Read", "click Mark_As_Read"),
        ("error ERR_CONNECTION_REFUSED again", "error ERR_CONNECTION_REFUSED again"),
    ],
)
def test_a_mixed_token_is_never_half_redacted(text: str, expected: str) -> None:
    """ "JuanLikeTaco_xD" became "[PERSON]Taco_xD", "Sarah_Connor" "[PERSON]_Connor": a given
    name at the start of a longer token. A token joined by "_" is one identifier: redacted
    whole where a part is a census name, else kept whole."""
    assert redact(text) == expected


def test_an_id_is_the_same_placeholder_throughout_its_record() -> None:
    """A slot's id elsewhere in the record (another turn) is redacted too."""
    texts = pl.Series(["Username: cminh730", "thanks cminh730, found you"])
    out = DEFAULT.scan(texts, np.array([0, 0])).placeholders().to_list()
    assert out == ["Username: [USER]", "thanks [USER], found you"]
    scan = DEFAULT.scan(texts, np.array([0, 0]), keep_values=True)
    assert scan.redacted("pseudonym", 0).to_list() == [
        "Username: [USER_1]",
        "thanks [USER_1], found you",
    ]


def test_an_emails_username_alone_elsewhere_in_its_record_is_redacted() -> None:
    """ABCD: "Alessandro Phoenix\\n\\naphoenix939" answered "your full name or account ID",
    and the e-mail "aphoenix939@email.com" came two turns later: the local part alone is the
    same user's id. Words are not taken for one ("support@", "info" are no ids)."""
    texts = pl.Series(
        [
            "sure, would you give me your full name or account ID",
            "Alessandro Phoenix\n\naphoenix939",
            "7916676427\n\naphoenix939@email.com\n\nno worries",
            "ann.lee@gmail.com is my work address, lee is my family",
            "write to annie@x.io, annie is away",
        ]
    )
    out = DEFAULT.scan(texts, np.array([0, 0, 0, 1, 2])).placeholders().to_list()
    assert out[1] == "[PERSON]\n\n[USER]"
    assert out[2].startswith("[PHONE]\n\n[EMAIL]") or out[2].startswith("[ORDER]"), out[2]
    assert out[3] == "[EMAIL] is my work address, lee is my family"  # only the whole local part
    assert out[4] == "write to [EMAIL], annie is away"  # a short plain local part: not an id


def test_ingest_leaves_a_profile_link_to_the_pii_engine() -> None:
    """The tickets layout's "personal_urls" step cut "https://www.youtube.com/user/mynameous"
    to "https://www.youtube.com" (no one's link, in a user's "my channel link:"); it leaves a
    profile link whole, for the engine's [URL], and still cuts a link's token."""
    text = "my channel link: https://www.youtube.com/user/mynameous and https://a.io/r?token=9f2ab"
    out, changed = strip_personal_urls(text)
    assert out == "my channel link: https://www.youtube.com/user/mynameous and https://a.io/r"
    assert changed == ["https://a.io/r?token=9f2ab"]
    assert redact(out) == "my channel link: [URL] and https://a.io/r"
