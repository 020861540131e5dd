"""The README's CLI reference, generated from the commands' own --help.

`python -m curate.cli._docs --write` rewrites the block between the markers in README.md;
tests/test_docs.py fails when the README is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

BEGIN = "<!-- cli-reference:begin -->"
END = "<!-- cli-reference:end -->"


def _walk(cmd: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    out = [(path, cmd)]
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd, info_name=path[-1])
        for name in sorted(cmd.list_commands(ctx)):  # the lazy group loads each one here
            sub = cmd.get_command(ctx, name)
            assert sub is not None, name
            out += _walk(sub, [*path, name])
    return out


def cli_reference() -> str:
    from curate.cli import main

    parts = []
    for path, cmd in _walk(main, ["curate"]):
        ctx = click.Context(
            cmd,
            info_name=" ".join(path),
            help_option_names=["-h", "--help"],
            terminal_width=100,
            max_content_width=100,
        )
        title = " ".join(path)
        parts.append(f"### `{title}`\n\n```\n{cmd.get_help(ctx).rstrip()}\n```\n")
    return "\n".join(parts)


def readme_block() -> str:
    return f"{BEGIN}\n\n{cli_reference()}\n{END}"


def update_readme(readme: Path) -> bool:
    text = readme.read_text("utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    new = text[:start] + readme_block() + text[end:]
    if new != text:
        readme.write_text(new, "utf-8")
    return new != text


if __name__ == "__main__":
    if "--write" in sys.argv:
        changed = update_readme(Path(__file__).resolve().parents[2] / "README.md")
        print("README.md updated" if changed else "README.md already current")
    else:
        print(cli_reference())
