"""The export stage: kept records -> train/val/test JSONL, manifest and token statistics.

Private modules, in pipeline order: ``kept`` (what is read), ``templates`` and ``sandbox``
(schema tasks compiled), ``render`` (records -> examples), ``tokens`` (exact counts and the
budget), ``formats`` (output formats), ``collect`` (the streaming pass), ``copies``,
``splits``, ``outcomes``, ``writers``, ``stats``, and ``stage`` (the steps in order). The
public names are :func:`export` and, in ``options``, :class:`ExportOptions`.

Light on purpose: only the function is imported here (see ``api``).
"""

from __future__ import annotations

from curate.export.api import export

__all__ = ["export"]
