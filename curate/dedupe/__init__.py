"""The dedupe stage: exact and MinHash-LSH near-duplicates, clusters, decontamination.

``dedupe(workspace, ...)`` (api.py) is the stage; the pipeline reads in module order:
records.py (what is fingerprinted, exact-copy groups), minhash.py (shingles, signatures),
fingerprint.py (one batch's keys, signatures and n-gram hits), lsh.py (band keys, candidate
pairs, estimates), jaccard.py (exact checks), decontaminate.py (evaluation sets), clusters.py
(components, the kept record, the output tables), index.py (the persisted index) and stage.py,
which runs them in order. Light on purpose: ``import curate`` imports this package.
"""

from curate.dedupe.api import dedupe

__all__ = ["dedupe"]
