"""What a fuzz case is, and the row values the generators draw from.

A case is a small input tree (files, symlinks, empty folders) plus what an independent count
says about it: for each file ingest should read, how many rows it holds. ``Count`` is an exact
int where the format's documented rules make it unambiguous, an inclusive ``(lo, hi)`` range
where only bounds are (a truncated compressed stream), and ``None`` where no count is defined
(a corrupt Parquet file, a name ingest cannot represent).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

Count = int | tuple[int, int] | None


@dataclass
class Case:
    """One fuzz input: ``files`` (relative path -> bytes) under an input folder, ``target`` the
    path given to ``curate ingest`` ("." for the folder itself), ``expect`` the files ingest
    must read (relative path -> Count); files not in ``expect`` (hidden, unsupported) must not
    appear in the report."""

    id: str
    note: str
    files: dict[str, bytes] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)  # relative path -> link target
    dirs: list[str] = field(default_factory=list)  # (possibly empty) folders to create
    target: str = "."
    expect: dict[str, Count] = field(default_factory=dict)

    def add(self, path: str, data: bytes, count: Count) -> None:
        self.files[path] = data
        self.expect[path] = count


def rng_for(family: str, index: int) -> random.Random:
    """The generator of case ``family-index``: same case, same bytes, on any machine."""
    return random.Random(f"curate-fuzz:{family}:{index}")


# -- row values --------------------------------------------------------------------------------

SENTENCES = [
    "My router drops the connection every evening around eight.",
    "I was charged twice for the same order last week, please refund one payment.",
    "The app crashes when I open the settings page on my phone.",
    "Please restart the device, then update the firmware from the support page.",
    "We have refunded the duplicate charge; it shows on your statement in 3-5 days.",
    "The replacement battery ships tomorrow with free express delivery.",
    "Your account password was reset and a confirmation e-mail is on its way.",
    "Could you tell me how to export my invoices as PDF files?",
    "The printer shows error E-204 and refuses to print double-sided pages.",
    "Thanks for the quick help, everything works again now.",
]
UNICODE = [
    "Café crème, naïve façade, jalapeño — déjà vu.",
    "Größe: 42 cm, Übergröße möglich, Straße gesperrt.",
    "Привет, мой заказ не пришёл уже две недели.",
    "ご注文の商品が届いていません。確認してください。",
    "订单已发货，请注意查收。",
    "Emoji test 😀🎉 and a thumbs up 👍 for the agent.",
    "Ελληνικά γράμματα και αριθμοί 123.",
    "مرحبا، لم يصل طلبي بعد.",
]
HTML = [
    "<p>My <b>order</b> did not arrive.</p><!-- internal note: VIP -->",
    "<table><tr><td>Order</td><td>12345</td></tr></table> still missing",
    '<div title="a > b">Attribute with a greater-than</div> and text',
    "<script>alert(1)</script>Please help with my invoice &amp; receipt.",
    "<ul><li>first issue</li><li>second issue</li></ul>",
]
PII = [
    "Call me at +1 415 555 0134 or write to jane.doe@example.com about it.",
    "My card 4111 1111 1111 1111 was charged twice by mistake.",
    "SSN 123-45-6789 should not be in this ticket at all.",
]
DATES = ["2023-01-05", "2023-01-05T10:11:12", "05/01/2023", "not a date", "", "2023-13-45"]
CATEGORIES = ["Technical issue", "Billing inquiry", "Refund request", "Product inquiry"]
PRIORITIES = ["Low", "Medium", "High", "Critical"]

# Column spellings of the tickets schema (curate/builtin/schemas/tickets.toml).
HEADERS = [
    ["Ticket ID", "Ticket Subject", "Ticket Description", "Resolution", "Ticket Type",
     "Ticket Priority", "Date of Purchase"],
    ["id", "title", "description", "answer", "type", "created"],
    ["ticket", "summary", "message", "response", "label", "date", "notes"],
    ["case_id", "question", "solution", "queue", "urgency"],
]  # fmt: skip
BODY = {"Ticket Description", "description", "message", "question", "text"}
ANSWER = {"Resolution", "answer", "response", "solution"}
DATE = {"Date of Purchase", "created", "date"}


def text(rng: random.Random, *, plain: bool = False) -> str:
    """A ticket text: mostly plain English, sometimes unicode, HTML, PII or empty.
    ``plain``: characters that are structural in no format (for CSV cells)."""
    r = rng.random()
    if r < 0.55 or (plain and r < 0.8):
        return " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))
    if r < 0.7:
        return rng.choice(UNICODE)
    if r < 0.8:
        return rng.choice(HTML) if not plain else rng.choice(SENTENCES)
    if r < 0.9:
        return rng.choice(PII)
    if r < 0.95:
        return ""
    return rng.choice(SENTENCES) * rng.randint(5, 40)


def cell(rng: random.Random, column: str) -> str:
    """A string value for ``column`` of a ticket row."""
    if column in BODY or column in ANSWER:
        return text(rng)
    if column in DATE:
        return rng.choice(DATES)
    if column in ("Ticket Type", "type", "label", "queue"):
        return rng.choice(CATEGORIES)
    if column in ("Ticket Priority", "urgency"):
        return rng.choice(PRIORITIES)
    if column in ("Ticket ID", "id", "ticket", "case_id"):
        return str(rng.randint(1, 10**6))
    return rng.choice(["", "n/a", "subject line", "Refund", "Question about plan"])


def odd_value(rng: random.Random, column: str) -> Any:
    """A JSON value for ``column``: usually a string, sometimes a number, bool, null, list or
    object (type errors are rejects, not crashes)."""
    r = rng.random()
    if r < 0.8:
        return cell(rng, column)
    return rng.choice(
        [None, 0, -1, 3.5, 1e308, True, False, [], ["a", 1], {}, {"nested": {"deep": [1, 2]}}, ""]
    )


def ticket_dict(rng: random.Random, header: list[str] | None = None) -> dict[str, Any]:
    header = header or rng.choice(HEADERS)
    return {c: odd_value(rng, c) for c in header if rng.random() < 0.92 or c in BODY}
