"""`curate schemas list|show`: the built-in domain schemas."""

from __future__ import annotations

import click
from rich.table import Table

from curate.cli._common import handle_errors, out, print_toml


@click.group("schemas")
def schemas_group() -> None:
    """List and show domain schemas."""


@schemas_group.command("list")
@handle_errors
def list_command() -> None:
    """List the built-in schemas and the rule pack ingest runs for each without --rules."""
    from curate.schema import builtin_schemas, load_schema

    table = Table()
    for col in ("name", "rules", "layouts", "tasks", "description"):
        table.add_column(col)
    for name in builtin_schemas():
        s = load_schema(name)
        table.add_row(
            name,
            s.rules or "default",
            ", ".join(lay.name for lay in s.layouts),
            ", ".join(t.name for t in s.tasks),
            s.description,
        )
    out.print(table)


@schemas_group.command("show")
@click.argument("name")
@handle_errors
def show_command(name: str) -> None:
    """Print a schema (built-in name or file) as TOML."""
    from curate.schema import schema_text

    print_toml(schema_text(name))
