"""`make interop`, last step: one table of tool × export case from the checkers' results
(OUT/results/*.json), written to OUT/interop.md; exit 1 when any check failed or is missing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

TOOLS = ("curate-validate", "datasets", "trl", "llamafactory", "axolotl", "openai")
MARK = {"pass": "✅", "fail": "❌", "n/a": "—"}


def main(out: Path) -> int:
    rows: dict[str, dict[str, dict[str, str]]] = {}
    missing = []
    for tool in TOOLS:
        path = out / "results" / f"{tool}.json"
        if not path.exists():
            missing.append(tool)
            continue
        for r in json.loads(path.read_text("utf-8")):
            rows.setdefault(r["case"], {})[tool] = r
    lines = ["| case | " + " | ".join(TOOLS) + " |", "|---|" + "---|" * len(TOOLS)]
    for case, by_tool in rows.items():
        cells = [MARK[by_tool[t]["status"]] if t in by_tool else "" for t in TOOLS]
        lines.append(f"| {case} | " + " | ".join(cells) + " |")
    details = [
        f"- **{t}** / {case}: {r['status']} — {r['detail']}"
        for case, by_tool in rows.items()
        for t, r in by_tool.items()
    ]
    text = "\n".join(lines) + "\n\n" + "\n".join(details) + "\n"
    (out / "interop.md").write_text(text, "utf-8")
    print(text)
    failed = [d for d in details if ": fail —" in d]
    if missing:
        print(f"no results from: {', '.join(missing)}", file=sys.stderr)
    if failed:
        print(f"{len(failed)} interop check(s) failed", file=sys.stderr)
    return 1 if failed or missing else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("bench/out/interop")))
