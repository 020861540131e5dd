"""Address and postcode recall on unseen forms (issue 18), with the `default` pack.

    .venv/bin/python bench/bench_pii_address.py [--misses N] [--fps] [--realdata DIR] [--faker SEED]
        [--struct SEED] [--ctx SEED] [--only]

Reads tests/data/address_dev/address_dev.jsonl (addresses per national format with made-up
streets and GeoNames towns, plus hard negatives; tests/data/address_dev/make_address_dev.py)
and half A of the presidio set (the half the rules were tuned on; half B is held out and only
bench/bench_pii.py reports it). Recall counts a gold span only when fully masked (every letter
and digit inside an address or zip find); precision is address/zip finds that overlap a gold
address span over all address/zip finds. ``--faker SEED``: also Faker's addresses of 26
locales (dev only; seed 7 was read while writing the rules, 11 was not).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pii import fully_masked, load_physionet, load_presidio, predict  # noqa: E402

DEV = ROOT / "tests" / "data" / "address_dev" / "address_dev.jsonl"
KINDS = ("address", "zip")


def load_dev(path: Path = DEV) -> list[dict[str, object]]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]


def evaluate(
    docs: list[tuple[str, list[tuple[int, int, str]]]],
    preds: list[list[tuple[int, int, str]]],
    groups: list[str],
) -> tuple[dict[tuple[str, str], list[int]], list[int], list[str], list[str]]:
    """Per (group, kind): [n, fully masked]; [finds, right finds]; misses; false positives."""
    rec: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    prec = [0, 0]
    misses: list[str] = []
    fps: list[str] = []
    for (text, gold), pred, g in zip(docs, preds, groups, strict=True):
        hits = [p for p in pred if p[2] in KINDS]
        for a, b, t in gold:
            if t not in KINDS:
                continue
            ok = fully_masked(text, a, b, [p for p in hits if p[0] < b and a < p[1]])
            for key in ((g, t), ("ALL", t)):
                rec[key][0] += 1
                rec[key][1] += ok
            if not ok and t == "address":
                shown = (
                    "".join(f"[{text[p[0] : p[1]]}]" for p in hits if p[0] < b and a < p[1]) or "-"
                )
                misses.append(f"{g:6} {text[a:b]!r}  found: {shown!r}")
        for a, b, _t in hits:
            prec[0] += 1
            ok = any(ga < b and a < gb for ga, gb, gt in gold if gt in KINDS)
            prec[1] += ok
            if not ok:
                fps.append(
                    f"{g:6} {text[max(0, a - 30) : a]!r} >>{text[a:b]!r}<< {text[b : b + 20]!r}"
                )
    return rec, prec, misses, fps


# Faker's address formats of these locales (dev only: presidio's set was made with Faker, so
# this is a second check on forms the rules were not written from; curate ships none of it)
FAKER_LOCALES = (  # noqa: SIM905
    "en_GB de_DE fr_FR es_ES it_IT nl_NL pl_PL hu_HU cs_CZ sv_SE no_NO da_DK fi_FI en_IN en_AU"
    " en_NZ en_CA pt_BR es_MX pt_PT de_AT de_CH en_IE en_US fr_CH nl_BE"
).split()
FAKER_TEMPLATES = ["Please ship it to {A}.", "My address is {A}", "{A}", "Address:\n{A}\nThanks"]


def faker_check(seed: int, per_locale: int = 20, misses: int = 0) -> None:
    """Full-mask recall of Faker's addresses per locale (half of them on one line)."""
    import random

    from faker import Faker

    r = random.Random(seed)
    docs: list[tuple[str, list[tuple[int, int, str]]]] = []
    groups: list[str] = []
    for loc in FAKER_LOCALES:
        fake = Faker(loc)
        fake.seed_instance(seed)
        for k in range(per_locale):
            addr = fake.address()
            addr = addr.replace("\n", ", ") if k % 2 == 0 else addr
            pre, post = r.choice(FAKER_TEMPLATES).split("{A}")
            docs.append((pre + addr + post, [(len(pre), len(pre) + len(addr), "address")]))
            groups.append(loc)
    rec, _, missed, _ = evaluate(docs, predict(docs, "default"), groups)
    cells = [f"{g} {rec[(g, 'address')][1] / rec[(g, 'address')][0]:.2f}" for g in FAKER_LOCALES]
    n, ok = rec[("ALL", "address")]
    print(f"== Faker addresses (dev only), seed {seed}: {ok / n:.3f} ({ok}/{n}) ==")
    print("  " + ", ".join(cells))
    for m in missed[:misses]:
        print("  miss", m)


