"""One options model per stage: the single source of its library keyword arguments, its
``curate.toml`` section and its CLI flags.

A field's name is the keyword argument and the TOML key; ``--name-with-dashes`` is the flag;
its ``description`` is the help text everywhere; its default is the default everywhere.
``tests/test_options.py`` checks that the three agree.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StageOptions(BaseModel):
    """Base of every stage's options: unknown keys are errors, values are checked on creation."""

    model_config = ConfigDict(extra="forbid", frozen=True)
