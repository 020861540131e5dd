"""Regenerate the small chat export used by the training tests: python make_data.py."""

import json
import random
from pathlib import Path

COLORS = ["red", "blue", "green", "yellow", "purple", "orange", "black", "white"]
THINGS = [
    "apple",
    "sky",
    "grass",
    "sun",
    "plum",
    "carrot",
    "night",
    "snow",
    "ticket",
    "router",
    "invoice",
    "printer",
]


def convo(rng: random.Random, thing: str) -> dict:
    color = COLORS[sum(map(ord, thing)) % len(COLORS)]
    msgs = [
        {"role": "user", "content": f"What color is the {thing}?"},
        {"role": "assistant", "content": f"The {thing} is {color}."},
    ]
    if rng.random() < 0.4:
        msgs = [{"role": "system", "content": "You answer briefly."}, *msgs]
    if rng.random() < 0.4:
        msgs += [
            {"role": "user", "content": f"Are you sure about the {thing}?"},
            {"role": "assistant", "content": f"Yes, the {thing} is {color}."},
        ]
    return {"messages": msgs}


def main() -> None:
    rng = random.Random(7)
    here = Path(__file__).parent / "chat"
    here.mkdir(exist_ok=True)
    train = [convo(rng, t) for t in THINGS for _ in range(3)]
    rng.shuffle(train)
    val = [convo(rng, t) for t in THINGS[:6]]
    for name, rows in (("train", train), ("val", val)):
        (here / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (here / "manifest.json").write_text(
        json.dumps({"files": {"train.jsonl": len(train), "val.jsonl": len(val)}}, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()