# Address blocks assembled by class from Faker's parts (dev only): a street line of each
# locale, maybe a building's number before it (as "928 Λ. Αλεξάνδρας 14"), units, the town
# (maybe in capitals), a region or an empty field ("nan"), the postcode in the country's
# order, maybe a country's name with the postcode after it ("..., Uruguay 80694"); lines
# joined by commas, line breaks (indented, quoted) or blanks, inside sentences and letters.
# Seeds 101-104 are dev; 201-204 held out (score only, never read their misses).
ZIP_FIRST = set(  # (locales that write the postcode before the town)
    "de_DE fr_FR es_ES it_IT nl_NL pl_PL hu_HU cs_CZ sv_SE no_NO da_DK fi_FI es_MX pt_PT de_AT"  # noqa: SIM905
    " de_CH fr_CH nl_BE pt_BR".split()
)
STRUCT_TEMPLATES = [
    "{N} lives at {A}",
    "My address is {A}",
    "Please send it to {A}.",
    "The office is located at {A}",
    "Address:\n{A}",
    "{N}\n{A}",
    "{N}\n{C}\n{A}\nPhone: {P}",
    "Ship to:\n{N}\n{A}\n\nThanks",
    "We moved to {A} last year.",
    "Our new office: {A}",
    "{A}",
    "Dear team,\nplease update my address to {A}. Regards, {N}",
    "Deliver to {N}, {A}",
    "> {N}\n> {A}",
    "Invoice address: {A}",
    "{C}, {A}. All rights reserved.",
]


def struct_block(fake: object, loc: str, r: object) -> str:
    """One address block of ``loc`` (see STRUCT_TEMPLATES)."""
    f, rnd = fake, r
    street = f.street_address()  # type: ignore[attr-defined]
    if rnd.random() < 0.3:  # type: ignore[attr-defined]
        street = f"{rnd.randint(1, 99999)} {street}"  # type: ignore[attr-defined]
    lines = [street]
    for _ in range(rnd.choice([0, 0, 0, 1, 1, 2])):  # type: ignore[attr-defined]
        unit = rnd.choice(["Suite", "Apt.", "Unit", "Apt"])  # type: ignore[attr-defined]
        lines.append(f"{unit} {rnd.randint(1, 999)}")  # type: ignore[attr-defined]
    city = f.city()  # type: ignore[attr-defined]
    if rnd.random() < 0.2:  # type: ignore[attr-defined]
        city = city.upper()
    pc = f.postcode()  # type: ignore[attr-defined]
    country = f.current_country()  # type: ignore[attr-defined]
    x = rnd.random()  # type: ignore[attr-defined]
    if x < 0.5:
        lines.append(f"{pc} {city}" if loc in ZIP_FIRST else f"{city} {pc}")
        if rnd.random() < 0.4:  # type: ignore[attr-defined]
            lines.append(country)
    elif x < 0.7:
        lines += [city, pc]
    elif x < 0.85:
        lines.append(city)
        if rnd.random() < 0.5:  # type: ignore[attr-defined]
            lines.append("nan")
        lines.append(f"{country} {pc}")
    else:
        lines += [city, country]
    sep = rnd.choice([", ", "\n", "\n", "\n ", " "])  # type: ignore[attr-defined]
    return sep.join(lines)


