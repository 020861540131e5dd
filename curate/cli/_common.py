"""Shared CLI plumbing: error mapping, common options, JSON output.

Commands only parse options, call a library function and render its result; every
``CurateError`` becomes a one-line message and its exit code. Tracebacks appear only
under ``CURATE_DEBUG=1``.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar, overload

import click
from rich.console import Console

from curate.errors import CurateError

if TYPE_CHECKING:
    from curate.engine.base import Engine

F = TypeVar("F", bound=Callable[..., Any])

console = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def debug_enabled() -> bool:
    return os.environ.get("CURATE_DEBUG", "") not in ("", "0", "false")


# errnos that only a write can raise; for EACCES/EPERM the verb is worked out from the path
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG})
# options naming where a command writes: named when a failed write does not say which file
_OUTPUT_OPTIONS = ("out", "out_path", "html_path", "workspace")


def show_path(path: str | bytes | os.PathLike[str]) -> str:
    """A path for a message: bytes that are not UTF-8 shown as \\xNN, never a crash."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _verb(exc: OSError, path: str | None) -> str:
    if exc.errno in _WRITE_ERRNOS:
        return "write"
    if exc.errno in (errno.EACCES, errno.EPERM) and path is not None:
        if os.path.isfile(path) and not os.access(path, os.R_OK):
            return "read"
        parent = os.path.dirname(os.path.abspath(path))
        if not os.path.exists(path) and os.path.isdir(parent) and not os.access(parent, os.W_OK):
            return "write"
    return "access"


def os_error_message(exc: OSError, options: dict[str, Any]) -> str:
    """One line for an operating-system error (disk full, read-only or unreadable path):
    what could not be done, to which path, and the system's reason."""
    reason = os.strerror(exc.errno) if exc.errno else (exc.strerror or str(exc))
    raw = exc.filename if exc.filename is not None else exc.filename2
    path = show_path(raw) if isinstance(raw, str | bytes | os.PathLike) else None
    verb = _verb(exc, path)
    if path is not None:
        return f"cannot {verb} {path}: {reason}"
    # pyarrow and polars do not say which file a failed write was for: name where we write
    targets = [str(options[k]) for k in _OUTPUT_OPTIONS if options.get(k)]
    if verb == "write" and targets:
        return f"cannot write: {reason} (this command writes to {', '.join(targets)})"
    return f"cannot {verb}: {reason}"


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass  # no real stdout (a test runner's buffer): nothing will flush it


@overload
def as_flag(param: str, text: str) -> str: ...
@overload
def as_flag(param: str, text: None) -> None: ...
def as_flag(param: str, text: str | None) -> str | None:
    """``text`` with the library parameter ``param`` (``batch_size``) shown as the running
    command's flag (``--batch-size``) or argument (``PATHS``); unchanged when the command has
    no such parameter (``curate run`` names config keys as the library does)."""
    ctx = click.get_current_context(silent=True)
    if text is None or ctx is None:
        return text
    for p in ctx.command.params:
        if p.name == param:
            shown = max(p.opts, key=len) if isinstance(p, click.Option) else p.human_readable_name
            # the bare word only: not in a path (/tmp/out), a longer name (out_dir) or a file
            # name (tokenizer.json); a full stop after it is still the end of a sentence
            pattern = rf"(?<![\w\-/.]){re.escape(param)}(?![\w\-/]|\.\w)"
            return re.sub(pattern, shown.replace("\\", "\\\\"), text)
    return text


