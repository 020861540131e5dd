"""Rule pack loading: built-ins, user files, and errors that name the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from curate.errors import RulesError
from curate.rules import QUALITY_RULES, RulePack, builtin_packs, load_rule_pack

DATA = Path(__file__).parent / "data" / "rules"


def test_builtin_packs_load() -> None:
    assert set(builtin_packs()) >= {"default", "strict", "clinical"}
    for name in builtin_packs():
        pack = load_rule_pack(name)
        assert isinstance(pack, RulePack) and pack.name == name
    assert load_rule_pack("strict").language.allow == ["en"]
    assert load_rule_pack("clinical").pii.month_day_dates


def test_clinical_covers_safe_harbor_types() -> None:
    types = set(load_rule_pack("clinical").pii.types)
    assert types >= {
        "person",
        "address",
        "zip",
        "date",
        "phone",
        "email",
        "ssn",
        "mrn",
        "account",
        "license",
        "vehicle",
        "device",
        "url",
        "ip",
    }


def test_custom_pack_from_path() -> None:
    pack = load_rule_pack(DATA / "custom.toml")
    assert pack.filters[0].name == "no_lorem"
    assert "placeholders" not in pack.quality.enabled()
    assert pack.rule_names()[-1] == "redact_employee_id"


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "pack.toml"
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[quality]\nmin_charz = 3\n", "quality.min_charz: unknown key"),
        ("colour = 1\n", "colour: unknown key"),
        (
            '[quality]\ndisable = ["min_chars", "max_symbols"]\n',
            "unknown rule 'max_symbols' in disable",
        ),
        ('[pii]\ntypes = ["emial"]\n', "unknown PII type 'emial' (did you mean 'email'?)"),
        (
            '[pii]\nstyle = "blur"\n',
            "pii.style: Input should be 'placeholder', 'pseudonym', 'surrogate' or 'drop'",
        ),
        (
            '[[filters]]\nname = "bad_one"\npattern = "(unclosed"\n',
            "rule 'bad_one': invalid regex '(unclosed': unclosed group",
        ),
        ('[[pii.custom]]\ntype = "emp"\npattern = "[z-a]"\n', "rule 'emp': invalid regex"),
        ("name = [\n", "invalid TOML"),
    ],
)
def test_bad_packs_name_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(RulesError) as err:
        load_rule_pack(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)
    assert err.value.exit_code == 2


def test_unknown_pack_name_suggests() -> None:
    with pytest.raises(RulesError, match="rule pack 'defualt' is neither") as err:
        load_rule_pack("defualt")
    assert err.value.hint is not None and "did you mean 'default'" in err.value.hint


def test_rule_order_is_documented_order() -> None:
    names = load_rule_pack("default").rule_names()
    assert names[: len(QUALITY_RULES)] == list(QUALITY_RULES)
    assert names.index("language") < names.index("redact_email")


def test_a_pack_extends_another_and_changes_one_setting(tmp_path: Path) -> None:
    """`extends = "default"`: tables merge key by key, so one line changes the style and the
    rest follows the built-in pack."""
    from curate.errors import RulesError
    from curate.rules import load_rule_pack

    mine = tmp_path / "mine.toml"
    mine.write_text('extends = "default"\n[pii]\nstyle = "surrogate"\nseed = 7\n')
    pack, base = load_rule_pack(mine), load_rule_pack("default")
    assert pack.name == "mine" and pack.pii.style == "surrogate" and pack.pii.seed == 7
    assert pack.pii.types == base.pii.types and pack.quality == base.quality
    # a relative base, two levels deep
    (tmp_path / "child.toml").write_text('extends = "mine.toml"\n[quality]\nmin_words = 4\n')
    child = load_rule_pack(tmp_path / "child.toml")
    assert child.pii.style == "surrogate" and child.quality.min_words == 4
    loop = tmp_path / "loop.toml"
    loop.write_text('extends = "loop.toml"\n')
    with pytest.raises(RulesError, match="extend each other in a loop"):
        load_rule_pack(loop)
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "defualt"\n')
    with pytest.raises(RulesError) as exc:
        load_rule_pack(bad)
    assert str(exc.value).startswith(
        f"{bad}: extends: 'defualt' is neither a built-in rule pack nor a file"
    )
