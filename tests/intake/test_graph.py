"""The Microsoft Graph source against local stand-ins (tests/intake/graph_server.py for Graph, the HTTPS token
endpoint of tests/intake/token_server.py through msal): paging, store before move, a crash between the two
(no double), a token refused mid-run (one refresh), and the strict `kind: graph` configuration."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from foundation.errors import ConfigError
from intake.mailboxes import MailboxConfig, load_sources
from intake.sources.graph import GraphPoller, poll_graph
from outputs.tables import RawMessage
from tests.intake.graph_server import USER, GraphServer
from tests.intake.token_server import CLIENT_ID, CLIENT_SECRET, TENANT, TokenServer
from tests.outputs.factories import eml


@pytest.fixture
def graph():
    server = GraphServer()
    yield server
    server.stop()


@pytest.fixture
def tokens():
    server = TokenServer()
    yield server
    server.stop()


@pytest.fixture
def box(graph, tokens, monkeypatch) -> MailboxConfig:
    from cryptography.fernet import Fernet
    monkeypatch.setenv("INTAKE_OAUTH_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("ODM_GRAPH_SECRET", CLIENT_SECRET)
    return MailboxConfig.model_validate({
        "kind": "graph", "user": USER, "graph_url": graph.url, "folders": ["inbox"], "move_to": "Traites",
        "batch_size": 2, "oauth2": {"provider": "microsoft", "flow": "client_credentials", "tenant": TENANT,
                                    "client_id": CLIENT_ID, "client_secret_env": "ODM_GRAPH_SECRET",
                                    "authority_host": tokens.base, "ca_file": tokens.ca_file}})


def _deliver(graph, count: int) -> list[str]:
    mids = []
    for n in range(count):
        mid = f"<graph-{n}@agence.example>"
        graph.deliver(eml(f"B90000{n:02d}", "Mon, 02 Mar 2026 09:00:00 +0100", message_id=mid), mid,
                      received=f"2026-03-02T08:{n:02d}:00Z")
        mids.append(mid)
    return mids


def _raws(store) -> int:
    with store.session(read=True) as s:
        return s.scalar(select(func.count()).select_from(RawMessage))


def _token_posts(tokens) -> list[dict]:
    return [r for r in tokens.requests if r["path"].endswith("/token")]


def test_every_page_is_stored_then_moved(graph, tokens, box, store):
    mids = _deliver(graph, 5)                                     # three pages of two
    result, = poll_graph(box, store, store.mailbox_log)
    assert (result.seen, result.stored, result.finished, result.duplicates) == (5, 5, 5, 0)
    assert graph.names("Inbox") == [] and graph.names("Traites") == mids   # created, then filled in order
    assert _raws(store) == 5
    lists = [p for m, p in graph.requests if m == "GET" and p.endswith("/messages")]
    assert len(lists) == 3                                         # followed @odata.nextLink to the end
    post, = _token_posts(tokens)
    assert post["grant_type"] == "client_credentials" and post["scope"] == "https://graph.microsoft.com/.default"
    with store.session(read=True) as s:
        uris = s.scalars(select(RawMessage.source_uri)).all()
    assert all(u.startswith("graph://odm@contoso.fr/inbox;id=AAMkMsg") for u in uris)
    assert poll_graph(box, store, store.mailbox_log)[0].seen == 0      # nothing left, nothing again


def test_a_crash_between_store_and_move_never_doubles(graph, box, store):
    mids = _deliver(graph, 3)

    class Crash(GraphPoller):
        def move(self, message_id, destination):
            raise KeyboardInterrupt("killed between the commit and the move")

    with pytest.raises(KeyboardInterrupt):
        poll_graph(box, store, store.mailbox_log, poller=Crash(box, store, store.mailbox_log))
    assert _raws(store) == 1 and graph.names("Inbox") == mids       # stored, still on the server
    result, = poll_graph(box, store, store.mailbox_log)
    assert (result.stored, result.duplicates, result.finished) == (2, 1, 3)
    assert _raws(store) == 3 and graph.names("Traites") == mids and graph.names("Inbox") == []


def test_a_token_refused_mid_run_is_refreshed_once(graph, tokens, box, store):
    _deliver(graph, 4)
    graph.expire_after_value = 2                                    # the server drops the token part-way
    result, = poll_graph(box, store, store.mailbox_log)
    assert result.stored == 4 and result.finished == 4
    assert len(_token_posts(tokens)) == 2
    assert graph.seen_tokens[0] == "access-1" and graph.seen_tokens[-1] == "access-2"


def test_a_failing_graph_is_recorded_on_the_mailbox(graph, box, store):
    _deliver(graph, 1)
    box.user = "nobody@contoso.fr"
    with pytest.raises(Exception, match="404"):
        poll_graph(box, store, store.mailbox_log)
    state = store.mailbox_log.load("graph://nobody@contoso.fr/inbox")
    assert state is not None and _raws(store) == 0


def test_the_graph_mailbox_configuration_is_strict(tmp_path, monkeypatch):
    monkeypatch.setenv("ODM_GRAPH_SECRET", "x")
    good = tmp_path / "graph.yaml"
    good.write_text(
        "mailboxes:\n"
        "  - kind: graph\n    user: odm@contoso.fr\n    folders: [inbox]\n    move_to: Traites\n"
        "    oauth2: {provider: microsoft, flow: client_credentials, tenant: t, client_id: c,"
        " client_secret_env: ODM_GRAPH_SECRET}\n")
    box, = load_sources(str(good)).mailboxes
    assert box.kind == "graph" and box.host == "graph.microsoft.com" and box.idle is False
    assert box.oauth2.wanted_scopes() == ["https://graph.microsoft.com/.default"]
    typo = tmp_path / "typo.yaml"
    typo.write_text(good.read_text().replace("move_to", "move_too"))
    with pytest.raises(ConfigError, match="move_too"):
        load_sources(str(typo))
    with pytest.raises(ValueError, match="client_credentials"):
        MailboxConfig.model_validate({"kind": "graph", "user": "u@x.fr", "password": "p"})
    with pytest.raises(ValueError, match="https"):
        MailboxConfig.model_validate({"kind": "graph", "user": "u@x.fr", "graph_url": "http://graph.example/v1.0",
                                      "oauth2": {"provider": "microsoft", "flow": "client_credentials",
                                                 "tenant": "t", "client_id": "c", "client_secret_env": "S"}})
    with pytest.raises(ValueError, match="host"):
        MailboxConfig.model_validate({"user": "u@x.fr", "password": "p"})          # IMAP still needs its host


def test_intake_poll_reads_a_graph_mailbox_into_records(graph, tokens, box, tmp_path, monkeypatch):
    """The whole door: `intake poll` with a `kind: graph` mailbox in the YAML stores, moves and reads the mail."""
    import json
    from intake.cli import main
    from outputs.store import Store
    monkeypatch.delenv("INTAKE_MAILBOXES", raising=False)
    mids = _deliver(graph, 3)
    config = tmp_path / "graph.yaml"
    entry = box.model_dump(mode="json", include={"kind", "user", "graph_url", "folders", "move_to", "batch_size"})
    entry["oauth2"] = box.oauth2.model_dump(mode="json", exclude_none=True)
    config.write_text("mailboxes:\n  - " + json.dumps(entry) + "\n")
    url = f"sqlite:///{tmp_path}/poll.db"
    assert main(["poll", "--database", url, "--config", str(config)]) == 0
    assert graph.names("Traites") == mids
    with Store(url) as store:
        records = list(store.export_records())
    assert sorted(r["claim_number"] for r in records) == ["B9000000", "B9000001", "B9000002"]
