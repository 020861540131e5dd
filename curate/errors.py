"""User-facing errors.

Hierarchy::

    CurateError                 base; carries an exit code
    ├── UsageError              bad option or argument (exit 2)
    ├── ConfigError             invalid config / curate.toml (exit 2)
    │   ├── SchemaError         invalid domain schema file (exit 2)
    │   └── RulesError          invalid rule pack (exit 2)
    ├── InputError              unreadable or unusable input file (exit 2)
    ├── WorkspaceError          workspace missing, partial or from another version (exit 2)
    ├── StageError              a stage failed while running (exit 1)
    └── TrainingError           training failed (exit 1)

Per-record problems are never exceptions: they become rejects with a reason code.
"""

from __future__ import annotations


class CurateError(Exception):
    """Base of every error curate shows to a user; ``exit_code`` is what the CLI returns."""

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        # the library parameter the message names (``resume``); the CLI shows it as its flag
        self.param = param

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class UsageError(CurateError):
    """An option or argument is wrong.

    ``param`` names the library parameter (``batch_size``); the message names it the same way,
    and the CLI shows its flag (``--batch-size``) instead, so neither side quotes the other's
    spelling."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None, param: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.param = param


class ConfigError(CurateError):
    """A configuration file (curate.toml) is invalid."""

    exit_code = 2


class SchemaError(ConfigError):
    """A domain schema file is invalid."""


class RulesError(ConfigError):
    """A rule pack is invalid."""


class InputError(CurateError):
    """An input file cannot be used at all (missing, unreadable, missing required column)."""

    exit_code = 2


class WorkspaceError(CurateError):
    """The workspace is missing a stage's output, or was written by an incompatible version."""

    exit_code = 2


class StageError(CurateError):
    """A stage failed while running."""

    exit_code = 1


class TrainingError(CurateError):
    """Training failed (out of memory, diverged, bad model)."""

    exit_code = 1


class MissingDependencyError(UsageError):
    """An optional extra is needed; the message names the exact pip command."""

    def __init__(self, feature: str, extra: str, package: str) -> None:
        super().__init__(
            f"{feature} needs the optional package '{package}'",
            hint=f"install it with: pip install 'curate[{extra}]'",
        )
