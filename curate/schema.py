"""Declarative domain schemas (schemas/*.toml) and their Pydantic models.

A schema says, without code, how raw files of one domain become records: which source columns
feed which fields (with alternative names), their types, which are required, how rows assemble
into threads (a *layout* per kind of input file), and how a record renders to training examples
(*tasks*, Jinja2 templates). Unknown keys are errors naming the file and key.
"""

from __future__ import annotations

import difflib
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from curate.errors import CurateError, SchemaError
from curate.user_regex import compile_user

FieldType = Literal["string", "int", "float", "bool", "datetime", "list[string]"]
Side = Literal["user", "assistant", "context", "none"]
Role = Literal["user", "assistant", "system"]
LayoutKind = Literal[
    "rows",
    "thread_rows",
    "dialog_list",
    "document_sections",
    "wide_rows",
    # a repository folder (curate/ingest/repo.py): one record per definition, section or file
    "python_ast",
    "doc_headings",
    "source_files",
    "tree_sitter",  # JS/TS/Go/Rust/Java through tree-sitter grammars (layouts/code_ts.py)
]
REPO_KINDS = ("python_ast", "doc_headings", "source_files", "tree_sitter")
NormalizeStep = Literal[
    "html", "quotes", "signature", "handles", "agent_signature", "personal_urls"
]
ChannelStep = Literal[
    "handles", "agent_signature", "continuations", "personal_urls", "link_standins", "archive_links"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Strict):
    """One field of a record: where it comes from and what it must be."""

    type: FieldType = "string"
    sources: list[str] = Field(default_factory=list)
    required: bool = False
    default: Any = None
    text: bool = False
    side: Side = "none"
    normalize: list[NormalizeStep] = Field(default_factory=list)
    # code and docs with code blocks: indentation is meaning, so only line ends, control
    # characters and trailing spaces are normalized (no space runs collapsed)
    verbatim: bool = False
    description: str = ""


