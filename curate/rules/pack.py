"""Rule packs (rules/*.toml): Pydantic models and loading by built-in name or path.

A pack is data a user can read and change: quality thresholds, a language allow-list and the
PII detectors with a redaction style. Unknown keys, unknown rule names and regexes the engine
cannot compile are ``RulesError`` naming the file and the key (or the rule).
"""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import polars as pl
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from curate.errors import RulesError
from curate.schema import format_validation_error, parse_toml, resolve_builtin

Side = Literal["user", "assistant", "context"]
ALL_SIDES: tuple[Side, ...] = ("user", "assistant", "context")
RedactionStyle = Literal["placeholder", "pseudonym", "surrogate", "drop"]
LangBackend = Literal["fasttext", "langdetect"]

# Order matters: a record is filtered by the first rule (in this order) that it fails.
QUALITY_RULES = (
    "assistant_nonempty",
    "assistant_not_copy",
    "min_chars",
    "max_chars",
    "min_words",
    "max_words",
    "min_mean_word_length",
    "max_mean_word_length",
    "min_alpha_ratio",
    "max_symbol_ratio",
    "max_url_ratio",
    "max_repeated_line_fraction",
    "max_repeated_ngram_fraction",
    "boilerplate",
    "placeholders",
)

PII_TYPES = (
    "email",
    "url",
    "user",
    "age",
    "ip",
    "card",
    "ssn",
    "date",
    "phone",
    "mrn",
    "account",
    "order",
    "license",
    "vehicle",
    "device",
    "address",
    "zip",
    "person",
)

