"""Finds that look like personal data but name no person: public links, role e-mail
addresses, brand accounts.

A support answer's "see https://support.hp.com/document/c04867233" or "write to
support@dropbox.com" is the answer itself, and "@AppleSupport" or "@AmericanAir" is a company
speaking; redacting them teaches a model ``[URL]`` where the help link was. Only links that
carry a person (``curate.rules.urls``: an e-mail, a token, an account id in the query),
addresses of people and handles of people are redacted.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from curate.rules.urls import is_personal_url

if TYPE_CHECKING:
    from curate.rules.pii.words import Words

__all__ = ["brand_handle", "public_email", "public_url"]

# RFC 2142 role mailboxes and their common kin: a function, not a person (parts as written
# with ".", "_", "-" or "+" between them or none: "no-reply", "customer.service")
ROLE_BOXES = tuple(
    tuple(w.split("_"))
    for w in """support help helpdesk info information contact contact_us hello sales service
    customer_service customer_care customer_support care feedback enquiries enquiry inquiries
    billing accounts privacy data_protection dpo legal press media pr marketing webmaster
    postmaster hostmaster abuse security no_reply do_not_reply admin office team jobs careers
    hr orders returns refunds bookings reservations complaints tech_support""".split()  # noqa: SIM905
)
_ROLE_KEYS = frozenset("".join(parts) for parts in ROLE_BOXES)
_EMAIL_CHARS = r"\p{L}\p{N}._%+-"
_DOMAIN_PART = r"[\p{L}\p{N}-]+"
# the same rules as public_email, as regexes for the engine: their finds are kept whole and
# held out of the text before the e-mail pass (no Python step per address)
PUBLIC_EMAIL_PATTERNS = (
    # a role box: the whole local part is one
    rf"(?i:{'|'.join('[._+-]?'.join(parts) for parts in sorted(ROLE_BOXES, key=len, reverse=True))})"
    rf"@{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*\.\p{{L}}{{2,}}\b",
)
PUBLIC_EMAIL_BEFORE = rf"(?:^|[^{_EMAIL_CHARS}])"


def public_url(url: str) -> bool:
    """A link that names no person: kept as text (see ``curate.rules.urls``). A brand's own
    account page ("twitter.com/Delta", "instagram.com/AppleSupport") is no one's profile."""
    from curate.rules.pii.words import load

    return not is_personal_url(url, lambda name: brand_handle(name, load()))


def public_email(address: str) -> bool:
    """A role mailbox (RFC 2142: ``support@``, ``help@``, ``no-reply@``) names no person.

    Addresses at the reserved example domains (RFC 2606: ``jane@example.com``) are redacted
    like any other: synthetic data and demos use them to stand for people, and a user checking
    redaction on such data must see them go."""
    local = address.rpartition("@")[0]
    return re.sub(r"[._+-]", "", local.lower()) in _ROLE_KEYS


# what a company account adds around its brand: "@AskeBay", "@TeamYouTube", "@Uber_Support",
# "@SpotifyCares", "@MicrosoftHelps", "@ArgosHelpers", "@ChipotleTweets", "@GreggsOfficial"
_ROLE_SUFFIX = re.compile(
    r"(?:support|helps?|helpers?|helpdesk|cares?|service|services|team|official|assist|tweets"
    r"|news|tv|mail|app|uk|uki|us|usa|india|in|ca|au|ie)+$"
)
_ROLE_PREFIX = re.compile(r"^(?:ask|team|the)")
_ROLE_END = re.compile(r"(?i:support|help|helps|care|cares|service|team|official)$")
# an organisation's word ending a handle: a newsroom, a studio, a company's legal form, a
# government's account ("@eBayNewsroom", "@uniquestudios", "@rockchipinc", "@MarloeGroup",
# "@acccgovau"; read among the support export's [USER], session 13). Not "tv", "music",
# "gaming", "pro": a person's channel ends so too ("@robinsmithtv", "@JstoneGaming")
_ORG_END = re.compile(
    r"(?:news|newsroom|hq|studios?|inc|llc|ltd|corp|group|media|gov(?:t|uk|au|ca|in|nz|ie)?)$"
)

# an acronym of three to five capitals alone: a short handle in capitals is an organisation's
# ("@WWE", "@CNN", "@OANN", "@NZXT": all such among the support export's mentions, none a
# person's; a person's runs longer or holds digits: "@KIHBEOM", "@DERCLOWN2")
_ACRONYM = re.compile(r"[A-Z]{3,5}")


