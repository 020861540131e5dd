"""Person recall on names the rules have never seen (a dev set; not a test; prints figures).

    .venv/bin/python bench/bench_pii_unseen.py [--realdata ../shared/realdata] [--seed 0]
        [--reps 2] [--dump DIR]

Half A of the two public sets (presidio with the `default` pack, PhysioNet with `clinical`;
the halves of bench_pii.py: half B is never read here) with every gold person span replaced
by another name: the same shape (an initial stays an initial; a span's first token is a given
name, its last a surname, tokens between given names), the same case per token (lower, UPPER,
Title), drawn, seeded, from Faker's person lists of many Latin-script locales. Faker is a dev
dependency and only a GENERATOR here: curate ships none of its lists (issue 18's honesty
rule). The other gold spans move with the text. So the figure measures the class (a name in a
name's place), not the list the rules were shown.

Printed per set: fully-masked person recall (every letter of the name inside a find), the
same on the names no curate list holds ("unlisted": no token in first_names, last_names or
given_names_intl), person precision and overall precision (a find overlapping any gold span).
``--dump DIR`` writes the misses and the person false positives with context.
"""

from __future__ import annotations

import argparse
import importlib
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_pii import (  # noqa: E402
    Docs,
    Span,
    _context,
    fully_masked,
    load_physionet,
    load_presidio,
    predict,
)

PARTICLES = {"van", "von", "de", "der", "den", "ten", "ter", "da", "di", "du", "del", "della",
             "dos", "das", "le", "la", "bin", "ibn", "al", "y", "e"}  # fmt: skip
