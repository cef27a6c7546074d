"""The store on real SQLite and PostgreSQL: raw first, routing against the database, reviewers' actions."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from foundation.models import Processed
from outputs.tables import DocumentRow, Dossier, Event, FieldCorrection, RawMessage, RecordRow
from outputs.store import InvalidCorrection, NotFoundError
from tests.outputs.factories import eml, processed, record_for, src


def _count(store, model, *where) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _events(store, **where) -> list[str]:
    with store.session() as s:
        query = select(Event.kind).order_by(Event.id)
        for key, value in where.items():
            query = query.where(getattr(Event, key) == value)
        return list(s.scalars(query))


def _ingest(store, raw, source, **kwargs) -> int:
    raw_id, _ = store.add_raw(raw, source, "file")
    return store.save_processed(raw_id, processed(raw, source, **kwargs)).record_id


def test_add_raw_is_idempotent_and_keeps_bytes_and_headers(store):
    raw = eml("B1234567", "Tue, 05 Mar 2024 10:30:00 +0100", message_id="<one@x>")
    first = store.add_raw(raw, src("/in/a.eml"), "file")
    again = store.add_raw(raw, src("/elsewhere/a.eml"), "imap", mailbox="imap://u@h/INBOX")
    assert first[1] is True and again == (first[0], False)
    assert store.has_raw(__import__("hashlib").sha256(raw).hexdigest())
    assert store.has_message_id("<one@x>") and not store.has_message_id("<two@x>")
    loaded, source = store.load_raw(first[0])
    assert loaded == raw and source.uri == "/in/a.eml" and source.filename == "a.eml"
    with store.session() as s:
        row = s.get(RawMessage, first[0])
        assert row.status == "pending" and row.size == len(raw)
        assert row.date_header.replace(tzinfo=timezone.utc) == datetime(2024, 3, 5, 9, 30, tzinfo=timezone.utc)
    assert _events(store) == ["received"]
    with pytest.raises(ValueError):
        store.add_raw(b"x", src("/in/b"), "carrier-pigeon")


def test_binary_bytes_survive_unchanged(store):
    raw = bytes(range(256)) * 50 + b"\x00\x00"
    raw_id, _ = store.add_raw(raw, src("/fax/scan.tif"), "fax")
    assert store.load_raw(raw_id)[0] == raw


def test_pending_is_oldest_date_first_and_unknown_dates_last(store):
    late = store.add_raw(eml("B1", "Wed, 06 Mar 2024 10:00:00 +0000"), src("/a"), "file")[0]
    early = store.add_raw(eml("B2", "Mon, 04 Mar 2024 10:00:00 +0000"), src("/b"), "file")[0]
    fax = store.add_raw(b"II*\x00fax", src("/fax", datetime(2024, 3, 5, tzinfo=timezone.utc)), "fax")[0]
    undated = store.add_raw(b"II*\x00other", src("/x").model_copy(update={"received_at": None}), "fax")[0]
    assert store.pending_raw_ids() == [early, fax, late, undated]
    assert store.pending_raw_ids(among=[undated, late, early]) == [early, late, undated]
    assert store.pending_raw_ids(limit=2) == [early, fax]


def test_save_processed_routes_opens_a_dossier_and_stores_documents(store):
    raw = eml("B1234567", "Tue, 05 Mar 2024 10:30:00 +0100")
    raw_id, _ = store.add_raw(raw, src("/in/a.eml"), "file")
    saved = store.save_processed(raw_id, processed(raw, src("/in/a.eml"), claim="B1234567"))
    record_id = saved.record_id
    assert saved.created and saved.decision == "auto_open"
    exported = list(store.export_records())
    assert len(exported) == 1 and exported[0]["dossier_id"].startswith("D-")
    assert exported[0]["decision"] == "auto_open"
    with store.session() as s:
        dossier = s.get(Dossier, exported[0]["dossier_id"])
        assert (dossier.status, dossier.claim_number, dossier.opening_record_id) == ("open", "B1234567", record_id)
        docs = s.scalars(select(DocumentRow).where(DocumentRow.raw_message_id == raw_id)
                         .order_by(DocumentRow.position)).all()
        assert [d.name for d in docs] == ["body", "odm.pdf"]
        assert docs[1].pages == 2 and docs[1].ocr and docs[1].text == "page un\fpage deux"
        assert docs[0].pages_json[0]["words"][0]["text"] == "From:"
        assert s.get(RawMessage, raw_id).status == "processed"
    assert _events(store) == ["received", "parsed", "classified", "routed", "opened"]
    # idempotent: the same raw again keeps its record, adds nothing
    again = store.save_processed(raw_id, processed(raw, src("/in/a.eml"), claim="B9999999"))
    assert again.record_id == record_id and not again.created
    assert _count(store, RecordRow) == 1 and _count(store, DocumentRow) == 2 and len(_events(store)) == 5


def test_duplicate_by_fax_then_mail_attaches_to_the_first_dossier(store):
    fax_raw = b"II*\x00 fax scan of B 123 4567"
    first = _ingest(store, fax_raw, src("/fax/1.tif"), claim="B1234567", decision="manual_review",
                    reasons=["low_confidence"])
    mail = eml("B1234567", "Tue, 05 Mar 2024 10:30:00 +0100")
    second = _ingest(store, mail, src("/in/a.eml"), claim="B1234567", last_name="MARTIN")
    out = {r["source"]["uri"]: r for r in store.export_records()}
    fax, dup = out["/fax/1.tif"], out["/in/a.eml"]
    assert fax["decision"] == "manual_review" and fax["dossier_id"]
    assert dup["decision"] == "attach" and dup["reasons"] == ["duplicate"] and dup["dossier_id"] == fax["dossier_id"]
    assert dup["insured"]["last_name"] == "MARTIN"  # a duplicate keeps all its fields
    assert _count(store, Dossier) == 1
    with store.session() as s:
        assert s.get(Dossier, fax["dossier_id"]).status == "pending_review"
        assert s.get(RecordRow, first).review_status == "pending"
        assert s.get(RecordRow, second).review_status == "none"
    assert _events(store, record_id=second)[-1] == "attached"


def test_follow_up_attaches_to_the_known_dossier_and_unknown_claims_stay_unattached(store):
    _ingest(store, eml("C0045123", "Mon, 04 Mar 2024 10:00:00 +0000"), src("/1"), claim="C0045123",
            channel="allianz_courtage")
    follow = _ingest(store, eml("C0045123", "Tue, 05 Mar 2024 10:00:00 +0000", subject="RE: relance"), src("/2"),
                     claim="C0045123", document_type="follow_up", decision="manual_review")
    orphan = _ingest(store, eml("C777", "Tue, 05 Mar 2024 11:00:00 +0000", subject="RE: ?"), src("/3"),
                     claim="C777", document_type="follow_up", decision="manual_review")
    out = {r["source"]["uri"]: r for r in store.export_records()}
    assert out["/2"]["decision"] == "attach" and out["/2"]["reasons"] == ["follow_up"]
    assert out["/2"]["dossier_id"] == out["/1"]["dossier_id"]
    assert out["/3"]["decision"] == "attach" and out["/3"]["dossier_id"] is None
    assert _count(store, Dossier) == 1 and follow != orphan


def test_ignored_and_unreadable_records_open_nothing(store):
    _ingest(store, b"newsletter", src("/n"), claim=None, document_type="other", decision="ignore",
            channel="unknown", reasons=["not_mission_order"])
    raw = b"%PDF-broken"
    raw_id, _ = store.add_raw(raw, src("/broken.pdf"), "file")
    from foundation.record import sha256_hex, unreadable_record
    store.save_processed(raw_id, Processed(unreadable_record(src("/broken.pdf"), sha256_hex(raw), "encrypted_pdf")))
    assert _count(store, Dossier) == 0
    assert [r["decision"] for r in store.export_records()] == ["ignore", "manual_review"]


def test_mission_order_without_claim_still_gets_a_dossier_in_review(store):
    record_id = _ingest(store, b"no claim", src("/nc"), claim=None, decision="manual_review",
                        reasons=["missing_claim_number"])
    (record,) = store.export_records()
    with store.session() as s:
        assert s.get(Dossier, record["dossier_id"]).status == "pending_review"
        assert s.get(Dossier, record["dossier_id"]).opening_record_id == record_id


def test_mark_failed_keeps_the_raw_and_counts_attempts(store):
    raw_id, _ = store.add_raw(b"raw", src("/r"), "file")
    store.mark_failed(raw_id, "OperationalError: disk I/O")
    store.mark_failed(raw_id, "again")
    with store.session() as s:
        row = s.get(RawMessage, raw_id)
        assert (row.status, row.attempts, row.error, row.raw) == ("failed", 2, "again", b"raw")
    assert store.pending_raw_ids() == [] and store.pending_raw_ids(include_failed=True) == [raw_id]
    # a later success stores the record
    store.save_processed(raw_id, processed(b"raw", src("/r"), claim="B1"))
    assert store.raw_status(raw_id) == "processed"
    with pytest.raises(NotFoundError):
        store.mark_failed(999999, "x")


def test_corrections_show_in_export_with_corrected_by(store):
    record_id = _ingest(store, eml("B1234567", "Mon, 04 Mar 2024 10:00:00 +0000"), src("/1"), claim="B1234567",
                        decision="manual_review", reasons=["low_confidence"])
    store.correct_field(record_id, "claim_number", " b 765-4321 ", "anne@cc.example")
    store.correct_field(record_id, "insured.last_name", "de la fontaine", "anne@cc.example")
    store.correct_field(record_id, "postcode", "75011", "paul@cc.example")
    store.correct_field(record_id, "amount_eur", "350.5", "paul@cc.example")
    (out,) = store.export_records()
    assert out["claim_number"] == "B7654321" and out["insured"]["last_name"] == "DE LA FONTAINE"
    assert out["insured"]["postcode"] == "75011" and out["amount_eur"] == 350.5
    assert out["fields"]["claim_number"] == {"confidence": 1.0, "evidence": "Sinistre: B1234567", "part": "body",
                                             "page": 1, "corrected_by": "anne@cc.example"}
    assert out["fields"]["postcode"]["corrected_by"] == "paul@cc.example"
    assert out["decision"] == "manual_review"  # the machine's routing is kept
    with store.session() as s:
        row = s.get(RecordRow, record_id)
        assert row.machine_json["claim_number"] == "B1234567" and row.claim_number == "B7654321"
        assert s.get(Dossier, row.dossier_id).claim_number == "B7654321"
        old_new = s.execute(select(FieldCorrection.old_value, FieldCorrection.new_value)
                            .where(FieldCorrection.name == "claim_number")).one()
        assert tuple(old_new) == ("B1234567", "B7654321")
    assert _events(store, record_id=record_id).count("corrected") == 4


def test_a_correction_outside_the_contract_is_refused_and_changes_nothing(store):
    record_id = _ingest(store, b"x", src("/1"), claim="B1")
    before = store.get_record(record_id)
    with pytest.raises(InvalidCorrection):
        store.correct_field(record_id, "peril", "alien_invasion", "u@x")
    with pytest.raises(InvalidCorrection):
        store.correct_field(record_id, "decision", "auto_open", "u@x")
    with pytest.raises(InvalidCorrection):
        store.correct_field(record_id, "loss_date", "yesterday-ish", "u@x")
    with pytest.raises(NotFoundError):
        store.correct_field(424242, "postcode", "75001", "u@x")
    assert store.get_record(record_id) == before
    assert _count(store, FieldCorrection) == 0


def test_reviewer_opens_attaches_refuses(store):
    a = _ingest(store, b"a", src("/a"), claim="B1", decision="manual_review", reasons=["low_confidence"])
    b = _ingest(store, b"b", src("/b"), claim="B2", decision="manual_review", reasons=["low_confidence"])
    b_dup = _ingest(store, b"b2", src("/b2"), claim="B2")
    c = _ingest(store, b"c", src("/c"), claim="B3", decision="manual_review", reasons=["leak_repair_not_covered"])
    dossier_a = store.open_dossier(a, "anne@cc.example")
    store.attach(b, dossier_a, "anne@cc.example")
    store.refuse(c, "hors garantie", "paul@cc.example")
    out = {r["source"]["uri"]: r for r in store.export_records()}
    assert out["/a"]["dossier_id"] == dossier_a and out["/a"]["decision"] == "manual_review"
    assert out["/b"]["dossier_id"] == dossier_a and out["/b2"]["dossier_id"] == dossier_a  # followed the merge
    assert out["/c"]["dossier_id"] is None
    with store.session() as s:
        assert s.get(Dossier, dossier_a).status == "open"
        assert s.get(RecordRow, a).review_status == "accepted" and s.get(RecordRow, a).decided_by == "anne@cc.example"
        assert s.get(RecordRow, b).review_status == "attached"
        assert s.get(RecordRow, c).review_status == "refused" and s.get(RecordRow, c).refuse_reason == "hors garantie"
        statuses = dict(s.execute(select(Dossier.claim_number, Dossier.status)).all())
    assert statuses == {"B1": "open", "B2": "closed", "B3": "refused"}
    store.close_dossier(dossier_a, "anne@cc.example")
    store.reopen_dossier(dossier_a, "anne@cc.example")
    assert _events(store, dossier_id=dossier_a)[-2:] == ["closed", "reopened"]
    with pytest.raises(NotFoundError):
        store.attach(b_dup, "D-NOPE", "x")
    with pytest.raises(InvalidCorrection):
        store.refuse(a, "  ", "x")


def test_open_dossier_for_a_record_that_had_none(store):
    record_id = _ingest(store, b"other", src("/o"), claim="B5", document_type="other", decision="manual_review",
                        channel="unknown")
    dossier_id = store.open_dossier(record_id, "anne@cc.example")
    assert store.get_record(record_id)["dossier_id"] == dossier_id
    # a later copy of the same claim is now attached to it
    _ingest(store, b"other copy", src("/o2"), claim="B5")
    assert [r["dossier_id"] for r in store.export_records()] == [dossier_id, dossier_id]


def test_export_is_oldest_first_by_message_date(store):
    _ingest(store, eml("B2", "Wed, 06 Mar 2024 10:00:00 +0000"), src("/late"), claim="B2")
    _ingest(store, eml("B1", "Mon, 04 Mar 2024 10:00:00 +0000"), src("/early"), claim="B1")
    _ingest(store, b"II*\x00fax", src("/fax", datetime(2024, 3, 5, tzinfo=timezone.utc)), claim="B3")
    assert [r["source"]["uri"] for r in store.export_records()] == ["/early", "/fax", "/late"]


def test_hostile_text_is_stored_on_every_database(store):
    nasty = "NUL\x00 inside " + "Ω" * 300
    raw = b"hostile"
    raw_id, _ = store.add_raw(raw, src("/h\x00ostile"), "file")
    proc = processed(raw, src("/h"), claim="B" + "9" * 300, last_name=nasty)
    store.save_processed(raw_id, proc)
    (out,) = store.export_records()
    assert out["insured"]["last_name"] == nasty  # the JSON keeps it as read
    assert store.raw_status(raw_id) == "processed"


def test_counts_for_status(store):
    _ingest(store, b"a", src("/a"), claim="B1")
    _ingest(store, b"b", src("/b"), claim="B1")
    store.add_raw(b"c", src("/c"), "imap", mailbox="imap://u@h/INBOX")
    counts = store.counts()
    assert counts["decisions"] == {"auto_open": 1, "attach": 1}
    assert counts["mailboxes"] == {"file": 2, "imap://u@h/INBOX": 1}
    assert counts["raw_status"] == {"processed": 2, "pending": 1}
    assert counts["dossiers"] == {"open": 1}


def test_leases_exclude_a_second_holder_until_expiry(store):
    assert store.acquire_lease("poll:imap://u@h/INBOX", "proc-1", 60)
    assert not store.acquire_lease("poll:imap://u@h/INBOX", "proc-2", 60)
    assert store.acquire_lease("poll:imap://u@h/INBOX", "proc-1", 60)  # renewal
    store.release_lease("poll:imap://u@h/INBOX", "proc-2")  # not the holder: no effect
    assert not store.acquire_lease("poll:imap://u@h/INBOX", "proc-2", 60)
    store.release_lease("poll:imap://u@h/INBOX", "proc-1")
    assert store.acquire_lease("poll:imap://u@h/INBOX", "proc-2", -1)  # already expired
    assert store.acquire_lease("poll:imap://u@h/INBOX", "proc-3", 60)


def test_mailbox_state_after_polls(store):
    assert store.mailbox_state("imap://u@h/INBOX") is None
    log = store.mailbox_log
    log.advance("imap://u@h/INBOX", uidvalidity=4_000_000_000, last_uid=12, messages=3)
    log.polled("imap://u@h/INBOX")
    log.polled("imap://u@h/INBOX", error="login refused")
    state = store.mailbox_state("imap://u@h/INBOX")
    assert (state["uidvalidity"], state["last_uid"], state["polls"], state["messages"]) == (4_000_000_000, 12, 2, 3)
    assert state["last_error"] == "login refused" and state["last_poll_at"] is not None
    assert [m["key"] for m in store.mailbox_states()] == ["imap://u@h/INBOX"]


def test_two_processes_routing_the_same_claim_open_one_dossier(database_url):
    """Two writers at once (threads with their own engine, as two processes would): never two dossiers."""
    import threading

    from outputs.store import Store
    stores = [Store(database_url) for _ in range(2)]
    raws = [eml("B5555555", f"Tue, 05 Mar 2024 1{n}:00:00 +0000") for n in range(2)]
    ids = [st.add_raw(raw, src(f"/{n}"), "file")[0] for n, (st, raw) in enumerate(zip(stores, raws))]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def save(n: int) -> None:
        try:
            barrier.wait(10)
            stores[n].save_processed(ids[n], processed(raws[n], src(f"/{n}"), claim="B5555555"))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert _count(stores[0], Dossier) == 1
    assert sorted(r["decision"] for r in stores[0].export_records()) == ["attach", "auto_open"]
    for st in stores:
        st.close()
