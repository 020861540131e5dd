"""fastText language ID as a child process: run as a script (``python _fasttext_child.py
MODEL``) so that it imports fastText alone, not curate or Polars (start-up ~0.1 s, not ~1 s).

Batches of texts arrive on stdin and ``(language, score)`` lists leave on stdout, each pickled
and prefixed by its length. Nothing here may import curate: see ``curate.rules.langid``.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
from typing import IO, Any

UNKNOWN = "unknown"


def predict(model: Any, texts: list[str]) -> list[tuple[str, float]]:
    """Top language and its probability per text (one line each, lower-cased by the caller)."""
    call = model.f.predict
    out = []
    for text in texts:
        pred = call(text + "\n", 1, 0.0, "strict")
        if pred:
            prob, label = pred[0]
            out.append((label.removeprefix("__label__"), min(float(prob), 1.0)))
        else:
            out.append((UNKNOWN, 0.0))
    return out


def send(stream: IO[bytes], obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError("the language ID process ended")
    (size,) = struct.unpack("<Q", head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the language ID process ended")
    return pickle.loads(data)


def serve(model_path: str) -> None:
    """Answer batches until stdin closes; anything the model prints goes to stderr."""
    import fasttext

    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    model = fasttext.load_model(model_path)
    requests = sys.stdin.buffer
    while True:
        try:
            texts = receive(requests)
        except EOFError:
            return
        send(replies, predict(model, texts))


if __name__ == "__main__":
    serve(sys.argv[1])
