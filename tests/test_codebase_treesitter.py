"""The ``tree_sitter`` layout: JavaScript, TypeScript (TSX), Go, Rust and Java files parsed into the
records Python's ``ast`` path makes (signature as written, doc comment as the docstring, body),
grammar-less files and unparseable files as rejects with a reason, and the codebase tasks on them."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import curate
from curate.ingest.layouts import mapper_for
from curate.ingest.layouts.code_ts import ts_definitions
from curate.ingest.layouts.ts_languages import LANGS, lang_for, parser_for
from curate.ingest.repo import walk_repository
from curate.schema import load_schema
from tests.conftest import SAMPLE


def defs(language: str, src: str, rel: str = "src/m.x", project: str = "proj") -> dict[str, Any]:
    pytest.importorskip(LANGS[language].module)
    text = textwrap.dedent(src)
    return {
        v["qualname"]: v for _, v in ts_definitions(text, lang_for(language, rel), rel, project)
    }


JS = """\
    /**
     * @fileoverview Key helpers.
     */
    import fs from "node:fs";

    /**
     * Joins two keys.
     *
     * @param {string} a first
     * @returns {string}
     */
    export function join(a, b = "/") {
      return a + b;
    }

    function undocumented(x) {
      return x * 2;
    }

    /** Doubles. */
    const twice = (x) => x * 2;

    class Store extends Base {
      /** The size. */
      get size() {
        return this.n;
      }

      /** Not yet. */
      later() {}
    }
    """


def test_javascript_signature_doc_body_and_methods() -> None:
    got = defs("javascript", JS, rel="src/keys.js")
    assert list(got) == [
        "keys",
        "keys.join",
        "keys.undocumented",
        "keys.twice",
        "keys.Store.size",
        "keys.Store.later",
    ]
    join = got["keys.join"]
    assert join["kind"] == "function"
    assert join["signature"] == '(a, b = "/")'
    assert join["docstring"] == "Joins two keys.\n\n@param {string} a first\n@returns {string}"
    assert join["code"] == 'export function join(a, b = "/") {\n  return a + b;\n}'
    assert join["stub"].endswith('*/\nexport function join(a, b = "/")')
    assert got["keys"]["docstring"] == "Key helpers."  # @fileoverview: the module's doc
    assert got["keys"]["content"] == 'import fs from "node:fs";'
    assert got["keys.undocumented"]["docstring"] is None  # no doc: code only (as in Python)
    assert got["keys.twice"]["signature"] == "(x)"
    assert got["keys.twice"]["code"] == "const twice = (x) => x * 2;"
    size = got["keys.Store.size"]
    assert (size["kind"], size["docstring"], size["code"]) == (
        "method",
        "The size.",
        "get size() {\n  return this.n;\n}",
    )  # dedented out of the class
    assert got["keys.Store.later"]["code"] is None  # empty body: nothing to implement
    assert "keys.Store" not in got  # an undocumented class has nothing of its own


def test_typescript_and_tsx() -> None:
    ts = """\
        /** Retry settings. */
        export interface Policy<T> extends Base {
          /** Tries. */
          tries(): number;
        }

        /** Overload. */
        export function parse(x: string): number;
        export function parse(x: any): number {
          return Number(x);
        }

        export abstract class Shape {
          /** Area in square units. */
          abstract area(): number;
        }
        """
    got = defs("typescript", ts, rel="lib/policy.ts")
    assert got["policy.Policy"]["kind"] == "type"
    assert got["policy.Policy"]["signature"] == "<T> extends Base"
    assert got["policy.Policy.tries"]["kind"] == "method"
    assert got["policy.Policy.tries"]["signature"] == "(): number"
    assert got["policy.Policy.tries"]["code"] is None  # a signature: api_reference only
    # an overload signature with a doc comment is api_reference material; the undocumented
    # implementation after it has code only (the dict keeps the last record of the name)
    assert got["policy.parse"]["signature"] == "(x: any): number"
    assert got["policy.parse"]["docstring"] is None
    assert got["policy.Shape.area"]["docstring"] == "Area in square units."
    tsx = """\
        /** A badge. */
        export const Badge = ({ up }: { up: boolean }) => <b>{up ? "on" : "off"}</b>;
        """
    badge = defs("typescript", tsx, rel="ui/Badge.tsx")["ui.Badge.Badge"]
    assert badge["code"].startswith("export const Badge = ({ up }: { up: boolean }) => <b>")
    assert badge["docstring"] == "A badge."


def test_go_comments_directly_above_receivers_and_groups() -> None:
    go = """\
        // Copyright 2024 The Authors.

        // Package kv stores keys.
        package kv

        import "errors"

        // Store holds values.
        type Store struct {
        \tm map[string]string
        }

        //go:noinline
        // Get returns the value of key.
        // It errors when there is none.
        func (s *Store) Get(key string) (string, error) {
        \tv, ok := s.m[key]
        \tif !ok {
        \t\treturn "", errors.New("missing")
        \t}
        \treturn v, nil
        }

        // a comment with a blank line after it is no doc

        func New() *Store { return &Store{m: map[string]string{}} }

        type (
        \t// ID names a key.
        \tID string
        \tOther int
        )

        func todo() { panic("not implemented") }
        """
    got = defs("go", go, rel="kv/store.go")
    assert list(got) == ["kv", "kv.Store", "kv.Store.Get", "kv.New", "kv.ID"]
    assert got["kv"]["docstring"] == "Package kv stores keys."  # not the licence header
    get = got["kv.Store.Get"]
    assert get["kind"] == "method"
    assert get["signature"] == "(key string) (string, error)"
    assert get["docstring"] == "Get returns the value of key.\nIt errors when there is none."
    assert get["code"].startswith("func (s *Store) Get(key string) (string, error) {\n\tv, ok")
    assert got["kv.New"]["docstring"] is None
    assert got["kv.ID"]["docstring"] == "ID names a key."


def test_rust_doc_comments_attributes_impl_and_trait() -> None:
    rs = """\
        //! Wire codecs.

        /// A codec.
        pub trait Codec {
            /// Encodes.
            fn encode(&self, v: &str) -> Vec<u8>;
        }

        pub struct Raw;

        impl Codec for Raw {
            /// Bytes as they are.
            #[inline]
            fn encode(&self, v: &str) -> Vec<u8> {
                v.as_bytes().to_vec()
            }
        }

        // not a doc comment
        fn helper() -> u8 {
            todo!()
        }
        """
    got = defs("rust", rs, rel="wire/src/codec.rs")
    assert got["wire::codec"]["docstring"] == "Wire codecs."
    assert got["wire::codec::Codec"]["kind"] == "type"
    assert got["wire::codec::Codec::encode"]["code"] is None  # no body in the trait
    raw = got["wire::codec::Raw::encode"]
    assert raw["signature"] == "(&self, v: &str) -> Vec<u8>"
    assert raw["docstring"] == "Bytes as they are."
    assert raw["code"].startswith("#[inline]\nfn encode(")  # the attribute: in code and stub
    assert raw["implementation"].startswith("fn encode(")  # not in the answer
    assert raw["stub"] == (
        "/// Bytes as they are.\n#[inline]\nfn encode(&self, v: &str) -> Vec<u8>"
    )
    assert "wire::codec::helper" not in got  # no doc and only todo!(): nothing to learn


def test_java_javadoc_nested_classes_and_enums() -> None:
    java = """\
        package org.kv;

        /** A store. */
        public class Store<K> extends Base implements Closeable {
            /**
             * Reads a key.
             * @param key the key
             */
            @Override
            public String get(K key) throws IOException {
                return map.get(key);
            }

            public Store() { }

            /** Kinds. */
            enum Kind {
                A, B;
                /** Its label. */
                String label() { return name(); }
            }
        }
        """
    got = defs("java", java, rel="src/main/java/org/kv/Store.java")
    store = got["org.kv.Store"]
    assert (store["kind"], store["signature"]) == ("class", "<K> extends Base implements Closeable")
    get = got["org.kv.Store.get"]
    assert get["signature"] == "(K key) throws IOException"
    assert get["docstring"] == "Reads a key.\n@param key the key"
    assert get["code"].startswith("@Override\npublic String get(K key)")
    assert got["org.kv.Store.Kind.label"]["docstring"] == "Its label."
    assert "org.kv.Store.Store" not in got  # an empty undocumented constructor


def test_broken_declarations_go_to_module_content_and_the_rest_is_kept() -> None:
    src = """\
        /** Good. */
        function good(a) {
          return a + 1;
        }

        /** Broken. */
        function broken(a {
          return a +;
        }

        /** Also good. */
        function alsoGood() { return 2; }
        """
    got = defs("javascript", src, rel="a.js")
    assert list(got) == ["a", "a.good", "a.alsoGood"]
    assert "function broken(a {" in got["a"]["content"]  # no line lost (secrets redacted there)


def _mapper() -> Any:
    schema = load_schema("codebase")
    layout = next(lay for lay in schema.layouts if lay.kind == "tree_sitter")
    return mapper_for(schema, layout, {}, "f")


def test_a_file_mostly_made_of_errors_is_a_syntax_error_reject() -> None:
    pytest.importorskip("tree_sitter_javascript")
    row = {"text": "}}} not %% js @@ ((( <<<\n", "path": "w/x.js", "project": "p"}
    (cand,) = _mapper().map_row({**row, "language": "javascript"}, 1, "w/x.js")
    assert cand.error == (
        "syntax_error",
        "w/x.js: not valid javascript (96% of the file does not parse, from line 1)",
    )


def test_a_language_without_an_installed_grammar_is_a_no_grammar_reject(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parser_for.cache_clear()
    monkeypatch.setitem(sys.modules, "tree_sitter_go", None)  # import fails: not installed
    try:
        row = {"text": "package x\n", "path": "x/a.go", "project": "p", "language": "go"}
        (cand,) = _mapper().map_row(row, 1, "x/a.go")
    finally:
        parser_for.cache_clear()
    assert cand.error == (
        "no_grammar",
        "x/a.go: a go file, and the go grammar is not installed: "
        "pip install 'curate[code]' (or tree-sitter-go)",
    )


def test_repository_walk_routes_languages_to_tree_sitter(tmp_path: Path) -> None:
    for name in ("a.js", "b.tsx", "c.go", "d.rs", "E.java", "f.c", "g.toml"):
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    kinds = {f.rel: (f.kind, f.language) for f in walk_repository(tmp_path, [])}
    assert kinds == {
        "a.js": ("tree_sitter", "javascript"),
        "b.tsx": ("tree_sitter", "typescript"),
        "c.go": ("tree_sitter", "go"),
        "d.rs": ("tree_sitter", "rust"),
        "E.java": ("tree_sitter", "java"),
        "f.c": ("source_files", "c"),  # no grammar wheel used for C: read whole
        "g.toml": ("source_files", "toml"),
    }


@pytest.fixture(scope="module")
def fixture_examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Any]]:
    """The sample repository ingested and exported (dedupe off), examples per task."""
    for lang in ("javascript", "go"):
        pytest.importorskip(LANGS[lang].module)
    base = tmp_path_factory.mktemp("ts")
    shutil.copytree(SAMPLE / "codebase", base / "tinykv")
    ws = base / "ws"
    curate.ingest([str(base / "tinykv")], schema="codebase", workspace=ws, rules="code")
    curate.export(ws, out=str(ws / "export"), metadata=True, val_fraction=0.0)
    out: dict[str, list[Any]] = {}
    for path in sorted((ws / "export").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            row = json.loads(line)
            out.setdefault(row["metadata"]["id"].rsplit(":", 1)[1], []).append(row["messages"])
    return out


def _pairs(examples: list[Any]) -> dict[str, str]:
    return {e[1]["content"]: e[2]["content"] for e in examples}


def test_fixture_exports_api_reference_for_a_js_and_a_go_function(
    fixture_examples: dict[str, list[Any]],
) -> None:
    api = _pairs(fixture_examples["api_reference"])
    assert api["What does `clients.js.client.keyUrl(host, key)` do?"].startswith(
        "Builds the URL of a key on a tinykv server.\n\n@param {string} host"
    )
    assert api["What does `tinykv.Client.Get(key string) ([]byte, error)` do?"] == (
        "Get returns the value stored under key, or an error when the\nserver does not answer 200."
    )
    assert (
        api["What is the type `tinykv_rs::Codec`?"] == "A codec turns values into bytes and back."
    )
    impl = _pairs(fixture_examples["implement_from_spec"])
    go = impl[
        "Implement `tinykv.NewClient` in `clients/go/client.go`:\n\n```go\n"
        "// NewClient returns a client for the server at host.\n"
        "func NewClient(host string) *Client\n```"
    ]
    assert go == (
        "```go\nfunc NewClient(host string) *Client {\n"
        "\treturn &Client{Host: host, http: &http.Client{}}\n}\n```"
    )
    explain = _pairs(fixture_examples["explain_code"])
    java = next(k for k in explain if "Client.java" in k and "clear()" in k)
    assert "```java\npublic void clear() {" in java
    assert explain[java] == "Forgets every cached value."


def test_compiled_output_with_a_source_map_line_is_a_generated_file(tmp_path: Path) -> None:
    """A package's dist/ (compiled JavaScript, .d.ts) repeats its source's doc comments under
    other names: it ends with a sourceMappingURL line, and is a generated_file reject."""
    from curate.ingest.repo import read_repo_file

    repo = tmp_path / "pkg"
    (repo / "dist").mkdir(parents=True)
    (repo / "src").mkdir()
    (repo / "dist" / "a.js").write_text(
        "/** Adds. */\nfunction add(a, b) { return a + b; }\n//# sourceMappingURL=a.js.map\n",
        encoding="utf-8",
    )
    (repo / "src" / "a.ts").write_text(
        "/** Adds. */\nexport function add(a: number, b: number) { return a + b; }\n"
        'const s = "//# sourceMappingURL=not-at-a-line-start";\n',
        encoding="utf-8",
    )
    layout = next(lay for lay in load_schema("codebase").layouts if lay.kind == "tree_sitter")
    got = {}
    for f in walk_repository(repo, []):
        (batch,) = read_repo_file(f.path, layout, {"@rel": f.rel, "@root": str(repo),
                                                   "@kind": f.kind, "@language": f.language},
                                  max_chars=10_000)  # fmt: skip
        got[f.rel] = [(r.reason, r.message) for r in batch.rejects] or "row"
    assert got == {
        "dist/a.js": [
            ("generated_file", "dist/a.js: generated file ('//# sourceMappingURL=a.js.map')")
        ],
        "src/a.ts": "row",
    }


def test_jsdoc_bookkeeping_tags_go_and_a_doc_without_description_is_none() -> None:
    from curate.ingest.layouts.ts_languages import clean_doc

    lodash = "/**\n * Splits.\n *\n * @static\n * @memberOf _\n * @since 3.0.0\n * @param {Array} a it\n */"
    assert clean_doc([lodash], "jsdoc") == "Splits.\n\n@param {Array} a it"
    assert clean_doc(["/** @param x A function\n * run first. */"], "jsdoc") is None
    assert clean_doc(["/** {@inheritDoc} */"], "jsdoc") is None
    assert clean_doc(["/// @param-like text is prose in Rust\n"], "rust") == (
        "@param-like text is prose in Rust"
    )


def test_rust_where_clause_signature_has_no_trailing_comma() -> None:
    rs = """\
        /// Downcasts.
        pub fn downcast<E>(&self) -> Option<&E>
        where
            E: Display + 'static,
        {
            None
        }
        """
    got = defs("rust", rs, rel="src/lib.rs", project="anyhow")
    assert got["anyhow::downcast"]["signature"] == (
        "<E>(&self) -> Option<&E> where E: Display + 'static"
    )


def test_a_schema_without_a_tree_sitter_layout_reads_those_files_whole(tmp_path: Path) -> None:
    """A codebase schema written before the tree_sitter layout keeps its behaviour: JS, Go, ...
    files are one ``file`` record each (source_files), not ``unsupported_file`` rejects."""
    import polars as pl

    text = Path(str(load_schema("codebase").source_path)).read_text("utf-8")
    block = '[[layouts]]\nname = "code"\nkind = "tree_sitter"\nrequired = ["path", "qualname"]\n'
    assert block in text
    schema = tmp_path / "old.toml"
    schema.write_text(text.replace(block, ""), encoding="utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "a.js").write_text("/** Adds. */\nfunction add(a, b) { return a + b; }\n", "utf-8")
    ws = tmp_path / "ws"
    curate.ingest([str(repo)], schema=str(schema), workspace=ws, rules="code")
    records = pl.read_parquet(ws / "ingest" / "records.parquet")
    assert records.select("path", "kind", "code_language").rows() == [
        ("a.js", "file", "javascript")
    ]
