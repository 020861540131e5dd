"""Optional synthetic Q&A: a model asks and answers questions about each kept doc section.

Off unless called (``curate.synthetic.synthesize``); the schema's deterministic tasks stand alone.
"""

from curate.synthetic.api import synthesize

__all__ = ["synthesize"]
