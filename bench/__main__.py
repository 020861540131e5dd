"""`make bench`: run every bench/bench_*.py in turn and print their figures.

Each script measures curate against its named baseline in the same run, so the ratios hold on
whatever machine runs them. `python -m bench NAME...` runs only the named ones (e.g. `dedupe`).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

# Extra arguments that keep `make bench` to a reasonable length; run a script directly for more.
ARGS: dict[str, list[str]] = {
    "bench_readers": ["--skip-large"],
}


def main() -> int:
    here = Path(__file__).parent
    wanted = set(sys.argv[1:])
    failed = []
    for script in sorted(here.glob("bench_*.py")):
        name = script.stem
        if wanted and name not in wanted and name.removeprefix("bench_") not in wanted:
            continue
        print(f"\n=== {name} ===", flush=True)
        t = time.perf_counter()
        rc = subprocess.call([sys.executable, str(script), *ARGS.get(name, [])], cwd=here.parent)
        print(
            f"--- {name}: {'ok' if rc == 0 else f'FAILED ({rc})'} in {time.perf_counter() - t:.0f}s"
        )
        if rc:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
