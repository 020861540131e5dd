"""`curate rules list|show`: the rule packs (quality filters, language ID, PII redaction)."""

from __future__ import annotations

import click
from rich.table import Table

from curate.cli._common import handle_errors, json_option, out, print_json, print_toml


@click.group("rules")
def rules_group() -> None:
    """List and show rule packs (quality filters, language ID, PII/PHI redaction).

    Language ID runs the bundled fastText lite model by default (offline, fast); a pack
    with `backend = "langdetect"` uses langdetect, seeded for stable results and spread
    over all CPU cores, since it is far slower (about 200 texts/s per core).
    """


@rules_group.command("list")
@json_option
@handle_errors
def list_command(as_json: bool) -> None:
    """List the built-in rule packs."""
    from curate.rules import builtin_packs, load_rule_pack

    packs = [load_rule_pack(name) for name in builtin_packs()]
    if as_json:
        print_json(
            [
                {
                    "name": p.name,
                    "description": p.description,
                    "redaction": p.pii.style,
                    "languages": p.language.allow,
                    "pii_types": p.pii.types,
                }
                for p in packs
            ]
        )
        return
    table = Table()
    for col in ("name", "redaction", "languages", "description"):
        table.add_column(col)
    for p in packs:
        table.add_row(p.name, p.pii.style, ", ".join(p.language.allow) or "any", p.description)
    out.print(table)


@rules_group.command("show")
@click.argument("name")
@json_option
@handle_errors
def show_command(name: str, as_json: bool) -> None:
    """Print a rule pack (built-in name or .toml file), validated, as TOML."""
    from curate.rules import load_rule_pack, pack_text

    if as_json:
        print_json(load_rule_pack(name).model_dump(mode="json"))
        return
    print_toml(pack_text(name))
