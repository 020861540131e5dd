"""Channel clean-up for support conversations: what the channel adds is not what an agent says.

Social-media and chat exports wrap each answer in furniture a model must not learn: the
customer's @handle at the start, the agent's initials at the end (``*MS``, ``^JS``, ``~Nick``,
``-JS``), tweet numbering ("1/2", "(2/3)") where one answer was cut into several messages, and
the personal part of links (a query string with a customer's e-mail or a session token), and
the word "link" a corpus left where it stripped a picture or URL (IBM's Twitter customer care:
"... it stays like this link"; a message of nothing else stays a turn, ``ATTACHMENT``, where
the agent answers it), and web-archive copies of help links, unwrapped to the page they archive
(curate/ingest/archive_links.py). Each is a named step a schema layout
lists (``channel = [...]``, see ``CHANNEL_STEPS``); what a step removes is kept as metadata
(``ChannelMeta``), never lost.

Thread assembly lives here too, because it needs the same facts (who wrote each message, whom
an agent's reply addresses): :func:`assemble` never puts two authors in one turn. A reply
chain where several customers speak is split into one conversation per customer
(:func:`split_by_customer`); where one record must hold the thread (a dialog in one JSON row),
the conversation kept is the one the agent answers (the customer its last reply addresses,
else the first customer), and the others' messages are left out and named in
``other_authors``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from curate.ingest.archive_links import unwrap_archive_links
from curate.rules.urls import strip_personal_urls

__all__ = [
    "ATTACHMENT",
    "CHANNEL_STEPS",
    "ChannelMeta",
    "Message",
    "assemble",
    "brand_name",
    "continuation_marker",
    "handle_is_subject",
    "split_by_customer",
    "strip_agent_signature",
    "strip_leading_handles",
    "strip_link_standins",
]

CHANNEL_STEPS = (
    "handles",
    "agent_signature",
    "continuations",
    "personal_urls",
    "link_standins",
    "archive_links",
)
# A customer's message that was nothing but a stripped picture or link ("@SpotifyCares link"
# after "Could you send over a screenshot?"): the turn says so, so the agent's next answer
# ("Thanks for the screenshot!") follows a message and is never joined to the one before.
ATTACHMENT = "[attachment]"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_HANDLES = re.compile(r"^(?:\s*\.?@(\w{1,30})[\s,:;]*)+")
_HANDLE = re.compile(r"@(\w{1,30})")
# Twitter's web client wraps a handle it inserted in invisible direction isolates
# ("\u2066@GoDaddy\u2069 they try to sell you ..."): they hid the handle from the step
_ISOLATED_HANDLE = re.compile("[\u2066-\u2068](@\\w{1,30}[:,;]?)\u2069")
_AFTER_HANDLES = re.compile(r"^[.,:;]+\s+")
# "... it stays like this link", "... my channel. link link": stand-ins at a message's end
_STANDIN_RUN = re.compile(r"(?:(?<=\s)|^)link(?:\s+link)*\s*$")
# a word before "link" that makes it the customer's noun ("click the link", "a reset link")
_LINK_NOUN = _words(
    "the a an this that my your our their his her its any same reset download invite channel "
    "account profile verification confirmation activation following click open send sent share "
    "shared copy paste no"
)
# Sign-offs at the very end: a sigil and initials or a first name (^JS, *MS, ~ Olivia, ^NKush),
# a dash and initials or a name (-JS, - Mindy), a slash and initials (Spotify's /BX), or bare initials after a sentence end or a link
# (Amazon JP's "... ください。 EK"). Sign-off words ("- Thanks") are not names.
_SIGNATURE = re.compile(
    r"(?:(?<=[\s.!?,:;)\]。！？])|^)"
    r"(?P<sig>[\^*~]\s?[A-Za-z][A-Za-z]{0,15}"
    r"|[-–—]\s?(?!(?:Thanks|Thank|Cheers|Regards|Best)\b)(?:[A-Z]{1,3}|[A-Z][a-z]{1,15})"
    r"|/[A-Z]{1,3}"
    r"|(?<=[.!?。！？\]]\s)[A-Z]{2,3}|(?<=[.!?。！？\]])[A-Z]{2,3}(?<![a-z]))"
    r"\s*$"
)
# a sigil sign-off before the answer's closing link: "Please DM us. ^JL https://t.co/wKJH"
_SIGIL_BEFORE_URL = re.compile(
    r"(?<=[\s.!?,;:)])(?P<sig>[\^*~]\s?[A-Za-z]{1,16})\s+(?P<url>https?://\S+|\[URL\])\s*$"
)
_BARE_AFTER_URL = re.compile(r"(?P<url>https?://\S+|\[URL\])\s+(?P<sig>[A-Z]{2,3})\s*$")
_MARK_END = re.compile(r"\s*[(\[]?\b([1-9])\s?/\s?([1-9])[)\]]?\s*$")
_MARK_START = re.compile(r"^\s*[(\[]?([1-9])\s?/\s?([1-9])\b[)\]]?[\s:.-]*")
_BRAND_AFFIX = re.compile(
    r"(?i)^(?:ask_?|team_?)(?=[A-Z])|_?(?:support|helps?|cares?|service|team)$"
)


@dataclass
class Message:
    """One message of a thread before assembly; ``author`` None where the data names none."""

    role: str
    content: str
    author: str | None = None


@dataclass
class ChannelMeta:
    """What the channel steps took out of a thread's turns, and whose messages were left out."""

    mentions: list[str] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    customer: str | None = None
    agent: str | None = None
    other_authors: list[str] = field(default_factory=list)
    continuations_joined: int = 0
    continuations_missing: int = 0
    # the last turn is an answer that opens with part 2 (or later) of a numbered reply whose
    # first part is not in the data ("2/2 Also, you can ..."): it has no beginning to learn
    answer_opens_midway: tuple[int, int] | None = None
    removed_urls: list[str] = field(default_factory=list)
    link_standins: int = 0
    archive_links: int = 0
    # customer messages that carried a picture or link the data stripped (its stand-in "link"
    # went, or the message became ATTACHMENT): an answer to them may describe what the model
    # never sees
    attachments: int = 0


