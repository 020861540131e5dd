"""The codebase layouts: Python through ``ast`` (python_ast), docs split at headings with code
blocks intact (doc_headings), other files whole (source_files)."""

from __future__ import annotations

import textwrap

import pytest

from curate.ingest.layouts import LayoutMapper, mapper_for
from curate.ingest.layouts.code import module_name, python_definitions
from curate.ingest.layouts.docs import question_for, split_doc
from curate.schema import load_schema

PY = textwrap.dedent(
    '''\
    """Module doc."""
    import os

    API_URL = "https://api.example.org"


    class Store(Base, metaclass=Meta):
        """A store."""

        @property
        def size(self, extra: int = 2,
                 *, strict: bool = False) -> int:
            """How many keys.

            Returns:
                The count.
            """
            if strict:
                return len(self._d)
            return len(self._d) + extra

        def todo(self) -> None:
            """Later."""
            raise NotImplementedError

        def bare(self):
            ...


    class NoDoc:
        def helper(self):
            return 1


    @overload
    def f(x: int) -> int: ...


    def f(x):
        """Identity."""
        def inner():
            return x
        return inner()
    '''
)


def defs() -> dict[str, dict[str, object]]:
    return {str(v["qualname"]): v for _, v in python_definitions(PY, "pkg.mod")}


def test_signature_of_a_def_over_several_lines() -> None:
    src = "def f(\n    a,\n    b: int = 1\n) -> str:\n    return a\n"
    ((_, values),) = [d for d in python_definitions(src, "m") if d[1]["kind"] == "function"]
    assert values["signature"] == "(a, b: int = 1) -> str"


def test_python_definitions_names_signatures_and_docstrings() -> None:
    got = defs()
    assert list(got) == [
        "pkg.mod",
        "pkg.mod.Store",
        "pkg.mod.Store.size",
        "pkg.mod.Store.todo",
        "pkg.mod.NoDoc.helper",
        "pkg.mod.f",
    ]  # no record: NoDoc (no docstring), Store.bare (nothing), the @overload stub, inner
    assert got["pkg.mod.Store"]["signature"] == "(Base, metaclass=Meta)"
    size = got["pkg.mod.Store.size"]
    # as written (ast.unparse would give "extra: int=2"), on one line
    assert size["signature"] == "(self, extra: int = 2, *, strict: bool = False) -> int"
    assert size["docstring"] == "How many keys.\n\nReturns:\n    The count."
    assert size["kind"] == "method" and got["pkg.mod.f"]["kind"] == "function"


def test_code_is_the_source_without_docstring_and_stub_is_signature_plus_docstring() -> None:
    got = defs()
    assert got["pkg.mod.Store.size"]["code"] == textwrap.dedent(
        """\
        @property
        def size(self, extra: int = 2,
                 *, strict: bool = False) -> int:
            if strict:
                return len(self._d)
            return len(self._d) + extra"""
    )
    assert got["pkg.mod.Store.size"]["stub"] == textwrap.dedent(
        '''\
        @property
        def size(self, extra: int = 2,
                 *, strict: bool = False) -> int:
            """How many keys.

            Returns:
                The count.
            """'''
    )
    # implement-from-spec's answer: the stub shows the decorator, the answer does not repeat it
    assert (
        got["pkg.mod.Store.size"]["implementation"]
        == str(got["pkg.mod.Store.size"]["code"])[len("@property\n") :]
    )
    assert got["pkg.mod.Store.todo"]["code"] is None  # raise NotImplementedError: nothing to learn
    assert "def inner():" in str(got["pkg.mod.f"]["code"])  # nested functions stay in the parent


def test_module_record_keeps_top_level_statements() -> None:
    module = defs()["pkg.mod"]
    assert module["docstring"] == "Module doc."
    assert module["content"] == 'import os\nAPI_URL = "https://api.example.org"'


@pytest.mark.parametrize(
    ("rel", "name"),
    [
        ("src/click/core.py", "click.core"),
        ("httpx/__init__.py", "httpx"),
        ("tests/test_a.py", "tests.test_a"),
        ("typings/mod.pyi", "typings.mod"),
    ],
)
def test_module_name(rel: str, name: str) -> None:
    assert module_name(rel) == name