# English-speaking locales weigh as much as all the others together
ENGLISH = ["en_US", "en_GB", "en_IE", "en_NZ", "en_US", "en_GB"]
OTHER = [
    "de_DE", "fr_FR", "es_ES", "es_MX", "it_IT", "nl_NL", "pl_PL", "pt_BR", "sv_SE", "tr_TR",
    "en_IN", "cs_CZ", "da_DK", "fi_FI", "hu_HU", "ro_RO", "hr_HR", "id_ID", "yo_NG", "no_NO",
]  # fmt: skip
_LATIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿĀ-ž]+(?:[-'][A-Za-zÀ-ÖØ-öø-ÿĀ-ž]+)?")


def _names(attr: str, locale: str) -> list[str]:
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    pool: list[str] = []
    for a in (attr, f"{attr}_male", f"{attr}_female"):
        pool += list(getattr(provider, a, ()) or ())
    return sorted({n for n in pool if _LATIN.fullmatch(n) and len(n) >= 2})


def pools() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Given names and surnames per locale."""
    locales = sorted(set(ENGLISH + OTHER))
    return (
        {loc: _names("first_names", loc) for loc in locales},
        {loc: _names("last_names", loc) for loc in locales},
    )


def _cased(name: str, like: str) -> str:
    letters = [c for c in like if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 1:
        return name.upper()
    if letters and all(c.islower() for c in letters):
        return name.lower()
    return name


_TOKEN = re.compile(r"[^\s,]+")


def fake_span(
    original: str,
    rng: random.Random,
    given: dict[str, list[str]],
    family: dict[str, list[str]],
    all_given: frozenset[str],
) -> str:
    """Another name of the same shape and case as ``original`` (a lone token is a surname
    unless some locale lists it as a given name)."""
    locale = rng.choice(ENGLISH if rng.random() < 0.5 else OTHER)
    tokens = list(_TOKEN.finditer(original))
    out, pos = [], 0
    comma = "," in original  # "Smith, John": surname first
    for k, m in enumerate(tokens):
        tok = m.group()
        out.append(original[pos : m.start()])
        pos = m.end()
        core = tok.rstrip(".")
        dot = tok[len(core) :]
        if core.lower() in PARTICLES and len(tokens) > 1:  # "van", "de": kept
            out.append(tok)
            continue
        if len(core) == 1 or not core[:1].isalpha():  # an initial
            letter = rng.choice("ABCDEFGHIJKLMNOPRSTW")
            out.append((letter if core.isupper() else letter.lower()) + dot)
            continue
        if len(tokens) == 1:
            surname = core[:1].upper() + core[1:].lower() not in all_given
        else:
            surname = (k == 0) if comma else k == len(tokens) - 1
        pool = (family if surname else given)[locale]
        name = core
        for _ in range(20):  # a different name
            name = rng.choice(pool)
            if name.lower() != core.lower():
                break
        out.append(_cased(name, core) + dot)
    out.append(original[pos:])
    return "".join(out)


def fake_docs(docs: Docs, seed: int, listed: frozenset[str]) -> tuple[Docs, list[list[bool]]]:
    """The texts with their person spans replaced; per doc, per person span: unlisted?"""
    rng = random.Random(seed)
    given, family = pools()
    all_given = frozenset(n for loc in given.values() for n in loc)
    out: Docs = []
    unlisted: list[list[bool]] = []
    for text, gold in docs:
        spans = sorted(gold)
        pieces, pos, shift = [], 0, 0
        new_gold: list[Span] = []
        flags: list[bool] = []
        for a, b, t in spans:
            if a < pos:  # overlapping gold: keep as is, shifted
                new_gold.append((a + shift, b + shift, t))
                continue
            pieces.append(text[pos:a])
            if t == "person":
                name = fake_span(text[a:b], rng, given, family, all_given)
                toks = [w.strip(".,").title() for w in name.split()]
                flags.append(not any(w in listed for w in toks if len(w) > 1))
            else:
                name = text[a:b]
            start = a + shift
            new_gold.append((start, start + len(name), t))
            shift += len(name) - (b - a)
            pieces.append(name)
            pos = b
        pieces.append(text[pos:])
        out.append(("".join(pieces), new_gold))
        unlisted.append(flags)
    return out, unlisted


def evaluate(name: str, docs: Docs, pack: str, unlisted: list[list[bool]], dump: Path | None):  # type: ignore[no-untyped-def]
    preds = predict(docs, pack)
    n = full = n_un = full_un = 0
    p_person = ok_person = p_all = ok_all = 0
    misses, fps = [], []
    for (text, gold), pred, flags in zip(docs, preds, unlisted, strict=True):
        persons = [g for g in gold if g[2] == "person"]
        for (a, b, _), un in zip(persons, flags, strict=True):
            hit = [p for p in pred if p[0] < b and a < p[1]]
            f = fully_masked(text, a, b, hit)
            n += 1
            full += f
            n_un += un
            full_un += f and un
            if not f:  # "partial": found, but a part of it left in the text
                misses.append(("partial " if hit else "") + _context(text, a, b))
        for a, b, t in pred:
            ok = any(g[0] < b and a < g[1] for g in gold)
            p_all += 1
            ok_all += ok
            if t == "person":
                p_person += 1
                ok_person += ok
                if not ok:
                    fps.append(_context(text, a, b))
    print(
        f"{name:<22} person n={n:<5} full {full / n:.3f}  unlisted n={n_un:<5} "
        f"full {full_un / max(n_un, 1):.3f}  person precision {ok_person / max(p_person, 1):.3f}"
        f"  overall precision {ok_all / max(p_all, 1):.3f}"
    )
    if dump is not None:
        dump.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"\W+", "_", name).strip("_")
        (dump / f"{slug}.miss.txt").write_text("\n".join(misses) + "\n")
        (dump / f"{slug}.fp.txt").write_text("\n".join(fps) + "\n")
    return full / n


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reps", type=int, default=2, help="fake sets per half A (seeds seed..)")
    ap.add_argument("--dump", type=Path)
    args = ap.parse_args()
    from curate.rules.pii import words

    w = words.load()
    listed = w.first_names | w.last_names
    sets = [
        ("presidio A", load_presidio(args.realdata / "pii/presidio_synth_dataset_v2.json"), "default"),
        ("physionet A", load_physionet(args.realdata / "pii/physionet_deid_gold"), "clinical"),
    ]  # fmt: skip
    for name, docs, pack in sets:
        half_a = docs[: len(docs) // 2]  # half B is held out: never read here
        for rep in range(args.reps):
            fake, unlisted = fake_docs(half_a, args.seed + rep, listed)
            dump = None if args.dump is None else args.dump / f"seed{args.seed + rep}"
            evaluate(f"{name} seed {args.seed + rep}", fake, pack, unlisted, dump)


if __name__ == "__main__":
    main()
