"""One options model per stage is the single source of its flags, its curate.toml section and
its library keywords: every field appears in all three under one name, with one default and
(in the CLI) the same help text. ``mismatches`` is the check; the last tests prove it fails."""

from __future__ import annotations

import importlib
import inspect
import os
from collections.abc import Callable
from typing import Any

import click
import pytest
from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo

import curate
from curate.cli import main
from curate.config import RunConfig
from curate.options import StageOptions, cli_extra, click_options, flag_name, stage_kwargs

# What a command or a function may take besides its options: inputs, where it runs, output.
CLI_EXTRAS = {"paths", "data_dir", "workspace", "engine", "ray_address", "as_json", "show"}
FUNCTION_EXTRAS = {"paths", "data_dir", "workspace", "engine", "progress", "config"}


def _default(info: FieldInfo) -> Any:
    return info.get_default(call_default_factory=True)


def _same(a: Any, b: Any) -> bool:
    def norm(v: Any) -> Any:
        if isinstance(v, tuple | list):
            return [norm(x) for x in v]
        return os.fspath(v) if isinstance(v, os.PathLike) else v

    return bool(norm(a) == norm(b))


def mismatches(
    model: type[StageOptions],
    command: click.Command,
    section: type[BaseModel],
    function: Callable[..., Any],
) -> list[str]:
    """Every way ``model`` and the command, config section or function disagree."""
    problems: list[str] = []
    options = {p.name: p for p in command.params}
    signature = inspect.signature(function).parameters
    section_fields = {(i.alias or n): i for n, i in section.model_fields.items()}
    names = {(i.alias or n) for n, i in model.model_fields.items()}
    for field, info in model.model_fields.items():
        name = info.alias or field
        default, required = _default(info), info.is_required()
        # the flag: one name (dashes for underscores), the field's default and help
        opt = options.get(name)
        if not isinstance(opt, click.Option):
            problems.append(f"{name}: no click option")
        else:
            short = [cli_extra(info)["short"]] if "short" in cli_extra(info) else []
            if sorted(opt.opts) != sorted([*short, flag_name(name)]):
                problems.append(f"{name}: flag {opt.opts}, expected {flag_name(name)}")
            if opt.help != info.description:
                problems.append(f"{name}: help {opt.help!r} != {info.description!r}")
            if opt.required != required:
                problems.append(f"{name}: click required={opt.required}, model {required}")
            separator = cli_extra(info).get("separator")
            shown = opt.default
            if separator and isinstance(shown, str):
                shown = shown.split(separator)
            if not required and not _same(shown if shown != () else default, default):
                problems.append(f"{name}: click default {opt.default!r} != {default!r}")
        # the curate.toml key
        key = section_fields.get(name)
        if key is None:
            problems.append(f"{name}: not a key of the curate.toml section")
        elif key.is_required() != required or (not required and not _same(_default(key), default)):
            problems.append(f"{name}: toml default {_default(key)!r} != {default!r}")
        elif key.description != info.description:
            problems.append(f"{name}: toml help differs")
        # the library keyword
        param = signature.get(name)
        if param is None:
            problems.append(f"{name}: not a keyword of {function.__name__}()")
        elif required:
            if param.default not in (inspect.Parameter.empty, None):
                problems.append(f"{name}: required, but {function.__name__}() defaults it")
        elif not _same(param.default, default):
            problems.append(f"{name}: {function.__name__}() default {param.default!r}")
    for name in set(signature) - names - FUNCTION_EXTRAS:
        problems.append(f"{function.__name__}({name}=...) is not an options field")
    for name in set(options) - names - CLI_EXTRAS:
        problems.append(f"--{name} is not an options field")
    return problems


def _stages() -> list[tuple[str, type[StageOptions], type[BaseModel]]]:
    from curate.dedupe.options import DedupeOptions
    from curate.export.options import ExportOptions
    from curate.ingest.options import IngestOptions
    from curate.train.options import TrainConfig

    sections = {n: RunConfig.model_fields[n].annotation for n in ("ingest", "dedupe", "export")}
    train_section = RunConfig.model_fields["train"].annotation
    (train_section,) = [a for a in train_section.__args__ if a is not type(None)]  # type: ignore[union-attr]
    return [
        ("ingest", IngestOptions, sections["ingest"]),  # type: ignore[list-item]
        ("dedupe", DedupeOptions, sections["dedupe"]),  # type: ignore[list-item]
        ("export", ExportOptions, sections["export"]),  # type: ignore[list-item]
        ("train", TrainConfig, train_section),
    ]


@pytest.mark.parametrize("stage", ["ingest", "dedupe", "export", "train"])
def test_every_option_in_flag_toml_and_keyword(stage: str) -> None:
    (model, section) = next((m, s) for n, m, s in _stages() if n == stage)
    command = main.get_command(click.Context(main), stage)
    assert command is not None
    function = getattr(curate, stage)
    assert mismatches(model, command, section, function) == []
    assert len(model.model_fields) >= 6


def test_sections_only_add_what_run_needs() -> None:
    """A section is its stage's model plus run-only keys, never a second copy of an option."""
    extra = {"ingest": {"paths"}, "dedupe": {"enabled"}, "export": set(), "train": {"samples"}}
    for stage, model, section in _stages():
        assert set(section.model_fields) - set(model.model_fields) == extra[stage], stage
        assert issubclass(section, model), stage


class Toy(StageOptions):
    size: int = Field(3, ge=1, description="How big.")
    names: list[str] = Field(default_factory=list, description="Names; repeatable.")
    loud: bool = Field(False, description="Shout.")
    mode: str | None = Field(
        None, description="A mode.", json_schema_extra={"cli": {"short": "-m"}}
    )