def strip_leading_handles(
    text: str, *, keep_subject: bool = False, brand: str | None = None
) -> tuple[str, list[str]]:
    """``text`` without the @handles it opens with, and those handles (without the @).

    With ``keep_subject``, a last handle that is the sentence's subject ("@ebay is allowing
    people to ...", see :func:`handle_is_subject`) stays, as the brand's name where it is the
    ``brand`` account's (``@ebay`` for AskeBay -> "eBay"), else as written; only the handles
    before it go."""
    if "\u2069" in text:
        text = _ISOLATED_HANDLE.sub(r"\1", text)
    m = _HANDLES.match(text)
    if not m:
        return text, []
    rest = _AFTER_HANDLES.sub("", text[m.end() :])  # "@Brand . I'm trying" -> "I'm trying"
    handles = _HANDLE.findall(m.group())
    spaced = re.search(r"@\w{1,30}\s+$", m.group()) is not None  # not "@X: is there"
    if keep_subject and handles and spaced and handle_is_subject(rest):
        subject = handles.pop()
        own = brand_name(brand) if brand else None
        name = own if own and brand_name(subject).lower() == own.lower() else "@" + subject
        rest = name + " " + rest
    return rest, handles


# Whether a leading @handle is the subject of what follows ("@eBay needs to end auctions") or
# the addressee ("@AmazonHelp my order", "@zoom_us are you down", "@Delta have been sitting"):
# decided on the real IBM and twcs customer tweets. The verb must follow in lower case (a
# capital starts a sentence to the addressee: "@AmazonHelp Says it's on its way"); "have",
# "do", "did", "was", "will", "would", "can't" mostly drop an "I" ("@AskTarget was told to send
# DM", "@ATVIAssist will do.").
_AUXILIARIES = _words(
    "is are has should can does isn't aren't hasn't won't shouldn't doesn't isn’t aren’t "
    "hasn’t won’t shouldn’t doesn’t"
)
# a third-person verb that no question inverts: "@eBay needs 2 end auctions"
_PREDICATE_VERBS = _words("needs keeps wants refuses sucks continues charges seems")
_ADVERBS = _words(
    "not really seriously probably also only still always just never finally now actually "
    "apparently literally officially"
)
# after an inverted auxiliary these are its subject: "@X is there ...", "@X are you ..."
_INVERSION = _words(
    "i you u y'all y’all yall ya we they he she it there this that these those anyone anybody "
    "someone somebody everyone everybody my your ur our their his her its a an any me "
    "is"
)
_WORD = re.compile(r"[\w'’]+|\S")