def handle_errors(fn: F) -> F:
    """Map library errors to messages and exit codes (0 ok, 1 stage failed, 2 usage/config)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CurateError as exc:
            if debug_enabled():
                raise
            message, hint = exc.message, exc.hint
            param = getattr(exc, "param", None)
            if param:
                message, hint = as_flag(param, message), as_flag(param, hint)
            click.echo(f"Error: {message}", err=True)
            if hint:
                click.echo(f"Hint: {hint}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except BrokenPipeError:
            # `curate ... | head`: the reader left; stop quietly, as other Unix tools do
            _silence_stdout()
            sys.exit(1)
        except OSError as exc:
            if debug_enabled():
                raise
            click.echo(f"Error: {os_error_message(exc, kwargs)}", err=True)
            sys.exit(2)
        except Exception as exc:
            if debug_enabled():
                raise
            click.echo(
                f"Error: unexpected {type(exc).__name__}: {exc}\n"
                "Hint: re-run with CURATE_DEBUG=1 for a traceback, and please report it.",
                err=True,
            )
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def workspace_option(fn: F) -> F:
    return click.option(
        "-w",
        "--workspace",
        type=click.Path(file_okay=False),
        default="curate-work",
        show_default=True,
        help="Workspace directory holding the stage tables.",
    )(fn)


def engine_options(fn: F) -> F:
    """--engine / --ray-address for the stages that can run on a Ray cluster."""
    fn = click.option(
        "--ray-address",
        default=None,
        metavar="HOST:PORT",
        help="Ray cluster to connect to (default with --engine ray: start a local instance).",
    )(fn)
    return click.option(
        "--engine",
        type=click.Choice(["local", "ray"]),
        default="local",
        show_default=True,
        help="Run on this machine, or over Ray Data (needs the `ray` extra); same output either way.",
    )(fn)


@contextlib.contextmanager
def stage_engine(
    workspace: str, engine: str, ray_address: str | None, *, create: bool = False
) -> Iterator[Engine]:
    """The engine for a stage command, made while holding the workspace lock, so a busy
    workspace fails before Ray starts (the stage takes the lock again: it is reentrant)."""
    from curate.engine import make_engine
    from curate.workspace import Workspace

    with Workspace(workspace).lock(create=create):
        yield make_engine(engine, ray_address)


def json_option(fn: F) -> F:
    return click.option(
        "--json", "as_json", is_flag=True, help="Print a machine-readable JSON summary on stdout."
    )(fn)


def print_toml(text: str) -> None:
    """A TOML file's text on stdout: highlighted on a terminal, byte for byte otherwise, so
    ``curate rules show default > my.toml`` writes a file that loads (rich wraps at 80 columns)."""
    if out.is_terminal:
        from rich.syntax import Syntax

        out.print(Syntax(text, "toml", theme="ansi_dark", word_wrap=True))
    else:
        click.echo(text, nl=not text.endswith("\n"))


def print_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=2, sort_keys=True, default=str))


def tidy_path(path: str | os.PathLike[str]) -> str:
    """A path for a message without ``..`` detours (``sample_data/../curate-work/x`` is
    ``curate-work/x``): relative to the working directory when under it, else absolute."""
    full = os.path.abspath(os.fspath(path))
    try:
        rel = os.path.relpath(full)
    except ValueError:  # another drive (Windows)
        return full
    return full if rel.startswith("..") else rel


class LogProgress:
    """One progress line every ``every_s`` seconds for logs and pipes (CI, ``| tee``), where a
    live bar is not drawn: stage, done/total, rate and ETA. Silent on a terminal, which has the
    bar, and under ``--json``."""

    EVERY_S = 10.0  # seconds between lines

    def __init__(
        self,
        stage: str,
        unit: str,
        *,
        enabled: bool | None = None,
        every_s: float | None = None,
        clock: Callable[[], float] | None = None,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        import time

        self.stage, self.unit = stage, unit
        self.every_s = self.EVERY_S if every_s is None else every_s
        self.clock = clock or time.monotonic
        self.echo = echo or (lambda line: click.echo(line, err=True))
        self.enabled = (not console.is_terminal) if enabled is None else enabled
        self.started = self.clock()
        self.last = self.started
        self.done, self.printed = 0, 0
        self.total: int | None = None

    def line(self) -> str:
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = self.done / elapsed
        text = f"{self.stage}: {self.done:,}"
        if self.total:
            text += f"/{self.total:,} {self.unit} ({100 * self.done / self.total:.0f}%)"
        else:
            text += f" {self.unit}"
        text += f", {rate:,.0f} {self.unit}/s"
        if self.total and rate > 0 and self.done < self.total:
            text += f", ETA {_duration((self.total - self.done) / rate)}"
        return text

    def update(self, done: int, total: int | None = None, extra: str = "") -> None:
        """Record progress (``done`` so far, of ``total`` if known); print when due."""
        self.done, self.total = done, total if total is not None else self.total
        now = self.clock()
        if self.enabled and now - self.last >= self.every_s:
            self.last = now
            self.printed += 1
            self.echo(self.line() + (f" {extra}" if extra else ""))

    def close(self) -> None:
        """A last line with the final count, if any line was printed (short stages say nothing)."""
        if self.enabled and self.printed:
            self.echo(self.line() + ", done")


def _duration(seconds: float) -> str:
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"
