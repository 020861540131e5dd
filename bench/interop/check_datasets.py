"""`make interop`: every export file loads with `datasets` unchanged, row for row."""

from __future__ import annotations

import json

from common import Results, cases, files, read_jsonl, same


def _clean(v: object) -> object:
    """datasets fills a key a line lacks with None: compare without those."""
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_clean(x) for x in v]
    return v


def check(case: str) -> str:
    import datasets

    n = 0
    for split, _, path, want in files(case):
        ds = datasets.load_dataset("json", data_files={split: str(path)}, split=split)
        raw = read_jsonl(path)
        same(len(ds), len(raw), f"{path.name} rows")
        same(len(ds), len(want), f"{path.name} expected rows")
        for i, row in enumerate(ds):
            same(_clean(row), _clean(raw[i]), f"{path.name} row {i}")
        n += len(ds)
    return f"{n} rows load and equal the file (datasets {datasets.__version__})"


if __name__ == "__main__":
    res = Results("datasets")
    for case in cases():
        res.run(case, lambda case=case: check(case))
    res.save()
    print(json.dumps([r["status"] for r in res.rows]))