def handle_is_subject(rest: str) -> bool:
    """Whether ``rest``, the text after a message's leading @handles, goes on from them as
    their predicate ("is allowing people to ...", "should be ashamed", "needs to hurry up")
    rather than being a message to them ("is there a way ...?", "can you help", "my order")."""
    words = _WORD.findall(rest[:200])
    if len(words) < 2:
        return False
    if words[0] in _PREDICATE_VERBS:
        return True
    if words[0] not in _AUXILIARIES:
        return False
    nxt = words[1].lower()
    if nxt.endswith("ing") and len(nxt) > 4:  # "is giving 403 errors", "are having a laugh"
        return True
    if nxt in _INVERSION or nxt[0].isdigit() or nxt == "@":
        return False
    if re.match(r"[^.!?\n]*\?", rest):  # "is the internet down ...?": a question to them
        return False
    third = words[2].lower() if len(words) > 2 else ""
    if nxt == "the":  # "is the worst cable provider", not "is the windows 10 upgrade available"
        return third.endswith("est") or third in ("worst", "only", "most", "first", "last")
    # "is chase trying to ...", "is their maintenance going on": a subject between the two
    return not (nxt not in _ADVERBS and third.endswith("ing") and len(third) > 4)


def strip_link_standins(text: str) -> tuple[str, int]:
    """``text`` without the trailing "link" words that stand for a stripped picture or URL, and
    how many went. A message of nothing but stand-ins comes back empty; a "link" after a word
    that makes it a noun ("the link", "reset link") is the customer's and stays."""
    m = _STANDIN_RUN.search(text)
    if m is None:
        return text, 0
    head = text[: m.start()].rstrip()
    prev = re.search(r"([\w'’]+)$", head)
    if prev and prev.group(1).lower() in _LINK_NOUN:
        return text, 0
    return head, m.group().split().count("link")


def strip_agent_signature(text: str) -> tuple[str, str | None]:
    """``text`` without a trailing agent sign-off (initials or first name), and the sign-off."""
    m = _SIGNATURE.search(text)
    if m and m.start() > 0:
        return text[: m.start()].rstrip(), m.group("sig").strip()
    m = _BARE_AFTER_URL.search(text)
    if m:
        return text[: m.start("sig")].rstrip(), m.group("sig")
    m = _SIGIL_BEFORE_URL.search(text)
    if m and text[: m.start("sig")].strip():
        return text[: m.start("sig")].rstrip() + " " + m.group("url"), m.group("sig").strip()
    return text, None


def continuation_marker(text: str) -> tuple[str, tuple[int, int] | None]:
    """``text`` without a "1/2", "(2/3)" or "[1/2]" tweet number at its end or start, and the
    number as (part, of). Only part <= of, of >= 2 counts (so "24/7" and "5/3" stay text)."""
    for rx in (_MARK_END, _MARK_START):
        m = rx.search(text)
        if m:
            part, total = int(m.group(1)), int(m.group(2))
            rest = (text[: m.start()] + " " + text[m.end() :]).strip()
            if 1 <= part <= total and total >= 2 and rest:
                return rest, (part, total)
    return text, None


def brand_name(author: str) -> str:
    """A support account's brand: AppleSupport -> Apple, Ask_Spectrum -> Spectrum, AmazonHelp
    -> Amazon, TeamYouTube -> YouTube, zoom_us -> Zoom (a "_us" country suffix goes), hulu ->
    Hulu (a handle in lower case only is capitalised; eBay stays); underscores become spaces."""
    name = author.strip().lstrip("@")
    bare = _BRAND_AFFIX.sub("", name)
    bare = _BRAND_AFFIX.sub("", bare)
    bare = re.sub(r"(?<=[a-z])_us$", "", bare)
    if len(bare) < 2:
        bare = name
    bare = bare.replace("_", " ").strip()
    return bare[:1].upper() + bare[1:] if bare.islower() and bare.isalpha() else bare


