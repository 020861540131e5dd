"""curate: messy domain records in, clean fine-tuning data (and a LoRA adapter) out."""

from __future__ import annotations

__version__ = "0.1.0"
