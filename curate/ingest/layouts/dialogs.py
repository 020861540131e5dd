"""``dialog_list`` layouts: one record per row, whose turns are a list of messages in the row
(plus optional columns appended as turns)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from curate.ingest.layouts.base import LayoutMapper, get_path, text_of
from curate.ingest.layouts.candidate import Candidate, raw_preview


class DialogMapper(LayoutMapper):
    """One candidate per row, its turns read from the row's list at ``turns_path``."""

    kind: ClassVar[str] = "dialog_list"

    def map_row(self, row: dict[str, Any], line: int, loc: str) -> Iterator[Candidate]:
        yield self._dialog(row, line, loc)

    def _dialog(self, row: dict[str, Any], line: int, loc: str) -> Candidate:
        lay = self.layout
        items = get_path(row, lay.turns_path or "")
        values = self.values(row)
        if not isinstance(items, list):
            return Candidate(
                line,
                loc,
                1,
                values,
                raw=raw_preview(row),
                error=("bad_type", f"'{lay.turns_path}' is not a list"),
            )
        turns: list[dict[str, str]] = []
        for i, item in enumerate(items):
            role = None
            if isinstance(item, dict):
                if lay.role_key:
                    role = self.role(item.get(lay.role_key))
                else:
                    role = next(
                        (r for k, r in lay.role_keys.items() if k in item), lay.default_role
                    )
            if role is None:
                return Candidate(
                    line,
                    loc,
                    1,
                    values,
                    raw=raw_preview(row),
                    error=(
                        "unknown_role",
                        f"{lay.turns_path}[{i}] has no recognised role key "
                        f"({', '.join(lay.role_keys) or lay.role_key})",
                    ),
                )
            content = text_of(item.get(lay.content_key))
            if turns and turns[-1]["role"] == role:
                turns[-1]["content"] += "\n\n" + content
            else:
                turns.append({"role": role, "content": content})
        for path, role in lay.append_turns.items():
            extra = text_of(get_path(row, path))
            if not extra.strip():
                continue
            if turns and turns[-1]["role"] == role:
                if extra.strip() not in turns[-1]["content"]:
                    turns[-1]["content"] += "\n\n" + extra
            else:
                turns.append({"role": role, "content": extra})
        return Candidate(line, loc, 1, values, turns, src_row=row)
