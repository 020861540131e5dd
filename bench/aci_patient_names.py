"""ACI-Bench patient names left in a clinical export (issue 21): for each exported ACI-Bench
example whose dialogue greets the patient by name ("[doctor] hi , martha", "hey , ms. hill"),
whether that name is still anywhere in the example.

Usage: python bench/aci_patient_names.py EXPORT_DIR   (exported with --metadata)
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "clinical"
GREET = re.compile(
    r"\[doctor\]\s*(?:hi|hello|hey|good morning|good afternoon)\s*,?\s*"
    r"(?:mr\.?|mrs\.?|ms\.?|miss)?\s*([a-z]+)",
    re.I,
)
# words a greeting is followed by that are no name ("dragon": the dictation assistant)
NOT_NAMES = {"dragon", "mr", "mrs", "ms", "hi", "hey", "there", "how", "doctor", "doc", "nice"}
NOT_NAMES |= {"good", "so", "thanks", "thank", "it", "welcome", "sir", "again", "everyone"}
NOT_NAMES |= {"um", "uh", "okay", "ok"}


def originals() -> dict[tuple[str, int], dict[str, str]]:
    """ACI-Bench rows by (file name, line the row starts on), as export's ``source`` has them."""
    csv.field_size_limit(10**9)
    out: dict[tuple[str, int], dict[str, str]] = {}
    for path in sorted(REAL.glob("aci-bench_*.csv")):
        with path.open(newline="", encoding="utf-8") as f:
            reader, end = csv.DictReader(f), 1
            for row in reader:
                out[(path.name, end + 1)] = row
                end = reader.line_num
    return out


def main(export: Path) -> None:
    rows = originals()
    known, left = 0, []
    for split in ("train", "val", "test"):
        path = export / f"{split}.jsonl"
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as f:
            for line in f:
                example = json.loads(line)
                file, _, n = example["metadata"]["source"].rpartition(":")
                row = rows.get((Path(file).name, int(n)))
                m = GREET.search(row["dialogue"]) if row else None
                if m is None or m[1].lower() in NOT_NAMES or len(m[1]) < 3:
                    continue
                known += 1
                text = " ".join(x["content"] for x in example["messages"])
                hit = re.search(rf".{{0,40}}\b{re.escape(m[1])}\b.{{0,40}}", text, re.I | re.S)
                if hit:
                    left.append((Path(file).name, n, m[1], hit[0]))
    print(
        f"ACI-Bench examples greeting the patient by name: {known}; name still in it: {len(left)}"
    )
    for item in left[:15]:
        print(" ", item)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
