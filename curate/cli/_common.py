"""Shared CLI plumbing: error mapping, common options, JSON output.

Commands only parse options, call a library function and render its result; every
``CurateError`` becomes a one-line message and its exit code. Tracebacks appear only
under ``CURATE_DEBUG=1``.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console

from curate.errors import CurateError

F = TypeVar("F", bound=Callable[..., Any])

console = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def debug_enabled() -> bool:
    return os.environ.get("CURATE_DEBUG", "") not in ("", "0", "false")


def handle_errors(fn: F) -> F:
    """Map library errors to messages and exit codes (0 ok, 1 stage failed, 2 usage/config)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CurateError as exc:
            if debug_enabled():
                raise
            click.echo(f"Error: {exc.message}", err=True)
            if exc.hint:
                click.echo(f"Hint: {exc.hint}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
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
