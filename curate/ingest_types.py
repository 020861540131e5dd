"""Per-record validation: a Pydantic model built from a schema's fields.

Raw values arrive as strings (CSV), JSON values or Parquet values; the model coerces them to the
field's type or the record is rejected with reason ``bad_type`` naming the field and value.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from functools import lru_cache
from typing import Annotated, Any

import polars as pl
from pydantic import BeforeValidator, ConfigDict, TypeAdapter, ValidationError, with_config
from typing_extensions import TypedDict

from curate.schema import FieldSpec, Schema

_DATE_FORMATS = (
    "%a %b %d %H:%M:%S %z %Y",  # Twitter: Wed Oct 04 13:59:33 +0000 2017
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
)


def parse_datetime(value: Any) -> dt.datetime:
    """Parse the date formats exports use; naive times are taken as UTC."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value) / (1000 if value > 1e11 else 1)
        parsed = dt.datetime.fromtimestamp(seconds, dt.UTC)
    else:
        text = str(value).strip()
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            for fmt in _DATE_FORMATS:
                try:
                    parsed = dt.datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
            else:
                raise ValueError(f"unrecognised date/time {text[:40]!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def parse_datetime_or_none(value: Any) -> dt.datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_datetime(value)
    except (ValueError, OverflowError, OSError):
        return None


def _blank_to_none(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _to_str(value: Any) -> Any:
    value = _blank_to_none(value)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float | bool):
        return str(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _to_int(value: Any) -> Any:
    value = _blank_to_none(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if re.fullmatch(r"[+-]?\d+(?:\.0+)?", text):
            return int(float(text)) if "." in text else int(text)
    return value


def _to_float(value: Any) -> Any:
    value = _blank_to_none(value)
    if isinstance(value, str):
        return value.strip().replace(",", "") if re.fullmatch(r"[\d,.+\-eE ]+", value) else value
    return value


def _to_datetime(value: Any) -> Any:
    value = _blank_to_none(value)
    return None if value is None else parse_datetime(value)


def _to_list(value: Any) -> Any:
    value = _blank_to_none(value)
    if value is None or isinstance(value, list):
        return value if value is None else [str(v) for v in value if _blank_to_none(v) is not None]
    text = str(value).strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
            if isinstance(items, list):
                return [str(v).strip() for v in items if str(v).strip()]
        except json.JSONDecodeError:
            pass
    return [part.strip() for part in re.split(r"[;,|]", text) if part.strip()]


_TYPES: dict[str, tuple[Any, Any]] = {
    "string": (str, _to_str),
    "int": (int, _to_int),
    "float": (float, _to_float),
    "bool": (bool, _blank_to_none),
    "datetime": (dt.datetime, _to_datetime),
    "list[string]": (list[str], _to_list),
}

POLARS_TYPES: dict[str, pl.DataType] = {
    "string": pl.String(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "bool": pl.Boolean(),
    "datetime": pl.Datetime("us", "UTC"),
    "list[string]": pl.List(pl.String()),
}


def polars_type(spec: FieldSpec) -> pl.DataType:
    return POLARS_TYPES[spec.type]


@lru_cache(maxsize=32)
def _batch_adapter_for(key: str, fields: tuple[tuple[str, str], ...]) -> TypeAdapter[Any]:
    defs: dict[str, Any] = {}
    for name, ftype in fields:
        py_type, before = _TYPES[ftype]
        if ftype == "string":
            # Strings are the common case: let pydantic-core coerce numbers without a Python hook;
            # blanks become nulls later, in the column pass.
            defs[name] = str | None
        else:
            defs[name] = Annotated[py_type | None, BeforeValidator(before)]
    row_type: Any = TypedDict(f"Row_{key}", defs, total=False)  # type: ignore[misc]
    configured: Any = with_config(ConfigDict(coerce_numbers_to_str=True, extra="ignore"))(row_type)
    return TypeAdapter(list[configured])


def batch_adapter(schema: Schema) -> TypeAdapter[Any]:
    """Validates a whole batch of records in one pydantic-core call."""
    return _batch_adapter_for(schema.name, tuple((n, f.type) for n, f in schema.fields.items()))


def validate_batch(
    adapter: TypeAdapter[Any], schema: Schema, rows: list[dict[str, Any]]
) -> tuple[list[dict[str, Any] | None], dict[int, str]]:
    """Validate ``rows``; returns the coerced rows (None where invalid) and index -> message."""
    problems: dict[int, str] = {}
    try:
        return list(adapter.validate_python(rows)), problems
    except ValidationError as exc:
        for err in exc.errors():
            loc = err["loc"]
            if not loc or not isinstance(loc[0], int) or loc[0] in problems:
                continue
            name = str(loc[1]) if len(loc) > 1 else "?"
            ftype = schema.fields[name].type if name in schema.fields else "?"
            shown = repr(rows[loc[0]].get(name))[:60]
            problems[loc[0]] = f"field '{name}': expected {ftype}, got {shown}"
    keep = [i for i in range(len(rows)) if i not in problems]
    valid = adapter.validate_python([rows[i] for i in keep]) if keep else []
    out: list[dict[str, Any] | None] = [None] * len(rows)
    for i, row in zip(keep, valid, strict=True):
        out[i] = row
    return out, problems
