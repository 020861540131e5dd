"""One options model per stage: the single source of its library keyword arguments, its
``curate.toml`` section and its CLI flags.

A field's name is the keyword argument and the TOML key; ``--name-with-dashes`` is the flag;
its ``description`` is the help text everywhere; its default is the default everywhere.
``tests/test_options.py`` checks that the three agree.

The flag is derived from the field (:func:`click_options`): ``int``/``float``/``str``/``Path``
give that type, a ``Literal`` a choice, ``bool`` a ``--x`` flag (``--x/--no-x`` when it
defaults to True), ``list[str]`` a repeatable option, ``X | None`` a default of None. What the
annotation cannot say goes in ``json_schema_extra={"cli": {...}}``:

``short``      a short alias, e.g. ``"-w"``
``flag``       True: ``--x/--no-x`` even when the default is False
``multiple``   False: a ``list[str]`` taken as one value (with ``separator``)
``separator``  a ``list[str]`` given as one separated string (``--fields a,b``)
``metavar``    the value's name in ``--help``
``choices``    the accepted values of a ``str`` field whose type cannot be a Literal

Click is imported only by the functions that build options, so a stage's options model stays
importable without it.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import PydanticUndefined

from curate.errors import UsageError

if TYPE_CHECKING:
    import click
    from pydantic.fields import FieldInfo

F = TypeVar("F", bound=Callable[..., Any])
OptionsT = TypeVar("OptionsT", bound="StageOptions")

CLI_KEYS = frozenset({"short", "flag", "multiple", "separator", "metavar", "choices"})


class StageOptions(BaseModel):
    """Base of every stage's options: unknown keys are errors, values are checked on creation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def checked(cls: type[OptionsT], **values: Any) -> OptionsT:
        """The options from keyword arguments; a bad value is a UsageError naming the parameter
        (``batch_size must be at least 1, got 0``, ``param="batch_size"``), never a pydantic
        ValidationError."""
        try:
            return cls(**values)
        except ValidationError as exc:
            raise usage_error(exc) from None


def usage_error(exc: ValidationError) -> UsageError:
    """The first error of ``exc`` as a UsageError whose message and ``param`` name the field."""
    err = exc.errors()[0]
    name = ".".join(str(p) for p in err["loc"] if not isinstance(p, int)) or "options"
    param = str(err["loc"][0]) if err["loc"] else None
    value = err.get("input")
    ctx = err.get("ctx") or {}
    kind = err["type"]
    bounds = {
        "greater_than": "greater than {gt}",
        "greater_than_equal": "at least {ge}",
        "less_than": "less than {lt}",
        "less_than_equal": "at most {le}",
    }
    if kind in bounds:
        limits = {k: _number(v) for k, v in ctx.items()}
        message = f"{name} must be {bounds[kind].format(**limits)}, got {value!r}"
    elif kind == "literal_error":
        expected = ctx.get("expected", "")
        message = f"{name} must be one of {expected}, got {value!r}"
    elif kind == "extra_forbidden":
        message = f"unknown parameter {name}"
    elif kind == "missing":
        message = f"{name} is required"
    elif kind == "value_error":  # a validator's own sentence
        reason = str(err["msg"]).removeprefix("Value error, ")
        message = f"{name}: {reason}" if err["loc"] else reason
    else:
        message = f"{name}: {err['msg'][0].lower()}{err['msg'][1:]}, got {value!r}"
    more = len(exc.errors()) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return UsageError(message, param=param)


