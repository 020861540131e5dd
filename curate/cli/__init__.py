"""The ``curate`` command line: a thin layer over the library (one module per command)."""

from __future__ import annotations

import click

from curate import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="curate")
def main() -> None:
    """Turn messy domain records into clean, deduplicated, PII-safe fine-tuning data.

    Typical flow: ingest -> dedupe -> export -> train, with report at any point,
    or everything at once with `curate run curate.toml`.
    """


def _register() -> None:
    from curate.cli import (
        dedupe_cmd,
        export_cmd,
        ingest_cmd,
        report_cmd,
        rules_cmd,
        run_cmd,
        schemas_cmd,
        train_cmd,
        validate_cmd,
    )

    for module in (
        ingest_cmd,
        schemas_cmd,
        rules_cmd,
        dedupe_cmd,
        export_cmd,
        validate_cmd,
        train_cmd,
        report_cmd,
        run_cmd,
    ):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