# what follows "@" in code, not a handle: Javadoc/JSDoc/PHPDoc tags, Java and Python
# annotations, CSS at-rules ("* @param id the product", "@Override", "@media screen")
CODE_TAGS = frozenset(
    """param params return returns throws throw exception author version since see link
    deprecated override suppresswarnings functionalinterface safevarargs inheritdoc code
    literal value serial serialdata serialfield type typedef property prop callback var
    example todo fixme internal api_doc apidoc notice dev title license copyright
    package module namespace class constructor function method member memberof static
    private protected public abstract async override readonly enum interface implements
    extends override staticmethod classmethod dataclass media import include mixin
    extend font-face keyframes charset supports page""".split()  # noqa: SIM905
)
# what a brand's account for one product, market or function adds after the brand's name
# ("@DropboxBusiness", "@googlechrome", "@MojangStatus", "@disneyplus", "@CostcoAUS"): words
# of companies' accounts, not of fans' ("@amazonqueen", "@applefan" stay users)
_ACCOUNT_WORDS = frozenset(
    """business status plus chrome news music tv video videos games gaming store stores shop
    studios studio play mobile pay cloud drive maps photos sports kids jobs labs dev developers
    ads careers eats prime live deals retail rewards travel bank energy broadband fibre fiber
    wireless network networks assistant health press pr updates alerts outage outages
    aus nz uk us usa ca au ie in india de fr es it jp eu mx br""".split()  # noqa: SIM905
)


def brand_handle(handle: str, words: Words) -> bool:
    """``@handle`` is a brand or company account: it ends in Support/Help/Care/Service/Team/
    Official, starts with "Ask" before a capital or "_" ("@AskPlayStation", "@Ask_Spectrum"),
    or is a known brand once such parts, "_" and digits are dropped ("@Delta", "@AldiUK"),
    or a known brand's account for one product, market or function ("@DropboxBusiness",
    "@googlechrome", "@MojangStatus", "@CostcoAUS"; not "@amazonqueen"), or a product of the
    lists ("@PrimeVideo"). A code annotation
    ("@param", "@Override") is no handle."""
    name = handle.lstrip("@")
    if _ROLE_END.search(name) or re.match(r"Ask(?:[A-Z_]|e[A-Z])", name):
        return True
    low = name.lower()
    if low in CODE_TAGS:
        return True
    stem = re.sub(r"[_0-9]", "", low)
    if stem in words.brand_handles or stem in _maker_handles(words):
        return True
    if len(stem) > 4 and _ORG_END.search(stem):  # (not "@inc", "@group")
        return True
    if _ACRONYM.fullmatch(name):  # "@WWE", "@CNN", "@NZXT" (not "@JD": a person's initials)
        return True
    if _brand_account(stem, words) or stem in _product_handles(words):
        return True
    stem = _ROLE_SUFFIX.sub("", stem)
    return stem in words.brand_handles or _ROLE_PREFIX.sub("", stem) in words.brand_handles


_PRODUCTS: dict[int, frozenset[str]] = {}


_MAKERS: dict[int, frozenset[str]] = {}


def _maker_handles(words: Words) -> frozenset[str]:
    """The device and software makers and products of products.py as a handle writes them
    ("@Lightroom", "@Illustrator", "@Hulu"), less those that are names too ("@Arlo"); built
    once per word lists."""
    got = _MAKERS.get(id(words))
    if got is None:
        from curate.rules.pii.products import MAKERS, NAMES_TOO

        names = words.first_names | words.last_names
        got = frozenset(m.lower() for m in MAKERS if m not in NAMES_TOO and m not in names)
        _MAKERS[id(words)] = got
    return got


def _product_handles(words: Words) -> frozenset[str]:
    """The products and phrases of not_person.toml of two words or more as a handle writes
    them ("@PrimeVideo", "@creativecloud", "@XboxLive"); built once per word lists."""
    got = _PRODUCTS.get(id(words))
    if got is None:
        out: set[str] = set()
        names = words.first_names | words.last_names
        for phrase in words.phrases:
            parts = re.findall(r"[a-z0-9]+", phrase.lower())
            # not names alone: "@JacksonPratt" (a drain's eponym) may be a person's account
            if len(parts) > 1 and not all(w.title() in names for w in parts):
                out.add("".join(parts))
        got = _PRODUCTS[id(words)] = frozenset(out)
    return got


def _brand_account(stem: str, words: Words) -> bool:
    """A known brand (4 letters or more) then an account's word: set lookups only."""
    return any(
        stem[:i] in words.brand_handles and stem[i:] in _ACCOUNT_WORDS
        for i in range(4, len(stem) - 1)
    )