def _mapper(kind: str) -> LayoutMapper:
    schema = load_schema("codebase")
    layout = next(lay for lay in schema.layouts if lay.kind == kind)
    return mapper_for(schema, layout, {}, "f")


def test_python_mapper_one_row_per_file_and_rejects() -> None:
    mapper = _mapper("python_ast")
    row = {"text": PY, "path": "src/pkg/mod.py", "project": "pkg", "language": "python"}
    cands = list(mapper.map_row(row, 1, "src/pkg/mod.py"))
    assert [c.n_rows for c in cands] == [1] + [0] * (len(cands) - 1)  # the file is one row
    assert {c.line for c in cands} == {1}  # the accounting unit; the def's line is in the locator
    assert cands[2].locator == "src/pkg/mod.py:11::pkg.mod.Store.size"
    assert {c.group for c in cands} == {"file:src/pkg/mod.py"}  # one split per file
    bad = list(mapper.map_row({**row, "text": "def f(:\n"}, 1, "x.py"))
    assert len(bad) == 1 and bad[0].error is not None and bad[0].error[0] == "syntax_error"
    empty = list(mapper.map_row({**row, "text": "# only a comment\n"}, 1, "x.py"))
    assert empty[0].error is not None and empty[0].error[0] == "no_definitions"


MD = textwrap.dedent(
    """\
    # Project

    Intro paragraph that is long enough.

    ## Install

    Install it from the index, then check:

    ```console
    $ pip install proj
    # not a heading: a shell comment inside a fence
    ```

    Setext title
    ------------

    Under a setext heading, with enough words here.
    """
)


def test_markdown_headings_outside_fences_only() -> None:
    secs = split_doc(MD, "markdown")
    assert [s.title for s in secs] == ["Project", "Install", "Setext title"]
    install = secs[1]
    assert install.trail == ["Project"]
    assert "# not a heading: a shell comment inside a fence" in install.body
    assert install.blocks[0][0] == "Install it from the index, then check:"
    assert install.blocks[0][1].startswith("```console\n$ pip install proj")


RST = textwrap.dedent(
    """\
    .. _guide:

    =====
    Guide
    =====

    Top text of the guide, long enough.

    Codecs
    ======

    Choose one with the ``codec`` argument of :class:`proj.Store`::

        store = Store(codec=Raw())

    Own codec
    ---------

    Subclass it:

    .. code-block:: python
        :linenos:

        class Upper(Codec):
            pass

    Expiry
    ======

    Keys expire.
    """
)


def test_rst_sections_levels_and_code_as_fenced_markdown() -> None:
    secs = split_doc(RST, "rst")
    assert [(s.title, s.trail) for s in secs] == [
        ("Guide", []),
        ("Codecs", ["Guide"]),
        ("Own codec", ["Guide", "Codecs"]),
        ("Expiry", ["Guide"]),
    ]
    codecs = secs[1].body
    # roles and double backticks are Markdown code, "text::" is "text:" then the block
    assert codecs == (
        "Choose one with the `codec` argument of `proj.Store`:\n\n"
        "```python\nstore = Store(codec=Raw())\n```"
    )
    own = secs[2]
    assert own.blocks[0][1] == "```python\nclass Upper(Codec):\n    pass\n```"  # no :linenos:
    assert "_guide" not in secs[0].body  # link targets are markup, not text


def test_short_sections_merge_and_long_ones_split_between_blocks() -> None:
    doc = "# A\n\n" + "\n\n".join(f"paragraph {i} " + "x" * 50 for i in range(6))
    secs = split_doc(doc + "\n\n# B\n\nshort", "markdown", min_chars=20, max_chars=200)
    assert [s.title for s in secs] == ["A", "A (continued)", "A (continued)"]
    assert all(len(s.body) <= 200 for s in secs)
    assert secs[-1].body.endswith("**B**\nshort")  # B was short: it joins the one before


