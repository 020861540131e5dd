"""Per-record validation against a schema's field types, a column of a batch at a time.

Raw values arrive as strings (CSV), JSON values or Parquet values; pydantic coerces them to the
field's type or the record is rejected with reason ``bad_type`` naming the field and value.
Columns that are already strings, and plain ISO dates, take a vectorized path to the same result.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Annotated, Any

import polars as pl
from pydantic import BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationError

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
        try:  # epoch seconds, or milliseconds when that large; beyond year 9999 is no date
            seconds = float(value) / (1000 if value > 1e11 else 1)
            parsed = dt.datetime.fromtimestamp(seconds, dt.UTC)
        except (OverflowError, OSError, ValueError):
            # pydantic turns only ValueError into a validation error (a bad_type reject)
            raise ValueError(f"epoch time {value!r:.40} out of range") from None
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
    "int": (Annotated[int, Field(ge=-(2**63), le=2**63 - 1)], _to_int),  # Int64, not null
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
def _column_adapter(ftype: str) -> TypeAdapter[Any]:
    """Validates one column of a batch (a list of raw values) in one pydantic-core call."""
    py_type, before = _TYPES[ftype]
    # Strings: pydantic-core coerces numbers without a Python hook; blanks become nulls later,
    # in the normalization pass.
    item: Any = (
        str | None if ftype == "string" else Annotated[py_type | None, BeforeValidator(before)]
    )
    return TypeAdapter(list[item], config=ConfigDict(coerce_numbers_to_str=True))


# ISO dates and times without a zone, the common export format: parsed in Polars with exactly
# fromisoformat's result (naive taken as UTC); anything else goes through parse_datetime.
_ISO_PLAIN = (
    r"^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"(?:[ T](?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d)?$"
)  # no leap seconds: Polars takes :60, fromisoformat does not


def _fast_datetimes(raw: pl.Series) -> pl.Series:
    """Plain ISO strings parsed in Polars; null where a string is not one (or not a valid date)."""
    text = raw.str.strip_chars()
    iso = text.str.contains(_ISO_PLAIN).fill_null(False)
    full = text.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False)
    tee = text.str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us", strict=False)
    day = text.str.to_datetime("%Y-%m-%d", time_unit="us", strict=False)
    parsed = pl.select(
        pl.when(pl.lit(iso)).then(pl.coalesce(pl.lit(full), pl.lit(tee), pl.lit(day)))
    ).to_series()
    return parsed.dt.replace_time_zone("UTC")


def _string_column(values: list[Any]) -> pl.Series | None:
    """The column as a String Series when every value already is a string (or None)."""
    try:
        return pl.Series(values, dtype=pl.String(), strict=True)
    except (TypeError, OverflowError, pl.exceptions.PolarsError):  # an int over 64 bits
        return None


def validate_columns(
    schema: Schema, rows: list[dict[str, Any]]
) -> tuple[dict[str, pl.Series], dict[int, str]]:
    """Validate ``rows`` column by column; returns typed columns and row index -> message.

    A row with a bad value is reported once, for its first bad field in schema order; its slot
    in every column is null and the caller drops it. Columns that are already strings (CSV)
    skip Python entirely; dates in plain ISO form are parsed in Polars.
    """
    raw = {name: [row.get(name) for row in rows] for name in schema.fields}
    return validate_raw_columns(schema, raw)


def validate_raw_columns(
    schema: Schema, raw: dict[str, list[Any]]
) -> tuple[dict[str, pl.Series], dict[int, str]]:
    """``validate_columns`` for values already in columns: ``raw[field]`` holds one value per
    row (every field of the schema, all of one length)."""
    problems: dict[int, str] = {}
    columns: dict[str, pl.Series] = {}
    for name, spec in schema.fields.items():
        values = raw[name]
        dtype = POLARS_TYPES[spec.type]
        strings = _string_column(values) if spec.type in ("string", "datetime") else None
        if spec.type == "string" and strings is not None:
            columns[name] = strings.alias(name)
            continue
        todo: Sequence[int] = range(len(values))
        parsed: list[Any] = [None] * len(values)
        if strings is not None:  # datetime strings: most parse in Polars
            fast = _fast_datetimes(strings)
            pending = (fast.is_null() & strings.is_not_null()).arg_true().to_list()
            if not pending:
                columns[name] = fast.alias(name)
                continue
            todo = pending
            parsed = fast.to_list()
        adapter = _column_adapter(spec.type)
        subset = [values[i] for i in todo]
        try:
            checked = adapter.validate_python(subset)
        except ValidationError as exc:
            bad: dict[int, None] = {}
            for err in exc.errors():
                loc = err["loc"]
                if loc and isinstance(loc[0], int):
                    bad.setdefault(loc[0])
            for j in bad:
                i = todo[j]
                if i not in problems:
                    shown = repr(values[i])[:60]
                    problems[i] = f"field '{name}': expected {spec.type}, got {shown}"
            good = [j for j in range(len(subset)) if j not in bad]
            checked_good = adapter.validate_python([subset[j] for j in good]) if good else []
            checked = [None] * len(subset)
            for j, v in zip(good, checked_good, strict=True):
                checked[j] = v
        for j, i in enumerate(todo):
            parsed[i] = checked[j]
        columns[name] = pl.Series(name, parsed, dtype=dtype, strict=False)
    return columns, dict(sorted(problems.items()))
