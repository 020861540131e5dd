"""``dialog_list`` layouts: one record per row, whose turns are a list of messages in the row
(plus optional columns put before or after them as turns).

A message is an object (its role from ``role_key``, a dotted path such as ``author.type``, or
from which of ``role_keys`` it has, or by comparing its ``author_key`` with the row's
``customer_path``: the customer is the user, anyone else the agent) or a ``[role, text]`` pair
(ABCD). Messages whose role is in ``skip_roles`` (agent actions) or that match ``skip_when``
(internal notes) are not conversation. Turns are assembled by curate/ingest/channel.py: one
author per turn, and the layout's channel clean-up steps.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from curate.ingest.channel import Message, apply_meta, assemble, midway_error
from curate.ingest.layouts.base import LayoutMapper, get_path, text_of
from curate.ingest.layouts.candidate import Candidate, raw_preview


class DialogMapper(LayoutMapper):
    """One candidate per row, its turns read from the row's list at ``turns_path``."""

    kind: ClassVar[str] = "dialog_list"

    def map_row(self, row: dict[str, Any], line: int, loc: str) -> Iterator[Candidate]:
        yield self._dialog(row, line, loc)

    def _reject(self, row: dict[str, Any], line: int, loc: str, why: tuple[str, str]) -> Candidate:
        return Candidate(line, loc, 1, self.values(row), raw=raw_preview(row), error=why)

    def _skipped(self, item: Any, raw_role: Any) -> bool:
        lay = self.layout
        if text_of(raw_role).strip().lower() in {r.lower() for r in lay.skip_roles}:
            return True
        if isinstance(item, dict):
            for key, want in lay.skip_when.items():
                got = get_path(item, key)
                if got == want or (isinstance(want, str) and text_of(got) == want):
                    return True
        return False

    def _message(self, row: dict[str, Any], item: Any) -> tuple[Message | None, str | None]:
        """(message, None), (None, None) for a skipped item, or (None, why) for no role."""
        lay = self.layout
        raw_role: Any = None
        role: str | None = None
        if isinstance(item, list | tuple) and len(item) == 2:  # [role, text]
            raw_role = item[0]
            if self._skipped(item, raw_role):
                return None, None
            role = self.role(raw_role)
            if role is None:
                return None, f"role {raw_role!r} is not one of {', '.join(lay.roles)}"
            return Message(role, text_of(item[1]), None), None
        if not isinstance(item, dict):
            return None, "is neither an object nor a [role, text] pair"
        author = text_of(get_path(item, lay.author_key)).strip() or None if lay.author_key else None
        if lay.customer_path:
            customer = text_of(get_path(row, lay.customer_path)).strip()
            role = "user" if author is not None and author == customer else "assistant"
        elif lay.role_key:
            raw_role = get_path(item, lay.role_key)
            role = self.role(raw_role)
        else:
            key = next((k for k in lay.role_keys if k in item), None)
            if key is not None:
                role = lay.role_keys[key]
                if author is None and isinstance(item[key], str):
                    author = item[key].strip() or None  # IBM: {"client": "MommaYou2", ...}
            else:
                role = lay.default_role
        if self._skipped(item, raw_role):
            return None, None
        if role is None:
            return None, (
                f"has no recognised role ({', '.join(lay.role_keys) or lay.role_key or 'none'})"
            )
        return Message(role, text_of(item.get(lay.content_key)), author), None

    def _dialog(self, row: dict[str, Any], line: int, loc: str) -> Candidate:
        lay = self.layout
        items = get_path(row, lay.turns_path or "")
        if not isinstance(items, list):
            return self._reject(row, line, loc, ("bad_type", f"'{lay.turns_path}' is not a list"))
        messages: list[Message] = []
        for path, role in lay.prepend_turns.items():
            first = text_of(get_path(row, path))
            if first.strip():
                messages.append(Message(role, first, None))
        for i, item in enumerate(items):
            msg, why = self._message(row, item)
            if why is not None:
                return self._reject(
                    row, line, loc, ("unknown_role", f"{lay.turns_path}[{i}] {why}")
                )
            if msg is not None:
                messages.append(msg)
        values = self.values(row)
        # an appended agent answer (IBM's agentURL) is the company's own: where the thread
        # also holds another company's agent, the answer's author decides which one is kept
        company = text_of(values.get("company")).strip() or None
        for path, role in lay.append_turns.items():
            extra = text_of(get_path(row, path))
            if not extra.strip():
                continue
            if any(m.role == role and extra.strip() in m.content for m in messages[-1:]):
                continue
            author = company if role == "assistant" and lay.company_from_author else None
            messages.append(Message(role, extra, author))
        turns, meta = assemble(messages, lay.channel)
        apply_meta(values, meta, self.schema, lay)
        midway = midway_error(meta)
        if midway is not None:
            return Candidate(line, loc, 1, values, turns, raw=raw_preview(row), error=midway)
        return Candidate(line, loc, 1, values, turns, src_row=row)
