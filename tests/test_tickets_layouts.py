"""The tickets schema on helpdesk exports, its tasks, and files no layout fits (issue 19).

Fixtures in tests/data/tickets are small hand-written files with the field names of the
public API docs: Zendesk tickets with comments, Freshdesk tickets with conversations,
Intercom conversations, ABCD [role, text] pairs, and a Twitter reply chain.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.errors import SchemaError
from curate.export import export
from curate.ingest import ingest
from curate.schema import load_schema
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "tickets"


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    ws = tmp_path_factory.mktemp("tk") / "ws"
    ingest([DATA], "tickets", ws, rules=None)
    df = pl.read_parquet(ws / "ingest" / "records.parquet")
    out: dict[str, list[dict[str, Any]]] = {}
    for row in df.to_dicts():
        out.setdefault(row["layout"], []).append(row)
    return out


def contents(record: dict[str, Any]) -> list[tuple[str, str]]:
    return [(t["role"], t["content"]) for t in record["turns"]]


def test_every_fixture_is_read_by_its_layout(records: dict[str, list[dict[str, Any]]]) -> None:
    assert sorted(records) == [
        "abcd_pairs",
        "freshdesk_tickets",
        "intercom_conversations",
        "twitter_threads",
        "zendesk_tickets",
    ]


def test_zendesk_requester_is_the_user_private_notes_left_out(
    records: dict[str, list[dict[str, Any]]],
) -> None:
    (rec,) = records["zendesk_tickets"]
    assert contents(rec) == [
        ("user", "Hi, I was charged twice for order 1182. Can I get one of them refunded?"),
        (
            "assistant",
            "Sorry about that! The second charge was a duplicate and I've refunded it; it shows "
            "on your statement in 3-5 business days. You can follow it at "
            "https://example.com/orders/status",  # the link stays, the customer's e-mail goes
        ),
        ("user", "Great, thanks!"),
    ]
    assert rec["signatures"] == ["-JS"]
    assert (rec["category"], rec["priority"], rec["ticket_id"]) == ("problem", "high", "35436")


def test_freshdesk_description_opens_and_incoming_is_the_customer(
    records: dict[str, list[dict[str, Any]]],
) -> None:
    (rec,) = records["freshdesk_tickets"]
    assert [r for r, _ in contents(rec)] == ["user", "assistant", "user"]
    assert contents(rec)[0][1] == "I reset my password but the app still says it's wrong."
    assert "Internal" not in json.dumps(rec["turns"])  # the private note
    assert rec["subject"] == "Cannot log in after password reset"


def test_intercom_source_opens_notes_and_empty_parts_left_out(
    records: dict[str, list[dict[str, Any]]],
) -> None:
    (rec,) = records["intercom_conversations"]
    assert [r for r, _ in contents(rec)] == ["user", "assistant", "user"]
    assert contents(rec)[1][1].endswith("tracking page: https://www.ups.com/track")
    assert "VIP" not in json.dumps(rec["turns"])
    assert rec["category"] is None  # Intercom's "type" is the object's, not a category
    assert rec["other_authors"] is None  # the bot's empty assignment part is not a message


def test_abcd_pairs_skip_agent_actions(records: dict[str, list[dict[str, Any]]]) -> None:
    (rec,) = records["abcd_pairs"]
    text = json.dumps(rec["turns"])
    assert "Account has been pulled up" not in text
    assert contents(rec)[-1] == (
        "assistant",
        "Great, you're eligible for a free return. I've emailed you a return label.",
    )
    assert rec["category"] == "product_defect"


def test_twitter_chain_one_conversation_per_customer_with_brand(
    records: dict[str, list[dict[str, Any]]],
) -> None:
    first, second = sorted(records["twitter_threads"], key=lambda r: r["source_line"])
    assert contents(first) == [
        ("user", "my antivirus says my license expired but I renewed yesterday"),
        (
            "assistant",
            "Sorry for the trouble! Please sign out of the Norton app and sign back in, so it "
            "picks up the renewed license. If it still shows expired you can sync it here: "
            "https://support.norton.com/sp/en/us/home/current/solutions/v1234",
        ),
    ]
    assert contents(second) == [
        ("user", "same here!! mine expired too"),
        ("assistant", "We're sorry! Could you DM us your account email so we can check?"),
    ]
    assert (first["customer"], second["customer"]) == ("115712", "115713")
    assert first["company"] == second["company"] == "Norton"
    assert first["n_rows"] + second["n_rows"] == 5  # every row in exactly one record
    assert first["group"] == second["group"]  # one thread: never split across train/val


def test_system_prompt_names_the_brand(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ingest([DATA / "twcs_threads.csv"], "tickets", ws, rules=None)
    export(ws, out=tmp_path / "out", val_fraction=0.0)
    lines = (tmp_path / "out" / "train.jsonl").read_text("utf-8").splitlines()
    systems = {json.loads(x)["messages"][0]["content"] for x in lines}
    assert systems == {"You are a helpful, concise customer-support agent for Norton."}


# -- tasks ---------------------------------------------------------------------------------


TRIAGE_CSV = """Ticket ID,Ticket Subject,Ticket Description,Ticket Type,Ticket Priority,Ticket Channel,Escalate,Escalation Reason
1,Charged twice,I was billed two times for the same order this month.,Billing inquiry,High,Email,yes,duplicate charge over the agent refund limit
2,Setup help,How do I pair the headset with my laptop?,Technical issue,Low,Chat,,
"""


def test_triage_task_labels_category_priority_and_escalation(tmp_path: Path) -> None:
    src = tmp_path / "tickets.csv"
    src.write_text(TRIAGE_CSV, encoding="utf-8")
    ws = tmp_path / "ws"
    ingest([src], "tickets", ws, rules=None)
    export(ws, out=tmp_path / "out", val_fraction=0.0, tasks=["triage"])
    rows = [json.loads(x) for x in (tmp_path / "out" / "train.jsonl").read_text().splitlines()]
    answers = sorted(r["messages"][-1]["content"] for r in rows)
    assert answers == [
        "Category: Billing inquiry\nPriority: High\n"
        "Escalate: yes (duplicate charge over the agent refund limit)",
        "Category: Technical issue\nPriority: Low",
    ]
    users = {r["messages"][1]["content"] for r in rows}
    assert "Subject: Setup help\nChannel: Chat\nHow do I pair the headset with my laptop?" in users


POLICY = """Refunds: within 30 days of delivery, to the original payment method.
After 30 days: store credit only. Never promise a refund for a used item."""


def _policy_schema(tmp_path: Path, task: str) -> Path:
    text = (ROOT / "curate" / "builtin" / "schemas" / "tickets.toml").read_text("utf-8")
    path = tmp_path / "my_tickets.toml"
    path.write_text(text + task, encoding="utf-8")
    return path


POLICY_TASK = """
[[tasks]]
name = "policy_reply"
conversation = true
requires = ["turns"]
policy_file = "refund_policy.md"
system = "You are a support agent{% if company %} for {{ company }}{% endif %}. Follow this policy:\\n{{ policy }}"
"""


def test_policy_file_grounds_the_system_prompt(tmp_path: Path) -> None:
    (tmp_path / "refund_policy.md").write_text(POLICY + "\n\n", encoding="utf-8")
    schema = _policy_schema(tmp_path, POLICY_TASK)
    assert load_schema(schema).tasks[-1].policy == POLICY
    ws = tmp_path / "ws"
    shutil.copy(DATA / "zendesk_tickets.json", tmp_path / "z.json")
    ingest([tmp_path / "z.json"], str(schema), ws, rules=None)
    export(ws, out=tmp_path / "out", val_fraction=0.0, tasks=["policy_reply"])
    (row,) = [json.loads(x) for x in (tmp_path / "out" / "train.jsonl").read_text().splitlines()]
    assert row["messages"][0] == {
        "role": "system",
        "content": f"You are a support agent. Follow this policy:\n{POLICY}",
    }


def test_the_workspace_keeps_the_policy_it_was_ingested_with(tmp_path: Path) -> None:
    """Ingest copies a task's policy file beside its copy of the schema: export after the
    original is gone (or the project moved) still grounds the prompt in that policy."""
    (tmp_path / "refund_policy.md").write_text(POLICY + "\n", encoding="utf-8")
    schema = _policy_schema(tmp_path, POLICY_TASK)
    ws = tmp_path / "ws"
    shutil.copy(DATA / "zendesk_tickets.json", tmp_path / "z.json")
    ingest([tmp_path / "z.json"], str(schema), ws, rules=None)
    assert (ws / "ingest" / "policies" / "refund_policy.md").read_text("utf-8") == POLICY + "\n"
    (tmp_path / "refund_policy.md").unlink()
    export(ws, out=tmp_path / "out", val_fraction=0.0, tasks=["policy_reply"])
    (row,) = [json.loads(x) for x in (tmp_path / "out" / "train.jsonl").read_text().splitlines()]
    assert row["messages"][0]["content"].endswith(POLICY)


def test_missing_policy_file_names_the_file_and_key(tmp_path: Path) -> None:
    schema = _policy_schema(tmp_path, POLICY_TASK)
    with pytest.raises(SchemaError) as exc:
        load_schema(schema)
    n = len(load_schema("tickets").tasks)
    assert exc.value.message == (
        f"{schema}: tasks.{n}.policy_file: policy file 'refund_policy.md' not found "
        f"(looked in {tmp_path} and the working directory)"
    )


# -- files no layout fits ------------------------------------------------------------------


def test_unmatched_file_is_one_reject_and_the_run_goes_on(tmp_path: Path) -> None:
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps([{"foo": 1, "bar": "x"}, {"foo": 2, "bar": "y"}]), "utf-8")
    ws = tmp_path / "ws"
    res = CliRunner().invoke(
        main,
        ["ingest", str(odd), str(DATA / "abcd_pairs.json"), "--schema", "tickets", "-w", str(ws)],
    )
    assert res.exit_code == 0, res.output
    rejects = pl.read_parquet(ws / "ingest" / "rejects.parquet")
    (rej,) = rejects.to_dicts()
    assert (rej["reason"], rej["n_rows"], rej["source_file"]) == ("no_layout", 2, str(odd))
    assert rej["message"] == (
        f"{odd}: no layout of schema 'tickets' fits its columns (foo, bar); "
        "closest layout 'ticket_rows' lacks Ticket Description"
    )
    assert pl.read_parquet(ws / "ingest" / "records.parquet").height == 1


def test_ticket_rows_fields_get_the_channel_steps(tmp_path: Path) -> None:
    """A one-row-per-ticket export (question and answer columns) is cleaned like the turns."""
    src = tmp_path / "pairs.csv"
    src.write_text(
        "Ticket Description,Resolution\n"
        "@AcmeHelp my parcel never arrived,"
        '"@jdoe Sorry! Track it at https://acme.example/track?email=jdoe%40mail.com and we will '
        'resend it if it is lost. ^JS"\n',
        encoding="utf-8",
    )
    ws = tmp_path / "ws"
    ingest([src], "tickets", ws, rules=None)
    (rec,) = pl.read_parquet(ws / "ingest" / "records.parquet").to_dicts()
    assert rec["body"] == "my parcel never arrived"
    assert rec["resolution"] == (
        "Sorry! Track it at https://acme.example/track and we will resend it if it is lost."
    )
