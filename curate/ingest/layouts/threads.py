"""``thread_rows`` layouts: one row per message; messages are grouped into threads (by a group
column, or by following reply-to links to the root), ordered, and assembled into turns (curate/ingest/channel.py: one author per turn, the layout's
channel clean-up steps). Threads can span the whole file, so candidates come only from
``finish``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any, ClassVar

from curate.ingest.channel import (
    Message,
    apply_meta,
    assemble,
    midway_error,
    split_by_customer,
)
from curate.ingest.layouts.base import ColumnIndex, LayoutMapper, text_of
from curate.ingest.layouts.candidate import Candidate, raw_preview
from curate.schema import Layout, Schema


class ThreadMapper(LayoutMapper):
    """Holds every row of the file, then yields one candidate per thread."""

    kind: ClassVar[str] = "thread_rows"
    needs_whole_file: ClassVar[bool] = True

    def __init__(
        self,
        schema: Schema,
        layout: Layout,
        mapping: dict[str, str],
        file: str,
        required: tuple[str, ...] = (),
    ) -> None:
        super().__init__(schema, layout, mapping, file, required)
        self._pending: list[tuple[int, str, dict[str, Any]]] = []

    def feed(
        self, rows: list[dict[str, Any]], lines: list[int], locators: list[str]
    ) -> Iterator[Candidate]:
        """Nothing yet: the rows wait for ``finish`` (lazily, as the caller iterates)."""
        self._pending.extend(zip(lines, locators, rows, strict=True))
        yield from ()

    def finish(self) -> Iterator[Candidate]:
        yield from self._threads()
        self._pending = []

    def _threads(self) -> Iterator[Candidate]:
        lay = self.layout
        index = ColumnIndex(self._pending[0][2].keys()) if self._pending else ColumnIndex([])
        col = {
            k: index.resolve(v) or v
            for k, v in {
                "group": lay.group_by or "",
                "id": lay.id_column or "",
                "reply": lay.reply_to or "",
                "order": lay.order_by or "",
                "role": lay.role_column or "",
                "content": lay.content_column or "",
                "author": lay.author_column or "",
            }.items()
        }
        groups: dict[str, list[tuple[int, str, dict[str, Any]]]] = defaultdict(list)
        if lay.group_by:
            for item in self._pending:
                key = text_of(item[2].get(col["group"])).strip() or f"line{item[0]}"
                groups[key].append(item)
        else:
            ids = {}
            for item in self._pending:
                rid = _id_text(item[2].get(col["id"]))
                if rid:
                    ids[rid] = item
            parent = {rid: _id_text(it[2].get(col["reply"])) for rid, it in ids.items()}

            def root(rid: str) -> str:
                seen = set()
                while parent.get(rid) in ids and rid not in seen:
                    seen.add(rid)
                    rid = parent[rid]
                return rid

            for item in self._pending:
                rid = _id_text(item[2].get(col["id"]))
                groups[root(rid) if rid else f"line{item[0]}"].append(item)
        from curate.ingest.types import parse_datetime_or_none

        # Fields read from the message or role column would repeat the first message beside
        # the turns (whichever side wrote it): the turns carry the messages.
        turn_columns = {col["content"], col["role"], col["author"]} - {""}
        turn_fields = {name for name, c in self._plain + self._dotted if c in turn_columns}
        for key, items in groups.items():

            def order(it: tuple[int, str, dict[str, Any]]) -> tuple[Any, int]:
                raw = it[2].get(col["order"]) if lay.order_by else None
                parsed = parse_datetime_or_none(raw)
                return (parsed.timestamp() if parsed else float("inf"), it[0])

            items.sort(key=order)
            first_line = min(it[0] for it in items)
            messages: list[Message] = []
            kept: list[int] = []  # the item of each message (skipped roles have none)
            error = None
            skip = {r.lower() for r in lay.skip_roles}
            for pos, (line, _loc, row) in enumerate(items):
                raw_role = row.get(col["role"]) if lay.role_column else None
                if text_of(raw_role).strip().lower() in skip:
                    continue
                role = self.role(raw_role) if lay.role_column else lay.default_role
                if role is None:
                    error = (
                        "unknown_role",
                        f"line {line}: role {raw_role!r} is not one of {', '.join(lay.roles)}",
                    )
                    break
                author = text_of(row.get(col["author"])).strip() or None if col["author"] else None
                messages.append(Message(role, text_of(row.get(col["content"])), author))
                kept.append(pos)
            parts = split_by_customer(messages) if lay.author_column and not error else []
            for n, part in enumerate(parts or [list(range(len(messages)))]):
                # the first customer's conversation keeps the thread's locator (stable ids)
                who = next((messages[i].author for i in part if messages[i].role == "user"), None)
                who = who if n else None
                loc = f"thread:{key}" if not who else f"thread:{key}:{who}"
                rows = [items[kept[i]] for i in part] if parts else items
                turns, meta = assemble([messages[i] for i in part], lay.channel)
                values: dict[str, Any] = {}
                for _line, _loc, row in rows:
                    for name, val in self.values(row).items():
                        if name in turn_fields:
                            continue
                        if values.get(name) in (None, "") and val not in (None, ""):
                            values[name] = val
                apply_meta(values, meta, self.schema, lay)
                n_rows = (
                    len(items)
                    if len(parts) <= 1
                    else len(rows) + (len(items) - len(kept) if n == 0 else 0)
                )
                yield Candidate(
                    min(it[0] for it in rows) if rows else first_line,
                    loc,
                    n_rows,
                    values,
                    turns,
                    group=f"thread:{key}",
                    raw=raw_preview(rows[0][2] if rows else items[0][2]),
                    error=error or midway_error(meta),
                )


def _id_text(value: Any) -> str:
    """IDs read from CSV may be floats ('192625.0'); compare them as integers when they are."""
    text = text_of(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        return text[:-2]
    return text
