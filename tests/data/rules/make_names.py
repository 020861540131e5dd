"""Regenerate the name lists curate/rules/data/{first_names,last_names,common_words,
given_names_as_words,surnames_as_words}.txt.

Run by hand when the rules change; tests/test_rules_names_data.py checks that it still gives
the shipped files byte for byte (skipped without the inputs).

Names: the US Census 1990 name frequency files (public domain, as shipped in the PyPI
package `names` 0.3.0: dist.male.first, dist.female.first, dist.all.last). A name is
left out when its lower-case form is a common English word, judged on real English text
that is NOT one of the PII benchmark sets: a token seen lower-case at least MIN_LOWER
times, and more often than capitalized mid-sentence, in the CUAD contracts and the MTS-Dialog /
MTSamples clinical text (ACI-bench is lower-cased, and tweets' handles are lower-case names,
so both are left out) (e.g. "will", "may", "price", "young"). The text files read, and
their order, are listed in make_names_sources.txt. Usage (the `names` package is in the `dev`
extra):

    python tests/data/rules/make_names.py NAMES_PKG_DIR ../shared/realdata [OUT_DIR]

NAMES_PKG_DIR: the folder of the installed `names` package
(`python -c "import names, os; print(os.path.dirname(names.__file__))"`); OUT_DIR defaults to
curate/rules/data.
"""

from __future__ import annotations

import collections
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE.parents[2] / "curate" / "rules" / "data"
SOURCES = HERE / "make_names_sources.txt"
N_FIRST, N_LAST, N_COMMON, MIN_LOWER = 2000, 6000, 6000, 5
EXTRA_COMMON = {
    "may",
    "june",
    "april",
    "august",
    "sunday",
    "monday",
    "christmas",
    "doctor",
    "nurse",
    "patient",
    "sir",
    "king",
    "queen",
    "bill",
    "will",
    "price",
    "card",
    "street",
    "lane",
    "bay",
    "chase",
    "court",
    "park",
    "drive",
    "hall",
    "bank",
    "rice",
}
HEADERS = {
    "first_names.txt": "Common US given names (US Census 1990, public domain), minus common words.",
    "last_names.txt": "Common US surnames (US Census 1990, public domain), minus common words.",
    "common_words.txt": "Frequent lower-case words of contracts and clinical text: a name"
    " candidate that is one is rejected.",
    "given_names_as_words.txt": "Census given names seen lower-case mid-sentence in the same"
    " text: words too ('poison ivy', 'basil'), no name when alone in lower case.",
    "surnames_as_words.txt": "The most frequent census surnames that are common words (so not"
    " in last_names.txt): a surname after a census given name ('Zoe Young', 'Brad Key').",
}
N_SURNAME_WORDS = 1000  # of the census surnames' most frequent rows
# common words that follow a given name as often as a surname does: a greeting's or sign-off's
# ("Thanks Maria Best regards", "Mary Love the"), an organ ("colon"), a thing ("Case", "Head")
SURNAME_WORD_STOP = {"Best", "Good", "Love", "Case", "Head", "Colon", "Day", "May", "Guy"}


def sources(realdata: Path) -> list[Path]:
    """The text files to count words in, in order (see make_names_sources.txt)."""
    lines = SOURCES.read_text(encoding="utf-8").splitlines()
    return [realdata / line for line in lines if line and not line.startswith("#")]


def word_counts(realdata: Path) -> tuple[collections.Counter[str], set[str]]:
    """Lower-case counts of the words of the sources, and the common ones: seen lower-case at
    least MIN_LOWER times and more often than capitalized mid-sentence (or EXTRA_COMMON)."""
    lower: collections.Counter[str] = collections.Counter()
    upper: collections.Counter[str] = collections.Counter()
    for f in sources(realdata):
        text = re.sub(r"\S*[@/_]\S*", " ", f.read_text(errors="replace"))  # e-mails, paths
        lower.update(re.findall(r"(?<=[a-z,;] )[a-z]{2,}\b", text))
        upper.update(w.lower() for w in re.findall(r"(?<=[a-z,;] )[A-Z][a-z]+\b", text))
    common = {w for w, c in lower.items() if c >= MIN_LOWER and c >= upper[w]} | EXTRA_COMMON
    return lower, common


def make_lists(names_dir: Path, realdata: Path) -> dict[str, list[str]]:
    """File name -> its entries, sorted."""
    lower, common = word_counts(realdata)

    def top(fname: str, n: int) -> list[str]:
        rows = [
            line.split()[0] for line in (names_dir / fname).read_text().splitlines() if line.strip()
        ]
        return [r.title() for r in rows if len(r) > 2 and r.lower() not in common][:n]

    # most_common keeps first-seen order among equal counts: the sources' order matters
    by_freq = [w for w, c in lower.most_common() if w in common and len(w) > 2][:N_COMMON]
    first = sorted(set(top("dist.male.first", N_FIRST // 3) + top("dist.female.first", N_FIRST)))
    last = sorted(set(top("dist.all.last", N_LAST)))
    as_words = [n for n in first if lower[n.lower()] >= 1]
    rows = [
        line.split()[0]
        for line in (names_dir / "dist.all.last").read_text().splitlines()
        if line.strip()
    ][:N_SURNAME_WORDS]
    surname_words = sorted(
        r.title() for r in rows if r.lower() in common and r.title() not in SURNAME_WORD_STOP
    )
    return {
        "first_names.txt": first,
        "last_names.txt": last,
        "common_words.txt": sorted(by_freq),
        "given_names_as_words.txt": as_words,
        "surnames_as_words.txt": [w for w in surname_words if len(w) > 2],
    }


def render(fname: str, entries: list[str]) -> bytes:
    """A list file: '#' comment lines, then one entry per line (UTF-8, LF)."""
    head = (
        f"# {HEADERS[fname]}\n# Generated by tests/data/rules/make_names.py; do not edit by hand.\n"
    )
    return (head + "".join(f"{e}\n" for e in entries)).encode("utf-8")


def main(names_dir: Path, realdata: Path, out_dir: Path = OUT_DIR) -> None:
    missing = [str(p) for p in sources(realdata) if not p.is_file()]
    if missing:
        sys.exit(f"make_names: {len(missing)} source files missing, e.g. {missing[0]}")
    out_dir.mkdir(parents=True, exist_ok=True)
    for fname, entries in make_lists(names_dir, realdata).items():
        (out_dir / fname).write_bytes(render(fname, entries))


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]), *(Path(a) for a in sys.argv[3:]))
