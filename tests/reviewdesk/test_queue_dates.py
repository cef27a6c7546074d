"""The queue by the message's own date (issue 8): sorted both ways, filtered from/to a Paris day, the order's
age beside the date; the date is a stored, indexed column (migration 0007) backfilled from the raw messages,
and a fax without Date header takes its file's time."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import inspect, select

from foundation.models import MissionRecord, Processed, SourceOut, SourceRef
from outputs.tables import RecordRow
from reviewdesk.sampledata import add_message

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def _listed(client, query: str = "") -> list[int]:
    return [int(x) for x in re.findall(r'data-href="/records/(\d+)"', client.get("/queue?" + query).text)]


def _dated(store) -> dict[str, int]:
    """Stored out of date order on purpose: the queue must follow the Date header, not the storing order."""
    return {
        "mid": add_message(store, subject="Milieu", body="b", claim="B0000002", date=datetime(2026, 3, 5, 10, tzinfo=timezone.utc)),
        "old": add_message(store, subject="Ancien", body="a", claim="B0000001", date=datetime(2026, 3, 1, 22, 30, tzinfo=timezone.utc)),
        "new": add_message(store, subject="Récent", body="c", claim="B0000003", date=NOW - timedelta(days=3, hours=2)),
    }


def test_queue_sorts_by_the_message_date_both_ways(admin_client, store):
    ids = _dated(store)
    assert _listed(admin_client) == [ids["old"], ids["mid"], ids["new"]]
    assert _listed(admin_client, "sort=desc") == [ids["new"], ids["mid"], ids["old"]]
    assert _listed(admin_client, "sort=nonsense") == [ids["old"], ids["mid"], ids["new"]]
    page = admin_client.get("/queue?sort=desc&channel=allianz_agence").text
    link = re.search(r'href="/queue\?([^"]*)" id="sort-date"', page)
    assert link and "sort=asc" in link.group(0) and "channel=allianz_agence" in link.group(0)


def test_queue_filters_from_and_to_a_paris_day(admin_client, store):
    ids = _dated(store)
    # 2026-03-01 22:30 UTC is 23:30 on 1 March in Paris: the 2nd does not hold it
    assert _listed(admin_client, "from=2026-03-02") == [ids["mid"], ids["new"]]
    assert _listed(admin_client, "from=2026-03-01&to=2026-03-01") == [ids["old"]]
    assert _listed(admin_client, "to=2026-03-05") == [ids["old"], ids["mid"]]
    assert _listed(admin_client, "from=2026-03-02&to=2026-03-04") == []
    assert _listed(admin_client, "from=pas-une-date") == [ids["old"], ids["mid"], ids["new"]]
    page = admin_client.get("/queue?from=2026-03-01&to=2026-03-05&sort=desc&page=1").text
    assert 'value="2026-03-01"' in page and 'value="2026-03-05"' in page and "Effacer" in page


def test_queue_shows_the_date_and_the_age_beside_it(admin_client, store):
    ids = _dated(store)
    page = admin_client.get("/queue").text
    row = re.search(rf'data-href="/records/{ids["new"]}".*?</tr>', page, re.S).group(0)
    assert "il y a 3 j" in row
    old = re.search(rf'data-href="/records/{ids["old"]}".*?</tr>', page, re.S).group(0)
    assert "01/03/2026 23:30" in old


def test_a_fax_takes_its_file_time(store):
    filed = datetime(2026, 2, 10, 7, 45, tzinfo=timezone.utc)
    raw = b"II*\x00fax-bytes-without-any-date-header"
    raw_id, _ = store.add_raw(raw, SourceRef(uri="fax:///srv/fax/in/0001.tif", received_at=filed), "fax")
    record = MissionRecord(source=SourceOut(uri="fax:///srv/fax/in/0001.tif", sha256="0" * 64),
                           document_type="mission_order", channel="allianz_agence", decision="manual_review",
                           reasons=["low_confidence"])
    record_id = store.save_processed(raw_id, Processed(record, None)).record_id
    with store.session(read=True) as s:
        assert s.get(RecordRow, record_id).message_date.replace(tzinfo=timezone.utc) == filed


def test_migration_backfills_the_message_date_and_indexes_it(store, database_url):
    from alembic import command
    from outputs.db import _alembic_config, upgrade_engine
    ids = _dated(store)
    config = _alembic_config(store.engine)
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0007_graphapi")
    assert "message_date" not in {c["name"] for c in inspect(store.engine).get_columns("records")}
    upgrade_engine(store.engine)
    assert "ix_records_review_date" in {i["name"] for i in inspect(store.engine).get_indexes("records")}
    with store.session(read=True) as s:
        dates = dict(s.execute(select(RecordRow.id, RecordRow.message_date)).all())
    assert dates[ids["old"]].replace(tzinfo=timezone.utc) == datetime(2026, 3, 1, 22, 30, tzinfo=timezone.utc)
    assert dates[ids["mid"]].replace(tzinfo=timezone.utc) == datetime(2026, 3, 5, 10, tzinfo=timezone.utc)
