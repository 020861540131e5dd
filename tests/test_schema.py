from __future__ import annotations

from pathlib import Path

import pytest

from curate.errors import SchemaError
from curate.schema import builtin_schemas, load_schema


def test_builtins_load() -> None:
    assert set(builtin_schemas()) >= {"tickets", "contracts", "clinical_notes"}
    for name in builtin_schemas():
        schema = load_schema(name)
        assert schema.tasks, name
        assert schema.text_fields(), name


def test_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('name = "x"\ncolour = "red"\n[fields.body]\ntype = "string"\nbogus = 1\n')
    with pytest.raises(SchemaError) as exc:
        load_schema(path)
    msg = str(exc.value)
    assert f"{path}: colour: unknown key" in msg
    assert f"{path}: fields.body.bogus: unknown key" in msg


def test_bad_type_and_bad_reference(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('name = "x"\nstratify = "nope"\n[fields.body]\ntype = "text"\n')
    with pytest.raises(SchemaError) as exc:
        load_schema(path)
    assert "fields.body.type" in str(exc.value)


def test_unknown_schema_name_suggests() -> None:
    with pytest.raises(SchemaError) as exc:
        load_schema("ticket")
    assert "did you mean 'tickets'?" in str(exc.value)


def test_invalid_section_regex(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        'name = "x"\n[fields.text]\ntext = true\n[[layouts]]\nname = "d"\n'
        'kind = "document_sections"\nsection_pattern = "(["\n'
    )
    with pytest.raises(SchemaError, match="invalid regex"):
        load_schema(path)


def test_field_named_like_a_record_column_is_refused(tmp_path: Path) -> None:
    """A field called "language" or "text" was silently overwritten by language ID or the joined
    text; the schema says so instead, naming the file."""
    path = tmp_path / "s.toml"
    path.write_text(
        'name = "x"\n[fields.body]\ntype = "string"\n[fields.language]\ntype = "string"\n'
    )
    with pytest.raises(SchemaError) as exc:
        load_schema(path)
    msg = str(exc.value)
    assert str(path) in msg
    assert "field 'language' has the name of a column every record has" in msg
    assert "rename it, e.g. 'language_value'" in msg


def test_a_lone_text_field_may_be_called_text(tmp_path: Path) -> None:
    """The joined text of a record is its one text field's text, so nothing is overwritten;
    beside another text field, "text" would be replaced by the two joined."""
    ok = tmp_path / "ok.toml"
    ok.write_text('name = "x"\n[fields.text]\ntype = "string"\ntext = true\n')
    assert list(load_schema(ok).fields) == ["text"]
    two = tmp_path / "two.toml"
    two.write_text(
        'name = "x"\n[fields.text]\ntype = "string"\ntext = true\n'
        '[fields.answer]\ntype = "string"\ntext = true\nside = "assistant"\n'
    )
    with pytest.raises(SchemaError, match="field 'text' has the name of a column every record"):
        load_schema(two)