def _number(value: Any) -> Any:
    """``0.0`` as ``0``: a bound reads as the user wrote it."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def public_name(name: str, info: FieldInfo) -> str:
    """The keyword, TOML key and flag stem of a field: its alias where it has one (``schema``
    for ``schema_``, a name pydantic's BaseModel reserves)."""
    return info.alias or name


def flag_name(field: str) -> str:
    """The CLI flag of a field: ``batch_size`` -> ``--batch-size``."""
    return "--" + field.replace("_", "-")


def cli_extra(info: FieldInfo) -> dict[str, Any]:
    """The field's ``json_schema_extra["cli"]`` (unknown keys are a programming error)."""
    extra = info.json_schema_extra
    cli = extra.get("cli", {}) if isinstance(extra, dict) else {}
    if not isinstance(cli, dict):
        raise TypeError(f"json_schema_extra['cli'] must be a dict, got {cli!r}")
    unknown = set(cli) - CLI_KEYS
    if unknown:
        raise TypeError(f"unknown cli keys {sorted(unknown)}; known: {sorted(CLI_KEYS)}")
    return dict(cli)


def field_default(info: FieldInfo) -> Any:
    """The field's default (a factory's value), or PydanticUndefined when it is required."""
    return info.get_default(call_default_factory=True)


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(the annotation without ``None``, whether it allowed None)."""
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        args = [a for a in get_args(annotation) if a is not type(None)]
        optional = len(args) < len(get_args(annotation))
        if len(args) == 1:
            return args[0], optional
        raise TypeError(f"cannot derive a CLI option from {annotation!r}")
    return annotation, False


def _click_type(annotation: Any, extra: Mapping[str, Any]) -> click.ParamType[Any]:
    import click

    if extra.get("choices"):
        return click.Choice(list(extra["choices"]))
    if get_origin(annotation) is Literal:
        return click.Choice([str(a) for a in get_args(annotation)])
    simple: dict[Any, click.ParamType[Any]] = {
        int: click.INT,
        float: click.FLOAT,
        str: click.STRING,
        Path: click.Path(path_type=Path),
    }
    if annotation in simple:
        return simple[annotation]
    raise TypeError(f"cannot derive a CLI option from {annotation!r}")


def option_for(name: str, info: FieldInfo) -> click.Option:
    """The click option of one field (see the module docstring for the rules)."""
    import click

    extra = cli_extra(info)
    annotation, _ = _unwrap(info.annotation)  # X | None: None is simply the default
    default = field_default(info)
    required = default is PydanticUndefined
    names = [*([extra["short"]] if "short" in extra else []), flag_name(name)]
    kwargs: dict[str, Any] = {
        "help": info.description,
        "metavar": extra.get("metavar"),
        "required": required,
    }
    if not required:
        kwargs["default"] = default
        kwargs["show_default"] = not (default is None or default is False or default in ([], ()))
    if annotation is bool:
        if extra.get("flag") or default is True:
            names[-1] = f"{names[-1]}/--no-{names[-1][2:]}"
        kwargs["is_flag"] = True
        kwargs.pop("metavar")
        return click.Option([*names, name], **kwargs)
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        if extra.get("separator"):
            kwargs["type"] = click.STRING
            if not required and default is not None:
                kwargs["default"] = extra["separator"].join(default) or None
                kwargs["show_default"] = bool(default)
        else:
            if extra.get("multiple", True) is False:
                raise TypeError(f"{name}: a list option that is not multiple needs a separator")
            kwargs["type"] = _click_type(item, extra)
            kwargs["multiple"] = True
            kwargs["default"] = tuple(default) if default else ()
        return click.Option([*names, name], **kwargs)
    kwargs["type"] = _click_type(annotation, extra)
    return click.Option([*names, name], **kwargs)


def click_options(model: type[StageOptions], *, exclude: tuple[str, ...] = ()) -> Callable[[F], F]:
    """A decorator adding one click option per field of ``model``, in field order."""

    def decorate(fn: F) -> F:
        params = getattr(fn, "__click_params__", [])
        # click lists decorator-added params in reverse; append ours reversed to keep field order
        for name, info in reversed(list(model.model_fields.items())):
            if public_name(name, info) not in exclude:
                params.append(option_for(public_name(name, info), info))
        fn.__click_params__ = params  # type: ignore[attr-defined]
        return fn

    return decorate


def stage_kwargs(
    model: type[StageOptions], params: dict[str, Any], *, pop: bool = True
) -> dict[str, Any]:
    """The stage function's keyword arguments from click's parsed ``params``: every field of
    ``model`` found there (removed from ``params`` with ``pop``), repeatable options as lists,
    separated strings split, an empty repeatable option as the field's default."""
    kwargs: dict[str, Any] = {}
    for field, info in model.model_fields.items():
        name = public_name(field, info)
        if name not in params:
            continue
        value = params.pop(name) if pop else params[name]
        annotation, _ = _unwrap(info.annotation)
        if get_origin(annotation) is list:
            extra = cli_extra(info)
            if extra.get("separator") and isinstance(value, str):
                value = [v.strip() for v in value.split(extra["separator"]) if v.strip()]
            elif isinstance(value, tuple):
                value = list(value)
            if not value:
                default = field_default(info)
                value = None if default is None else list(default or [])
        kwargs[name] = value
    return kwargs


__all__ = [
    "CLI_KEYS",
    "StageOptions",
    "cli_extra",
    "click_options",
    "field_default",
    "flag_name",
    "option_for",
    "public_name",
    "stage_kwargs",
    "usage_error",
]
