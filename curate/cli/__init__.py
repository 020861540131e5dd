"""The ``curate`` command line: a thin layer over the library (one module per command).

The group is lazy: a command's module (and the library it calls: polars, pydantic...) is
imported only when that command runs or shows its help; ``curate --help`` lists the commands
from the table below, so it starts in a fraction of a second. tests/test_cli_lazy.py checks
that the table matches the commands' own help.
"""

from __future__ import annotations

import importlib

import click

from curate import __version__

# name -> (module under curate.cli, attribute, first sentence of the command's help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "dedupe": (
        "dedupe_cmd",
        "dedupe_command",
        "Mark exact and near-duplicate records and evaluation-set contamination in WORKSPACE.",
    ),
    "eval": (
        "eval_cmd",
        "eval_command",
        "Did the fine-tune help? Score the base model, the adapter and a prompt baseline on "
        "the held-out split, per task.",
    ),
    "export": (
        "export_cmd",
        "export_command",
        "Render the workspace's kept records through their schema's tasks into leak-free, "
        "stratified train/val(/test) JSONL files that a trainer loads unchanged.",
    ),
    "generate": (
        "train_cmd",
        "generate_command",
        "Print the base model's and the tuned model's answers to PROMPTS side by side.",
    ),
    "ingest": (
        "ingest_cmd",
        "ingest_command",
        "Read PATHS (files, directories, globs; CSV/TSV/JSON/JSONL/Parquet/TXT/MD, optionally "
        ".gz/.zst) into validated, normalized records in the workspace.",
    ),
    "init": (
        "run_cmd",
        "init_command",
        "Write a commented starter curate.toml for a built-in schema.",
    ),
    "report": (
        "report_cmd",
        "report_command",
        "Data-quality report of a workspace: funnel, rejects, lengths, duplicates, PII, "
        "balance, training.",
    ),
    "rules": (
        "rules_cmd",
        "rules_group",
        "List and show rule packs (quality filters, language ID, PII/PHI redaction).",
    ),
    "run": (
        "run_cmd",
        "run_command",
        "Run every stage in CONFIG (ingest, dedupe, export, train, report), skipping stages "
        "whose inputs, settings and outputs are unchanged since the last run.",
    ),
    "schemas": ("schemas_cmd", "schemas_group", "List and show domain schemas."),
    "synthesize": (
        "synthesize_cmd",
        "synthesize_command",
        "Optional synthetic Q&A: a model writes question-answer pairs about each kept doc "
        "section of WORKSPACE, filtered and marked synthetic, in the split of their section.",
    ),
    "train": (
        "train_cmd",
        "train_command",
        "Train a LoRA adapter on DATA_DIR/train.jsonl (chat JSONL from `curate export`).",
    ),
    "validate": (
        "validate_cmd",
        "validate_command",
        "Check PATH (a JSONL training file, ours or anyone's): every error with its line "
        "number, warnings, and statistics.",
    ),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use, listed from :data:`COMMANDS`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return self.commands.get(cmd_name)
        module, attribute, _ = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"curate.cli.{module}"), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"curate.cli.{module}.{attribute} is not a click command")
        self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the table: listing commands imports none of them."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            loaded = self.commands.get(name)
            summary = click.Command(name, help=COMMANDS[name][2]) if loaded is None else loaded
            rows.append((name, summary.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="curate")
def main() -> None:
    """Turn messy domain records into clean, deduplicated, PII-safe fine-tuning data.

    Typical flow: ingest -> dedupe -> export -> train, with report at any point,
    or everything at once with `curate run curate.toml`.
    """