DEFAULT_BOILERPLATE = [
    "this is an automated message",
    "this is an automatic reply",
    "auto-reply",
    "automatic reply",
    "out of office",
    "out of the office",
    "do not reply to this",
    "please do not reply",
    "this message was sent from",
    "sent from my iphone",
    "sent from my android",
    "sent from my samsung",
    "unsubscribe from this list",
    "lorem ipsum",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_regex(pattern: str, where: str) -> str:
    """Compile with the engine that will run it (Polars, Rust regex) so errors show at load."""
    try:
        pl.Series([""]).str.contains(pattern)
    except Exception as exc:  # polars raises ComputeError with the regex parser's message
        lines = [ln.strip() for ln in str(exc).splitlines()]
        why = next(
            (ln[len("error: ") :] for ln in lines if ln.startswith("error: ")),
            lines[0] if lines else "",
        )
        raise ValueError(f"{where}: invalid regex {pattern!r}: {why}") from exc
    return pattern


class QualityRules(_Strict):
    """Thresholds per text field; defaults suit chat data, where short turns are normal."""

    min_chars: int = 1
    max_chars: int = 50_000
    min_words: int = 1
    max_words: int = 10_000
    min_mean_word_length: float = 1.0
    max_mean_word_length: float = 25.0
    min_alpha_ratio: float = 0.2
    max_symbol_ratio: float = 0.3
    max_url_ratio: float = 0.7
    max_repeated_line_fraction: float = 0.5
    max_repeated_ngram_fraction: float = 0.5
    ngram_size: int = Field(default=3, ge=1, le=10)
    min_words_for_ratios: int = Field(
        default=3, ge=0, description="ratio and repetition rules skip fields shorter than this"
    )
    boilerplate_phrases: list[str] = Field(default_factory=lambda: list(DEFAULT_BOILERPLATE))
    extra_boilerplate_phrases: list[str] = Field(default_factory=list)
    placeholder_pattern: str = r"\{\{?\s*[a-z][a-z0-9]*(?:_[a-z0-9]+)+\s*\}\}?|\{\{\s*\w+\s*\}\}"
    disable: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> QualityRules:
        for name in self.disable:
            if name not in QUALITY_RULES:
                close = difflib.get_close_matches(name, QUALITY_RULES, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise ValueError(f"unknown rule '{name}' in disable{hint}")
        check_regex(self.placeholder_pattern, "placeholder_pattern")
        return self

    def enabled(self) -> list[str]:
        return [r for r in QUALITY_RULES if r not in self.disable]

    def phrases(self) -> list[str]:
        return [*self.boilerplate_phrases, *self.extra_boilerplate_phrases]


class FilterRule(_Strict):
    """A custom filter: records whose text (on the given sides) matches ``pattern`` are dropped."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    pattern: str
    sides: list[Side] = Field(default_factory=lambda: list(ALL_SIDES))
    description: str = ""

    @model_validator(mode="after")
    def _regex(self) -> FilterRule:
        check_regex(self.pattern, f"rule '{self.name}'")
        return self


class LanguageRules(_Strict):
    """Language ID: which backend, which languages pass, when to say ``unknown``."""

    backend: LangBackend = "fasttext"
    allow: list[str] = Field(default_factory=list, description="empty: every language passes")
    allow_unknown: bool = True
    min_score: float = Field(default=0.4, ge=0, le=1)
    min_letters: int = Field(default=12, ge=0, description="texts with fewer letters are 'unknown'")
    max_chars: int = Field(
        default=100,
        ge=20,
        description="detect on this many leading characters (cost grows with it)",
    )


class CustomDetector(_Strict):
    """A custom PII type: ``before`` and ``after`` are kept context, ``pattern`` is redacted."""

    type: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    pattern: str
    before: str = ""
    after: str = ""
    # a Python check each find must pass to count: "secret" (curate.rules.secrets.secret_ok);
    # "name": a person's name, also redacted wherever else its record writes it (a signature's
    # "/s/ Jane Doe" and the "Name: Jane Doe" under it), unless the record uses every word of
    # it as a role (curate.rules.pii.terms)
    check: Literal["secret", "name"] | None = None

    @model_validator(mode="after")
    def _regex(self) -> CustomDetector:
        for part in (self.before, self.pattern, self.after):
            check_regex(part, f"rule '{self.type}'")
        check_regex(f"({self.before})({self.pattern})({self.after})", f"rule '{self.type}'")
        return self


RoleKind = Literal["organisation", "defined", "determiner"]


def _default_role_evidence() -> list[RoleKind]:
    return ["organisation", "defined"]


class PiiRules(_Strict):
    """Which PII/PHI types to find and how to redact them."""

    style: RedactionStyle = "placeholder"
    # surrogate: the draws of fake names, numbers and each record's date offset start here
    seed: int = 0
    types: list[str] = Field(default_factory=lambda: [t for t in PII_TYPES if t != "vehicle"])
    name_list: bool = True
    extra_names: list[str] = Field(default_factory=list)
    not_names: list[str] = Field(default_factory=list)
    month_day_dates: bool = False
    lowercase_names: bool = False
    # phone numbers in ranges only businesses are given (toll-free, freephone: a helpline an
    # agent gives) stay as text (curate.rules.pii.business); off: every number is redacted
    business_phones: bool = False
    custom: list[CustomDetector] = Field(default_factory=list)
    # evidence from the whole run (curate.rules.pii.corpus): a census surname found alone in at
    # least this many records (and this share of them) is a brand or term, no person alone;
    # 0: off (ingest reads its input once more when on)
    corpus_min_records: int = Field(default=0, ge=0)
    corpus_min_share: float = Field(default=0.005, ge=0, le=1)
    # a name whose every word its record uses as a role is no person (curate.rules.pii.terms):
    # part of an organisation's name ("Fox Mobile Entertainment, Inc."), a defined term in
    # quotes ('(the "Company")'), after a determiner ("the Field", "such Parent": legal text
    # only; in prose "the Jensen novel" names a person). Empty: off
    role_evidence: list[RoleKind] = Field(default_factory=_default_role_evidence)
    # words no record's name may consist of alone, unless the record itself uses them as a
    # person's ("Mr. Fox"): the corpus pass (on with corpus_min_records) adds the words the run
    # uses as roles in at least corpus_role_records records, and in five times as many as it
    # uses them as a person's name (curate.rules.pii.corpus)
    terms: list[str] = Field(default_factory=list)
    corpus_role_records: int = Field(default=1, ge=1)

    @field_validator("types")
    @classmethod
    def _check(cls, types: list[str]) -> list[str]:
        """An unknown type is an error at its key (``pii.types``), not ignored."""
        for t in types:
            if t not in PII_TYPES:
                close = difflib.get_close_matches(t, PII_TYPES, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise ValueError(f"unknown PII type '{t}'{hint}; known: {', '.join(PII_TYPES)}")
        return types


class RulePack(_Strict):
    """A whole rule pack, as read from one TOML file."""

    name: str
    description: str = ""
    quality: QualityRules = QualityRules()
    filters: list[FilterRule] = Field(default_factory=list)
    language: LanguageRules = LanguageRules()
    pii: PiiRules = PiiRules()
    source_path: str | None = Field(default=None, exclude=True)
    # the files this pack ``extends``, nearest first: part of what made a run (provenance)
    extends_paths: list[str] = Field(default_factory=list, exclude=True)

    def rule_names(self) -> list[str]:
        """Every rule that can filter or change a record, in the order they are applied."""
        names = [*self.quality.enabled(), *(f.name for f in self.filters), "language"]
        if self.pii.style == "drop":
            names.append("pii_drop")
        names += [f"redact_{t}" for t in self.pii.types] + [
            f"redact_{c.type}" for c in self.pii.custom
        ]
        return names


def _builtin_dir() -> Path:
    return Path(str(resources.files("curate") / "builtin" / "rules"))


def builtin_packs() -> dict[str, Path]:
    return {p.stem: p for p in sorted(_builtin_dir().glob("*.toml"))}


def load_rule_pack(name_or_path: str | Path) -> RulePack:
    """Load a built-in pack by name (``default``, ``strict``, ``clinical``) or a pack file."""
    if isinstance(name_or_path, RulePack):
        return name_or_path
    path = resolve_builtin(name_or_path, builtin_packs(), "rule pack", RulesError)
    bases: list[Path] = []
    data = _pack_data(path, [], bases)
    data.setdefault("name", path.stem)
    try:
        pack = RulePack.model_validate(data)
    except ValidationError as exc:
        raise RulesError(format_validation_error(str(path), exc)) from exc
    object.__setattr__(pack, "source_path", str(path))
    object.__setattr__(pack, "extends_paths", [str(b) for b in bases])
    return pack


def _pack_data(path: Path, seen: list[Path], bases: list[Path]) -> dict[str, Any]:
    """A pack file's TOML, on top of the pack it ``extends`` (a built-in name, or a path relative
    to this file): tables merge key by key, anything else replaces the base's value, so a pack
    can change one setting ("style") and follow the built-in pack for the rest."""
    data = parse_toml(path, RulesError)
    base_name = data.pop("extends", None)
    if base_name is None:
        return data
    if not isinstance(base_name, str):
        raise RulesError(f"{path}: extends: expected a pack name or path, got {base_name!r}")
    if path.resolve() in seen or len(seen) > 8:
        chain = " -> ".join(str(p) for p in [*seen, path.resolve()])
        raise RulesError(f"{path}: extends: packs extend each other in a loop ({chain})")
    packs = builtin_packs()
    base_path = packs[base_name] if base_name in packs else path.parent / base_name
    if not base_path.is_file():
        raise RulesError(
            f"{path}: extends: '{base_name}' is neither a built-in rule pack nor a file",
            hint=f"built-in rule packs: {', '.join(packs)}; a path is relative to {path.parent}",
        )
    bases.append(base_path)
    base = _pack_data(base_path, [*seen, path.resolve()], bases)
    base.pop("name", None)
    base.pop("description", None)
    return _merged(base, data)


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = value
    return out


def pack_text(name_or_path: str | Path) -> str:
    pack = load_rule_pack(name_or_path)
    assert pack.source_path is not None
    return Path(pack.source_path).read_text("utf-8")