def _addressee(text: str) -> str | None:
    m = _HANDLES.match(text)
    return _HANDLE.findall(m.group())[0].lower() if m else None


def split_by_customer(messages: Sequence[Message]) -> list[list[int]]:
    """The positions of each customer's conversation in a thread, in order of first message.

    A customer's messages are theirs; an agent message belongs to the customer it addresses
    (its leading @handle), else to the customer who wrote last before it. Every message is in
    exactly one group; a thread with at most one customer is one group."""
    customers = list(dict.fromkeys(m.author for m in messages if m.role == "user" and m.author))
    if len(customers) <= 1:
        return [list(range(len(messages)))] if messages else []
    lowered = {c.lower(): c for c in customers}
    groups: dict[str, list[int]] = {}
    current = customers[0]
    for i, m in enumerate(messages):
        if m.role == "user" and m.author:
            current = m.author
            owner = m.author
        else:
            who = _addressee(m.content) if m.role == "assistant" else None
            owner = lowered.get(who or "", current)
        groups.setdefault(owner, []).append(i)
    return list(groups.values())


def _select(messages: Sequence[Message], meta: ChannelMeta) -> list[Message]:
    """The messages of the one conversation kept: one customer and one agent (see module)."""
    customers = list(dict.fromkeys(m.author for m in messages if m.role == "user" and m.author))
    lowered = {c.lower(): c for c in customers}
    primary = customers[0] if customers else None
    if len(customers) > 1:
        for m in reversed(messages):
            if m.role == "assistant":
                who = _addressee(m.content)
                if who in lowered:
                    primary = lowered[who]
                    break
    kept: list[Message] = []
    for m in messages:
        if m.role == "user" and m.author and m.author != primary:
            continue
        if m.role == "assistant" and len(customers) > 1:
            who = _addressee(m.content)
            if who in lowered and lowered[who] != primary:
                continue
        kept.append(m)
    agents = [m.author for m in kept if m.role == "assistant" and m.author]
    agent = agents[-1] if agents else None
    if len(set(agents)) > 1:
        kept = [m for m in kept if not (m.role == "assistant" and m.author not in (None, agent))]
    meta.customer, meta.agent = primary, agent
    everyone = dict.fromkeys(m.author for m in messages if m.author)
    meta.other_authors = [a for a in everyone if a not in (primary, agent)]
    return kept


def _clean(m: Message, steps: set[str], meta: ChannelMeta) -> tuple[str, tuple[int, int] | None]:
    text, mark = m.content, None
    if "handles" in steps:
        subject = m.role == "user"  # "@ebay is allowing ...": a customer's subject stays
        text, handles = strip_leading_handles(text, keep_subject=subject, brand=meta.agent)
        meta.mentions.extend(h for h in handles if h not in meta.mentions)
    if "archive_links" in steps:
        text, n = unwrap_archive_links(text)
        meta.archive_links += n
    if "link_standins" in steps:
        text, n = strip_link_standins(text)
        meta.link_standins += n
        if n and m.role == "user":
            meta.attachments += 1
            if not text.strip():
                text = ATTACHMENT  # assemble keeps it only where it separates two answers
    if "personal_urls" in steps:
        text, urls = strip_personal_urls(text)
        meta.removed_urls.extend(urls)
    if "continuations" in steps:
        text, mark = continuation_marker(text)
        if mark is not None and "handles" in steps and text.lstrip().startswith(("@", ".@")):
            # "(1/2) @RockstarSupport I'm not receiving ...": the number came first
            text, handles = strip_leading_handles(
                text, keep_subject=m.role == "user", brand=meta.agent
            )
            meta.mentions.extend(h for h in handles if h not in meta.mentions)
    if "agent_signature" in steps and m.role == "assistant":
        text, sig = strip_agent_signature(text)
        if "continuations" in steps and mark is None:
            text, mark = continuation_marker(text)
            if mark is not None and sig is None:
                text, sig = strip_agent_signature(text)
        if sig and sig not in meta.signatures:
            meta.signatures.append(sig)
    return text.strip(), mark


