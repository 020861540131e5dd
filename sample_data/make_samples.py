"""Regenerate sample_data/ (run once; outputs are committed).

tickets/helpdesk_tickets.csv is written by this script from templates (our own text, with
deliberate mess: HTML, quoted replies, signatures, PII, near-duplicates, other languages, template
placeholders, broken rows). The other files are excerpts of public datasets; see ATTRIBUTION.md.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).parent
REAL = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent / "shared" / "realdata"

PRODUCTS = ["AcmeRouter X2", "CloudSync Pro", "PixelPhone 7", "SmartThermo", "WriteRight Pen",
            "FitBand 3", "HomeCam 360", "SoundBar Mini"]
ISSUES = [
    ("Cannot connect to Wi-Fi", "Technical issue",
     "My {p} stopped connecting to the Wi-Fi network after the last update. I restarted it twice and "
     "it still shows the network but fails to join. Other devices in the house work fine.",
     "Sorry about the trouble with your {p}. Please hold the reset button for ten seconds, then "
     "re-add the network from the app. If it still fails, update to firmware 2.4.1 from Settings > "
     "About, which fixes the Wi-Fi join bug introduced last week."),
    ("Refund not received", "Refund request",
     "I returned my {p} three weeks ago and I still have not received the refund. The tracking "
     "shows it was delivered to your warehouse on the 3rd.",
     "Thanks for your patience. I checked your return: it was received and approved today, and the "
     "refund was issued to your original payment method. Banks usually take 5 to 7 business days to "
     "show it."),
    ("Battery drains quickly", "Technical issue",
     "The battery on my {p} drains from full to empty in about four hours even when I am not using "
     "it. It used to last two days.",
     "That drain is not normal. Please turn off background sync in Settings > Power, then do a full "
     "charge cycle. If the battery still lasts under a day, reply here and we will send a "
     "replacement under warranty."),
    ("Wrong item delivered", "Product inquiry",
     "I ordered the {p} but the box contained a different product. I need the correct one before "
     "the weekend if possible.",
     "Apologies for the mix-up. I have shipped the correct {p} by express delivery today at no cost, "
     "and a prepaid label for the wrong item is in your email."),
    ("How do I change my billing address", "Billing inquiry",
     "I moved last month. How do I change the billing address on my account for the {p} "
     "subscription?",
     "You can change it under Account > Billing > Address. The new address applies from your next "
     "invoice; the current one will still show the old address."),
    ("Screen flickers", "Technical issue",
     "The screen on my {p} flickers when the brightness is below 50 percent. It started yesterday.",
     "Flicker at low brightness is usually the adaptive dimming setting. Please turn off Settings > "
     "Display > Adaptive dimming. If that does not help, a free repair is covered by your warranty."),
    ("Cancel my subscription", "Cancellation request",
     "Please cancel the {p} subscription on my account. I no longer use the service.",
     "Done: your subscription is cancelled and will not renew. You keep access until the end of the "
     "current billing period."),
    ("App keeps crashing", "Technical issue",
     "The companion app for my {p} crashes every time I open the settings page. I reinstalled it.",
     "Thanks for reporting this. Version 5.2.3 of the app, released today, fixes the crash on the "
     "settings page. Please update from the app store and let us know if it persists."),
]
NAMES = ["Maria Lopez", "James Chen", "Aisha Khan", "Tom Becker", "Olga Petrova", "David Smith",
         "Priya Patel", "Lucas Martin", "Emma Wilson", "Kenji Sato"]
CHANNELS = ["Email", "Chat", "Phone", "Social media"]
PRIORITIES = ["Low", "Medium", "High", "Critical"]


def make_tickets(rng: random.Random) -> list[list[str]]:
    header = ["Ticket ID", "Customer Name", "Customer Email", "Product Purchased", "Ticket Type",
              "Ticket Subject", "Ticket Description", "Resolution", "Ticket Priority",
              "Ticket Channel", "created"]
    rows: list[list[str]] = [header]
    tid = 1000
    for i in range(170):
        subj, cat, body, res = rng.choice(ISSUES)
        p = rng.choice(PRODUCTS)
        name = rng.choice(NAMES)
        email = name.lower().replace(" ", ".") + "@example.com"
        desc = body.format(p=p)
        kind = i % 17
        if kind == 1:
            desc += f"\n\nYou can reach me at {email} or +1 (415) 555-01{rng.randint(10, 99)}. {name}"
        elif kind == 2:
            desc = f"<p>{desc}</p><p>Order number: <b>ORD-{rng.randint(100000, 999999)}</b></p>"
        elif kind == 3:
            desc += ("\n\nOn Mon, Mar 4, 2024 at 9:12 AM Support <help@acme.example> wrote:\n"
                     "> Thanks for contacting us.\n> We will get back to you shortly.")
        elif kind == 4:
            desc += "\n\nSent from my iPhone"
        elif kind == 5:
            desc = "I'm having an issue with the {product_purchased}. Please assist."
        elif kind == 6:
            desc = "Mi " + p + " no se conecta a la red wifi desde la última actualización. Ya lo reinicié dos veces."
        elif kind == 7:
            desc = "help"
        elif kind == 8:
            desc = "This is an automated reply: I am out of the office until Monday."
        elif kind == 9:
            res = ""
        elif kind == 10:
            desc = desc + f" My card 4111 1111 1111 1111 was charged twice and my SSN is 123-45-{rng.randint(1000, 9999)}."
        date = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}:00"
        if kind == 11:
            date = "sometime last week"
        rows.append([str(tid), name, email, p, cat, subj, desc, res.format(p=p),
                     rng.choice(PRIORITIES), rng.choice(CHANNELS), date])
        tid += 1
    # Near-duplicates: the same complaint forwarded again with a word or two changed.
    for src in rng.sample(rows[1:], 30):
        dup = list(src)
        dup[0] = str(tid)
        tid += 1
        words = dup[6].split(" ")
        if len(words) > 8:
            j = rng.randrange(len(words))
            words[j] = rng.choice(["really", "still", "again", "now"])
        dup[6] = " ".join(words)
        rows.append(dup)
    # Exact duplicates (a ticket exported twice).
    for src in rng.sample(rows[1:], 8):
        dup = list(src)
        dup[0] = str(tid)
        tid += 1
        rows.append(dup)
    return rows


def write_tickets(rng: random.Random) -> None:
    rows = make_tickets(rng)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerows(rows)
    text = buf.getvalue()
    # Two broken lines: a ragged row and a row with a missing body.
    text += "9998,Broken Row,broken@example.com,FitBand 3,Technical issue\n"
    text += "9999,No Body,nobody@example.com,FitBand 3,Technical issue,Empty,,,Low,Email,2024-05-05 10:00:00\n"
    (HERE / "tickets" / "helpdesk_tickets.csv").write_text(text, "utf-8")


def write_real_excerpts() -> None:
    ibm = json.loads((REAL / "support" / "ibm_twitter_customer_care_dev.json").read_text("utf-8"))
    (HERE / "tickets" / "ibm_customer_care_sample.json").write_text(
        json.dumps(ibm[:150], indent=1, ensure_ascii=False) + "\n", "utf-8")
    # contracts: 15 CUAD contracts as the wide clause table, and 4 full contract texts.
    with open(REAL / "legal" / "cuad_master_clauses.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    with open(HERE / "contracts" / "cuad_clauses_sample.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows[:16])
    txt_dir = HERE / "contracts" / "full_text"
    txt_dir.mkdir(exist_ok=True)
    texts = REAL / "legal" / "cuad_full_contract_txt"
    for p in sorted(texts.glob("*.txt"))[:4]:
        shutil.copyfile(p, txt_dir / p.name)
    # and the texts of 4 of the table's contracts, so their sections get CUAD's risk labels
    for name in ("DeltathreeInc_19991102_S-1A_EX-10.19_6227850_EX-10.19_Co-Branding Agreement_ Service Agreement",
                 "FulucaiProductionsLtd_20131223_10-Q_EX-10.9_8368347_EX-10.9_Content License Agreement",
                 "IntegrityMediaInc_20010329_10-K405_EX-10.17_2373875_EX-10.17_Co-Branding Agreement",
                 "ReedsInc_20191113_10-Q_EX-10.4_11888303_EX-10.4_Development Agreement"):
        shutil.copyfile(texts / f"{name}.txt", txt_dir / f"{name}.txt")
    # clinical: MTS-Dialog validation pairs and ACI-Bench visits, MTSamples notes.
    # and a few rows of the published test sets, which the schema keeps in the test split
    for name, n in (("MTS-Dialog-ValidationSet.csv", 100), ("aci-bench_valid.csv", 8),
                    ("mtsamples_first322.csv", 60),
                    ("MTS-Dialog-TestSet-1-MEDIQA-Chat-2023.csv", 20),
                    ("aci-bench_clinicalnlp_taskB_test1.csv", 3)):
        with open(REAL / "clinical" / name, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        with open(HERE / "clinical" / name, "w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerows(rows[: n + 1])


if __name__ == "__main__":
    write_tickets(random.Random(7))
    write_real_excerpts()