def struct_check(seed: int, per_locale: int = 15, misses: int = 0) -> None:
    """Full-mask recall of class-built address blocks (STRUCT_TEMPLATES) per locale."""
    import random

    from faker import Faker

    r = random.Random(seed)
    docs: list[tuple[str, list[tuple[int, int, str]]]] = []
    groups: list[str] = []
    for loc in FAKER_LOCALES:
        fake = Faker(loc)
        fake.seed_instance(seed)
        for _ in range(per_locale):
            addr = struct_block(fake, loc, r)
            t = r.choice(STRUCT_TEMPLATES)
            for k, v in (
                ("{N}", fake.name()),
                ("{C}", fake.company()),
                ("{P}", fake.phone_number()),
            ):
                t = t.replace(k, v)
            pre, post = t.split("{A}")
            if pre.startswith("> "):
                addr = addr.replace("\n", "\n> ")
            docs.append((pre + addr + post, [(len(pre), len(pre) + len(addr), "address")]))
            groups.append(loc)
    rec, prec, missed, fps = evaluate(docs, predict(docs, "default"), groups)
    cells = [f"{g} {rec[(g, 'address')][1] / rec[(g, 'address')][0]:.2f}" for g in FAKER_LOCALES]
    n, ok = rec[("ALL", "address")]
    print(f"== class-built address blocks (dev only), seed {seed}: {ok / n:.3f} ({ok}/{n}) ==")
    print(f"  precision {prec[1] / max(1, prec[0]):.3f} ({prec[1]}/{prec[0]})")
    print("  " + ", ".join(cells))
    for m in missed[:misses]:
        print("  miss", m)
    for fp in fps[:misses]:
        print("  fp  ", fp)


# One-line streets in sentences (dev only): Faker's street lines of each locale, maybe a
# building's number before and the town and country after, in the sentence forms of presidio's
# half A (the tuned half). Seed 301 was read while writing the rules; 302 was not.
CTX_TEMPLATES = [
    "Please update my new address is {A}",
    "Can you please send a new one to {A}?",
    "The bus drops you off at {A}",
    "Our offices are located at {A}",
    "Meet me at {A}",
    "The letter arrived at {A}",
    "Oh do they serve vegan stuff? It's in {A}",
    "Jan Novak lives at {A}",
    "Please return to {A}",
    "The bus station is on {A}",
    "Can you validate the following? {A}",
    "The address of Acme is {A}",
    "I've given Tom his address: {A}",
    "Here are the addresses, here they are: {A}",
    "Visitors must enter on {A}",
    "The office is at {A}",
    "I saw these early shows on {A}",
    "The title refers to {A}",
    "The restaurant is at {A}",
    "Please have the statement sent to {A}",
    "I'd like my billing address with {A}",
]