def assemble(
    messages: Sequence[Message], steps: Iterable[str] = ()
) -> tuple[list[dict[str, str]], ChannelMeta]:
    """Messages in order -> turns (consecutive messages of one author and role joined: a
    numbered continuation with a space, others with a blank line) and what was taken out.

    Two authors never share a turn: see the module docstring for which conversation is kept.
    """
    steps = set(steps)
    meta = ChannelMeta()
    kept = _select([m for m in messages if m.content.strip()], meta)
    turns: list[dict[str, str]] = []
    last_author: str | None = None
    last_mark: tuple[int, int] | None = None
    midway: dict[int, tuple[int, int]] = {}  # turns that open with a later part
    # A customer message the steps emptied that opens a customer's turn: a stripped picture
    # (ATTACHMENT) or handles alone ("@DropboxSupport"). Where the agent answers next, it is
    # that turn (the marker, or the handles as written), so two answers are never joined
    # across it and no answer opens a conversation; elsewhere it goes.
    emptied: tuple[Message, str] | None = None
    for m in kept:
        text, mark = _clean(m, steps, meta)
        if m.role == "user" and text in ("", ATTACHMENT):
            if emptied is None and (not turns or turns[-1]["role"] == "assistant"):
                emptied = (m, text or m.content.strip())
            continue
        if not text:
            continue
        if emptied is not None and m.role == "assistant":
            turns.append({"role": "user", "content": emptied[1]})
            last_author, last_mark = emptied[0].author, None
        emptied = None
        same = bool(turns) and turns[-1]["role"] == m.role and last_author == m.author
        if same and last_mark is not None and mark is not None and mark[0] == last_mark[0] + 1:
            turns[-1]["content"] += " " + text
            meta.continuations_joined += 1
        elif same or (
            bool(turns) and turns[-1]["role"] == m.role and None in (m.author, last_author)
        ):
            turns[-1]["content"] += "\n\n" + text
        else:
            if last_mark is not None and last_mark[0] < last_mark[1]:
                meta.continuations_missing += 1
            turns.append({"role": m.role, "content": text})
            if mark is not None and mark[0] > 1:
                meta.continuations_missing += 1
                midway[len(turns) - 1] = mark
        last_author = m.author if m.author is not None else last_author
        last_mark = mark
    if last_mark is not None and last_mark[0] < last_mark[1]:
        meta.continuations_missing += 1
    if turns and turns[-1]["role"] == "assistant":
        meta.answer_opens_midway = midway.get(len(turns) - 1)
    return turns, meta


# Schema fields a layout's channel metadata fills, where the schema declares them.
META_FIELDS = ("mentions", "signatures", "customer", "agent", "other_authors", "attachments")


def midway_error(meta: ChannelMeta) -> tuple[str, str] | None:
    """The reject for a record whose answer opens mid-way through a numbered reply."""
    if meta.answer_opens_midway is None:
        return None
    part, total = meta.answer_opens_midway
    return (
        "continuation_missing",
        f"the answer is part {part}/{total} of a numbered reply whose first part is not in "
        "the data, so it has no beginning",
    )


def apply_meta(values: dict[str, Any], meta: ChannelMeta, schema: Any, layout: Any) -> None:
    """Put what the channel steps took out into the record's metadata fields (those of
    ``META_FIELDS`` the schema declares), and the company where the layout derives it from the
    agent's author (``company_from_author``: a brand name, AppleSupport -> Apple)."""
    fields = schema.fields
    for name in META_FIELDS:
        if name not in fields:
            continue
        value = getattr(meta, name)
        if isinstance(value, int) and not value:  # no attachments: no field
            value = None
        if isinstance(value, list):
            value = value or None
            if value is not None and fields[name].type != "list[string]":
                value = " ".join(value)
        if value is not None:
            values[name] = value
    if getattr(layout, "company_from_author", False) and "company" in fields:
        company = values.get("company") or meta.agent
        if company:
            values["company"] = brand_name(str(company))