class Layout(_Strict):
    """How one kind of input file maps to records; chosen per file by the columns it has."""

    name: str
    kind: LayoutKind = "rows"
    match: list[str] = Field(default_factory=list)
    fields: dict[str, list[str]] = Field(default_factory=dict)
    required: list[str] | None = None
    # thread_rows: one message per row, grouped into a conversation
    group_by: str | None = None
    id_column: str | None = None
    reply_to: str | None = None
    order_by: str | None = None
    role_column: str | None = None
    roles: dict[str, Role] = Field(default_factory=dict)
    default_role: Role | None = None
    content_column: str | None = None
    # dialog_list: each row holds a list of turns
    turns_path: str | None = None
    content_key: str = "message"
    role_key: str | None = None
    role_keys: dict[str, Role] = Field(default_factory=dict)
    append_turns: dict[str, Role] = Field(default_factory=dict)
    # support channels (curate/ingest/channel.py): clean-up steps for the turns, who wrote each
    # message, and which messages are not conversation (agent actions, internal notes)
    channel: list[ChannelStep] = Field(default_factory=list)
    author_column: str | None = None  # thread_rows: the column naming a message's author
    author_key: str | None = None  # dialog_list: the item key (or dotted path) of its author
    customer_path: str | None = None  # dialog_list: the row's customer id; others' items: agent
    company_from_author: bool = False  # company (a brand name) from the agent's author
    prepend_turns: dict[str, Role] = Field(default_factory=dict)
    skip_roles: list[str] = Field(default_factory=list)  # role values that are not turns
    skip_when: dict[str, str | bool | int] = Field(default_factory=dict)  # item key -> value
    # document_sections: one document per row, split into sections
    text_column: str = "text"
    section_pattern: str | None = None
    min_section_chars: int = 200
    max_section_chars: int = 8000
    title_field: str | None = None
    # document_sections, wide_rows: page furniture (regexes) cut out of the text before it is
    # split or its spans matched (curate/ingest/layouts/furniture.py)
    furniture: list[str] = Field(default_factory=list)
    # wide_rows: one row holds many labelled values (one column per label) -> a record per cell;
    # document_sections: value_field names the field a section's text goes to (default
    # clause_text where the schema has it, else text)
    label_field: str | None = None
    value_field: str | None = None
    answer_field: str | None = None
    pair_suffix: str = "-Answer"
    skip_columns: list[str] = Field(default_factory=list)
    # wide_rows, document_sections: the leakage group is this field's value as a file-name key
    # (``layouts/labels.file_key``), so a contract's clause rows and its text share one group
    group_key: str | None = None

    @field_validator("section_pattern")
    @classmethod
    def _regex_compiles(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                compile_user(v)  # the engine mapping runs it with (time-bounded)
            except ValueError as exc:
                raise ValueError(f"invalid regex: {exc}") from exc
        return v

    @field_validator("furniture")
    @classmethod
    def _furniture_compiles(cls, v: list[str]) -> list[str]:
        for i, pattern in enumerate(v):
            try:
                compile_user(pattern)
            except ValueError as exc:
                raise ValueError(f"invalid regex (item {i + 1}): {exc}") from exc
        return v

    @model_validator(mode="after")
    def _kind_needs(self) -> Layout:
        need: dict[str, list[str]] = {
            "thread_rows": ["content_column"],
            "dialog_list": ["turns_path"],
            "wide_rows": ["label_field", "value_field"],
        }
        for key in need.get(self.kind, []):
            if getattr(self, key) is None:
                raise ValueError(f"layout '{self.name}' of kind {self.kind} needs '{key}'")
        if self.kind == "thread_rows" and not (self.group_by or (self.id_column and self.reply_to)):
            raise ValueError(
                f"layout '{self.name}' needs 'group_by' or both 'id_column' and 'reply_to'"
            )
        return self


class SpanLabels(_Strict):
    """CUAD-style span annotation (a wide table: one column of quoted spans per category, an
    empty list where the contract has no such clause) turned into a multi-label task.

    ``categories`` maps the table's risk columns to the names the answers use; ``metadata``
    columns (names, dates, governing law) feed a value-extraction field instead. Sections of a
    contract's text are labelled from its row of the table found by ``annotations`` (a glob
    relative to the text file's folder), matched by file-name key on ``key_column``."""

    field: str
    categories: dict[str, str]
    metadata: list[str] = Field(default_factory=list)
    value_type_field: str | None = None
    annotations: str | None = None
    key_column: str = "Filename"
    negative_ratio: float = Field(default=1.0, ge=0)
    none_answer: str = "None"
    max_quote_chars: int = Field(default=400, ge=40)


class Task(_Strict):
    """How a record renders to one training example."""

    name: str
    system: str | None = None
    user: str = ""
    assistant: str = ""
    conversation: bool = False
    requires: list[str] = Field(default_factory=list)
    # how `curate eval` scores this task's answers: names from curate/eval/metrics.py
    metrics: list[str] = Field(default_factory=list)
    description: str = ""
    # exported only when named in export's `tasks` (a variant a user opts into)
    optional: bool = False
    # policy-grounded replies: the team's policy text, as `{{ policy }}` in the templates; a
    # file is read relative to the schema file's folder, then the working directory
    policy: str | None = None
    policy_file: str | None = None

    @model_validator(mode="after")
    def _has_templates(self) -> Task:
        if not self.conversation and not (self.user and self.assistant):
            raise ValueError(f"task '{self.name}' needs 'user' and 'assistant' templates")
        return self


# Columns every record has (ingest/records.parquet, docs/workspace.md): a field of the same
# name would be overwritten by ingest's own value without a word, so a schema may not use one.
RECORD_COLUMNS = frozenset(
    {
        "record_id", "source", "source_file", "source_line", "n_rows", "schema", "layout",
        "group", "turns", "text", "content_hash", "language", "language_score", "pii",
    }
)  # fmt: skip


class Schema(_Strict):
    """A domain: fields, layouts for its input files, and tasks for its training examples."""

    name: str
    description: str = ""
    version: int = 1
    fields: dict[str, FieldSpec]
    layouts: list[Layout] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    group_field: str | None = None
    stratify: str | None = None
    timestamp_field: str | None = None
    max_record_chars: int = 1_000_000
    labels: SpanLabels | None = None
    # GLOB=SPLIT: the splits the sources published (export's source_splits, when not given)
    source_splits: list[str] = Field(default_factory=list)
    # the rule pack ingest uses when neither --rules nor the config names one (issue 18: a
    # clinical or contracts run on the default pack kept HIPAA identifiers / mangled parties);
    # a built-in pack name, "none", or a pack file relative to this schema file
    rules: str | None = None
    source_path: str | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _references_exist(self) -> Schema:
        names = set(self.fields)
        taken = sorted(names & RECORD_COLUMNS)
        if taken == ["text"] and [n for n, f in self.fields.items() if f.text] == ["text"]:
            taken = []  # the only text field: the record's joined text is this field's text
        if taken:
            raise ValueError(
                f"field '{taken[0]}' has the name of a column every record has "
                f"({', '.join(sorted(RECORD_COLUMNS))}); rename it, e.g. '{taken[0]}_value'"
            )
        for attr in ("group_field", "stratify", "timestamp_field"):
            ref = getattr(self, attr)
            if ref is not None and ref not in names:
                raise ValueError(f"'{attr}' names unknown field '{ref}'")
        for layout in self.layouts:
            for fname in layout.fields:
                if fname not in names:
                    raise ValueError(f"layout '{layout.name}' maps unknown field '{fname}'")
            for attr in ("title_field", "label_field", "value_field", "answer_field"):
                ref = getattr(layout, attr)
                if ref is not None and ref not in names:
                    raise ValueError(f"layout '{layout.name}' {attr} names unknown field '{ref}'")
            for fname in layout.required or []:
                if fname not in names:
                    raise ValueError(f"layout '{layout.name}' requires unknown field '{fname}'")
        for task in self.tasks:
            for fname in task.requires:
                if fname not in names and fname != "turns":
                    raise ValueError(f"task '{task.name}' requires unknown field '{fname}'")
        if not self.layouts:
            object.__setattr__(self, "layouts", [Layout(name="rows")])
        return self

    @model_validator(mode="after")
    def _label_refs_exist(self) -> Schema:
        refs = [(f"layout '{lay.name}' group_key", lay.group_key) for lay in self.layouts]
        if self.labels is not None:
            refs += [("labels.field", self.labels.field)]
            refs += [("labels.value_type_field", self.labels.value_type_field)]
        for where, ref in refs:
            if ref is not None and ref not in self.fields:
                raise ValueError(f"{where} names unknown field '{ref}'")
        return self

    @property
    def stratify_default(self) -> str | None:
        return self.stratify

    def required_fields(self, layout: Layout) -> list[str]:
        if layout.required is not None:
            return list(layout.required)
        return [n for n, f in self.fields.items() if f.required]

    def text_fields(self) -> dict[str, str]:
        """Text columns in schema order, mapped to their side of a training example."""
        return {name: spec.side for name, spec in self.fields.items() if spec.text}

    def sources_for(self, field: str, layout: Layout) -> list[str]:
        """Candidate source columns for ``field`` in ``layout``: the layout's override, then the
        field's own alternatives, then the field name itself. An empty list in the layout
        (``fields = { category = [] }``) means the field has no source in files of that layout
        (an Intercom "type" is the object's type, not a ticket category)."""
        if field in layout.fields and not layout.fields[field]:
            return []
        cands = list(layout.fields.get(field, [])) + list(self.fields[field].sources) + [field]
        return list(dict.fromkeys(cands))


# -- loading -----------------------------------------------------------------------------------

BUILTIN_PACKAGE = "curate.builtin"


def _builtin_dir() -> Path:
    return Path(str(resources.files("curate") / "builtin" / "schemas"))


def builtin_schemas() -> dict[str, Path]:
    return {p.stem: p for p in sorted(_builtin_dir().glob("*.toml"))}


def format_validation_error(path: str, exc: ValidationError) -> str:
    """One readable line per problem: file, dotted key, what was wrong."""
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        lines.append(f"{path}: {loc}: {msg}")
    return "\n".join(lines)


def resolve_builtin(
    name_or_path: str | Path, builtins: dict[str, Path], kind: str, error: type[CurateError]
) -> Path:
    """A built-in file by name, or a path to the user's own; a miss suggests the closest name."""
    key = str(name_or_path)
    if key in builtins:
        return builtins[key]
    path = Path(key)
    if not path.is_file():
        close = difflib.get_close_matches(key, list(builtins), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise error(
            f"{kind} '{key}' is neither a built-in {kind} nor a file",
            hint=f"{hint}built-in {kind}s: {', '.join(builtins)}",
        )
    return path


def parse_toml(path: Path, error: type[SchemaError] | Any = SchemaError) -> dict[str, Any]:
    """A schema or rule-pack file's TOML; unreadable, non-UTF-8 or invalid TOML is ``error``
    naming the file (and for bad bytes the line, column and offset)."""
    from curate.config import read_utf8

    try:
        text = read_utf8(path, error)
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: invalid TOML: {exc}") from exc


def load_schema(name_or_path: str | Path) -> Schema:
    """Load a built-in schema by name, or a schema file by path."""
    path = resolve_builtin(name_or_path, builtin_schemas(), "schema", SchemaError)
    data = parse_toml(path)
    try:
        schema = Schema.model_validate(data)
    except ValidationError as exc:
        raise SchemaError(format_validation_error(str(path), exc)) from exc
    object.__setattr__(schema, "source_path", str(path))
    _read_policies(schema, path)
    _resolve_rules(schema, path)
    return schema


def _resolve_rules(schema: Schema, path: Path) -> None:
    """The schema's ``rules`` as a built-in pack name, "none", or the pack file's path (the
    schema file's folder first, then ingest's original folder, then the working directory);
    anything else is a SchemaError naming the file and key, before any input is read."""
    ref = schema.rules
    if ref is None or ref.lower() == "none":
        return
    packs = sorted(p.stem for p in (_builtin_dir().parent / "rules").glob("*.toml"))
    if ref in packs:
        return
    where = [path.parent / ref, *_ingest_schema_dirs(path, ref), Path(ref)]
    found = next((p for p in where if p.is_file()), None)
    if found is not None:
        object.__setattr__(schema, "rules", str(found.resolve()))
        return
    if path.name == "schema.toml" and path.parent.name == "ingest":
        return  # ingest's own copy, whose pack already ran: a moved pack file breaks no later stage
    close = difflib.get_close_matches(ref, packs, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise SchemaError(
        f"{path}: rules: unknown rule pack '{ref}' (neither a built-in pack nor a file)",
        hint=f"{hint}built-in packs: {', '.join(packs)}, or 'none', or a pack .toml file "
        "relative to the schema file",
    )


def _read_policies(schema: Schema, path: Path) -> None:
    """Each task's ``policy_file`` read into its ``policy`` (the schema file's folder first, then
    the working directory, since ingest keeps a copy of the schema in the workspace)."""
    for i, task in enumerate(schema.tasks):
        if not task.policy_file:
            continue
        where = [
            path.parent / task.policy_file,
            path.parent / "policies" / task.policy_file,  # ingest's copy, beside its schema copy
            *_ingest_schema_dirs(path, task.policy_file),
        ]
        where.append(Path(task.policy_file))
        found = next((p for p in where if p.is_file()), None)
        if found is None:
            raise SchemaError(
                f"{path}: tasks.{i}.policy_file: policy file '{task.policy_file}' not found "
                f"(looked in {path.parent} and the working directory)",
                hint="give a path relative to the schema file, or an absolute path",
            )
        text = parse_policy(found)
        object.__setattr__(task, "policy", text)


def _ingest_schema_dirs(path: Path, name: str) -> list[Path]:
    """For the copy of a schema that ingest keeps (WORKSPACE/ingest/schema.toml): ``name`` in
    the folder of the schema file ingest was given, as its stage log records it."""
    log = path.parent.parent / "stages.jsonl"
    if path.name != "schema.toml" or path.parent.name != "ingest" or not log.is_file():
        return []
    import json

    found: list[Path] = []
    for line in log.read_text("utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        original = (
            (entry.get("config") or {}).get("schema_file") if isinstance(entry, dict) else None
        )
        if entry.get("stage") == "ingest" and original:
            found = [Path(original).parent / name]
    return found


def parse_policy(path: Path) -> str:
    """A policy file's text (UTF-8, surrounding blank lines trimmed); empty is an error."""
    from curate.config import read_utf8

    text = read_utf8(path, SchemaError).strip()
    if not text:
        raise SchemaError(f"policy file {path} is empty", hint="write the team's policy in it")
    return text


def load_workspace_schema(workspace: Any) -> Schema:
    """The schema ingest used, from the copy it keeps in the workspace."""
    from curate.workspace import Workspace

    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    ws.require("ingest")
    return load_schema(ws.stage_dir("ingest") / "schema.toml")


def schema_text(name_or_path: str | Path) -> str:
    schema = load_schema(name_or_path)
    assert schema.source_path is not None
    return Path(schema.source_path).read_text("utf-8")