def ctx_check(seed: int, per_locale: int = 12, misses: int = 0) -> None:
    """Full-mask recall of one-line streets in sentences (CTX_TEMPLATES) per locale."""
    import random

    from faker import Faker

    r = random.Random(seed)
    docs: list[tuple[str, list[tuple[int, int, str]]]] = []
    groups: list[str] = []
    for loc in FAKER_LOCALES:
        f = Faker(loc)
        f.seed_instance(seed)
        for _ in range(per_locale):
            a = f.street_address().replace("\n", " ")
            if r.random() < 0.5:
                a = f"{r.randint(1, 99999)} {a}"
            x = r.random()
            if x < 0.3:
                a = f"{a}, {f.city()}, {f.current_country()}"
            elif x < 0.5:
                a = f"{a}, {f.city()}, {f.current_country()} {f.postcode()}"
            pre, post = r.choice(CTX_TEMPLATES).split("{A}")
            docs.append((pre + a + post, [(len(pre), len(pre) + len(a), "address")]))
            groups.append(loc)
    rec, prec, missed, _ = evaluate(docs, predict(docs, "default"), groups)
    n, ok = rec[("ALL", "address")]
    print(f"== one-line streets in sentences (dev only), seed {seed}: {ok / n:.3f} ({ok}/{n}) ==")
    print(f"  precision {prec[1] / max(1, prec[0]):.3f} ({prec[1]}/{prec[0]})")
    for m in missed[:misses]:
        print("  miss", m)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--misses", type=int, default=0, help="print this many dev-set misses")
    ap.add_argument("--fps", action="store_true", help="print false positives")
    ap.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    ap.add_argument("--faker", type=int, metavar="SEED", help="also Faker's addresses (dev extra)")
    ap.add_argument("--struct", type=int, metavar="SEED", help="also class-built blocks (dev)")
    ap.add_argument("--ctx", type=int, metavar="SEED", help="also one-line streets (dev)")
    ap.add_argument("--only", action="store_true", help="only the Faker/class-built checks")
    args = ap.parse_args()
    if (args.struct, args.faker, args.ctx) != (None, None, None) and os.environ.get(
        "PYTHONHASHSEED"
    ) != "0":
        # Faker picks some towns from sets: the same seed gives the same texts only with
        # string hashing fixed
        os.execve(
            sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"}
        )
    if args.struct is not None:
        struct_check(args.struct, misses=args.misses)
    if args.ctx is not None:
        ctx_check(args.ctx, misses=args.misses)
    if args.faker is not None:
        faker_check(args.faker, misses=args.misses)
    if args.only:
        return
        faker_check(args.faker, misses=args.misses)
    dev = load_dev()
    docs = [(str(d["text"]), [tuple(s) for s in d["spans"]]) for d in dev]  # type: ignore[attr-defined]
    preds = predict(docs, "default")  # type: ignore[arg-type]
    rec, prec, misses, fps = evaluate(docs, preds, [str(d["form"]) for d in dev])  # type: ignore[arg-type]
    forms = sorted({k[0] for k in rec} - {"ALL"})
    print(f"== address dev set: {len(dev)} texts, pack 'default' (fully masked) ==")
    print(f"{'form':8}{'address':>10}{'zip':>10}")
    for g in [*forms, "ALL"]:
        cells = []
        for t in KINDS:
            n, ok = rec.get((g, t), [0, 0])
            cells.append(f"{ok / n:.2f}/{n:<3}" if n else "-")
        print(f"{g:8}{cells[0]:>10}{cells[1]:>10}")
    print(f"precision (address+zip finds) {prec[1] / max(1, prec[0]):.3f} ({prec[1]}/{prec[0]})")
    for m in misses[: args.misses]:
        print("  miss", m)
    if args.fps:
        for f in fps:
            print("  fp  ", f)
    path = args.realdata / "pii" / "presidio_synth_dataset_v2.json"
    if path.exists():
        pres = load_presidio(path)
        half = pres[: len(pres) // 2]  # half A only: B is held out
        pp = predict(half, "default")
        r2, p2, _, fp2 = evaluate(half, pp, ["A"] * len(half))
        print("== presidio half A (tuned on; B: bench/bench_pii.py) ==")
        for t in KINDS:
            n, ok = r2[("A", t)]
            print(f"  {t:8} {ok / n:.3f} ({ok}/{n})")
        print(f"  precision {p2[1] / max(1, p2[0]):.3f} ({p2[1]}/{p2[0]})")
        if args.fps:
            for f in fp2:
                print("  fp  ", f)
    folder = args.realdata / "pii" / "physionet_deid_gold"
    if folder.exists():
        notes = load_physionet(folder)
        half = notes[: len(notes) // 2]  # half A only
        # gold of any type counts: a find over a location or a name is no false positive
        any_gold = [(t, [(a, b, "address") for a, b, _ in g]) for t, g in half]
        pp = predict(half, "clinical")
        _, p3, _, fp3 = evaluate(any_gold, pp, ["A"] * len(half))
        print("== physionet half A, pack 'clinical': address/zip finds over any PHI ==")
        print(f"  precision {p3[1] / max(1, p3[0]):.3f} ({p3[1]}/{p3[0]})")
        if args.fps:
            for f in fp3:
                print("  fp  ", f)


if __name__ == "__main__":
    main()