class ToySection(Toy):
    enabled: bool = True


@click.command("toy")
@click_options(Toy)
def toy_command(**options: Any) -> None:
    print(sorted(stage_kwargs(Toy, options).items()))


def toy(
    workspace: str,
    *,
    size: int = 3,
    names: tuple[str, ...] = (),
    loud: bool = False,
    mode: str | None = None,
) -> None:
    """The library function."""


def test_the_check_passes_on_a_consistent_stage() -> None:
    assert mismatches(Toy, toy_command, ToySection, toy) == []


def test_the_check_finds_a_missing_keyword() -> None:
    def no_mode(
        workspace: str, *, size: int = 3, names: tuple[str, ...] = (), loud: bool = False
    ) -> None:
        """mode was dropped from the function."""

    assert mismatches(Toy, toy_command, ToySection, no_mode) == ["mode: not a keyword of no_mode()"]


def test_the_check_finds_drifted_defaults_help_and_keys() -> None:
    def other_size(
        workspace: str,
        *,
        size: int = 4,
        names: tuple[str, ...] = (),
        loud: bool = False,
        mode: str | None = None,
        extra: int = 0,
    ) -> None:
        """size drifted, and a keyword that no model declares."""

    class Stale(BaseModel):
        size: int = 3
        names: list[str] = []
        loud: bool = False

    @click.command("toy")
    @click.option("--size", type=int, default=3, help="How large.")
    @click.option("--names", multiple=True, help="Names; repeatable.")
    @click.option("--loud", is_flag=True, help="Shout.")
    @click.option("--mode", "-m", default=None, help="A mode.")
    def hand_written(**kw: Any) -> None: ...

    problems = mismatches(Toy, hand_written, Stale, other_size)
    assert "size: other_size() default 4" in problems
    assert "other_size(extra=...) is not an options field" in problems
    assert "size: help 'How large.' != 'How big.'" in problems
    assert "mode: not a key of the curate.toml section" in problems
    assert "size: toml help differs" in problems


def test_derived_options_parse_back_to_keywords() -> None:
    from click.testing import CliRunner

    res = CliRunner().invoke(
        toy_command, ["--size", "5", "--names", "a", "--names", "b", "--loud", "-m", "x"]
    )
    assert res.exit_code == 0, res.output
    assert res.output == "[('loud', True), ('mode', 'x'), ('names', ['a', 'b']), ('size', 5)]\n"
    res = CliRunner().invoke(toy_command, [])
    assert res.output == "[('loud', False), ('mode', None), ('names', []), ('size', 3)]\n"


def test_separator_and_flag_extras() -> None:
    from curate.train.options import TrainConfig

    command = main.get_command(click.Context(main), "train")
    assert command is not None
    target = next(p for p in command.params if p.name == "target_modules")
    assert target.type == click.STRING and not target.multiple
    assert stage_kwargs(TrainConfig, {"target_modules": "q_proj, v_proj"}) == {
        "target_modules": ["q_proj", "v_proj"]
    }
    assert stage_kwargs(TrainConfig, {"target_modules": None}) == {"target_modules": None}

    class Defaults(StageOptions):
        color: bool = Field(True, description="Colour.")
        fancy: bool = Field(False, description="Fancy.", json_schema_extra={"cli": {"flag": True}})

    @click.command()
    @click_options(Defaults)
    def cmd(**kw: Any) -> None: ...

    by_name = {p.name: p for p in cmd.params}
    assert isinstance(by_name["color"], click.Option)
    assert by_name["color"].opts == ["--color"] and by_name["color"].secondary_opts == [
        "--no-color"
    ]
    assert isinstance(by_name["fancy"], click.Option)
    assert by_name["fancy"].secondary_opts == ["--no-fancy"]


def test_unknown_cli_key_is_refused() -> None:
    class Bad(StageOptions):
        x: int = Field(1, description="x", json_schema_extra={"cli": {"shrot": "-x"}})

    with pytest.raises(TypeError, match="unknown cli keys \\['shrot'\\]"):
        click_options(Bad)(lambda: None)


def test_checked_names_the_parameter() -> None:
    with pytest.raises(curate.UsageError) as err:
        Toy.checked(size=0)
    assert (err.value.message, err.value.param) == ("size must be at least 1, got 0", "size")
    with pytest.raises(curate.UsageError) as err:
        Toy.checked(colour=1)
    assert (err.value.message, err.value.param) == ("unknown parameter colour", "colour")


def test_a_validators_sentence_is_the_message() -> None:
    from pydantic import model_validator

    class Pair(StageOptions):
        low: int = Field(default=0, description="Low.")
        high: int = Field(default=1, description="High.")

        @model_validator(mode="after")
        def _ordered(self) -> Pair:
            if self.low > self.high:
                raise ValueError("low must not exceed high")
            return self

    with pytest.raises(curate.UsageError) as err:
        Pair.checked(low=2)
    assert (err.value.message, err.value.param) == ("low must not exceed high", None)
    with pytest.raises(curate.UsageError) as err:
        Pair.checked(low="many")
    assert err.value.message == (
        "low: input should be a valid integer, unable to parse string as an integer, got 'many'"
    )


def test_the_stage_packages_hold_the_models() -> None:
    for stage in ("ingest", "dedupe", "export", "train"):
        module = importlib.import_module(f"curate.{stage}.options")
        assert any(
            isinstance(v, type) and issubclass(v, StageOptions) and v is not StageOptions
            for v in vars(module).values()
        ), stage