def test_question_for_headings() -> None:
    assert question_for("How do I connect?", [], "p") == "How do I connect?"
    assert question_for("Why asyncio", [], "p") == "Why asyncio?"
    assert (
        question_for("Timeouts", ["Advanced"], "httpx")
        == 'What does the httpx documentation say about "Timeouts" (in "Advanced")?'
    )


def test_docs_mapper_section_records_with_usage_example() -> None:
    mapper = _mapper("doc_headings")
    row = {"text": MD, "path": "README.md", "project": "proj", "language": "markdown"}
    cands = list(mapper.map_row(row, 1, "README.md"))
    assert [c.n_rows for c in cands] == [1, 0, 0]
    install = cands[1].values
    assert (
        install["question"]
        == 'What does the proj documentation say about "Install" (in "Project")?'
    )
    assert install["section_text"].startswith("Install it from the index")
    assert install["prose"] == "Install it from the index, then check:"
    assert install["example"].startswith("```console")
    assert "example" not in cands[0].values  # no code block, no usage example
    banner = '<div align="center"><img src="logo.svg" alt=""></div>\n\n# Proj\n\nProj does one thing and does it well, with a long intro.\n'
    only = list(mapper.map_row({**row, "text": banner}, 1, "README.md"))
    assert [c.values["title"] for c in only] == ["Proj"]  # the markup-only banner is no section


def test_source_files_mapper_keeps_the_file_whole() -> None:
    mapper = _mapper("source_files")
    row = {"text": "a = 1\n", "path": "cfg/x.toml", "project": "p", "language": "toml"}
    (cand,) = mapper.map_row(row, 1, "cfg/x.toml")
    assert cand.values["content"] == "a = 1\n" and cand.values["kind"] == "file"
    assert cand.values["code_language"] == "toml"


MYST = textwrap.dedent(
    """\
    # Options

    ```{contents}
    ---
    depth: 1
    ---
    ```

    ```{currentmodule} click
    ```

    Options are added with a decorator, as in this example:

    ```{eval-rst}
    .. click:example::

        @click.command()
        @click.option('--n', default=1)
        def dots(n):
            click.echo('.' * n)
    ```

    ```{versionadded} 2.0
    Flags may have a secondary name.
    ```

    ```{code-block} python
    :caption: app.py

    import click
    ```
    """
)


def test_myst_directives_rst_inside_code_and_text() -> None:
    (sec,) = split_doc(MYST, "markdown")
    assert sec.body == (
        "Options are added with a decorator, as in this example:\n\n"
        "```python\n@click.command()\n@click.option('--n', default=1)\ndef dots(n):\n"
        "    click.echo('.' * n)\n```\n\n"
        "New in version 2.0.\nFlags may have a secondary name.\n\n"
        "```python\nimport click\n```"
    )  # no {contents} front matter, no currentmodule, no :caption:
    assert sec.blocks[0][0] == "Options are added with a decorator, as in this example:"


def test_changelog_versions_ask_what_changed() -> None:
    assert (
        question_for("Version 8.1.5", [], "click", "CHANGES.md") == "What changed in click 8.1.5?"
    )
    assert question_for("0.28.0 (28th Nov 2024)", [], "httpx", "CHANGELOG.md") == (
        "What changed in httpx 0.28.0?"
    )
    assert question_for("Version 2", [], "p", "docs/guide.md").startswith("What does the p")


def test_rst_containers_keep_their_code_and_plumbing_goes() -> None:
    doc = textwrap.dedent(
        """\
        Exit
        ====

        To access the exit code:

        .. tabs::

            .. group-tab:: Bash

                .. code-block:: bash

                    $ echo $?

        .. note::
           Be careful.

        .. toctree::
           :maxdepth: 2

           api
        """
    )
    (sec,) = split_doc(doc, "rst")
    assert sec.body == (
        "To access the exit code:\n\n**Bash**\n\n```bash\n$ echo $?\n```\n\n**Note:**\n\nBe careful."
    )
    assert sec.blocks[0][1] == "```bash\n$ echo $?\n```"
