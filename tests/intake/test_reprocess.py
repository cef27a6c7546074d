"""`intake reprocess`: every archive format once into the store, decisions again from the parse cache,
the shadow report that changes nothing, and a real run that keeps what reviewers did."""
from __future__ import annotations

import mailbox
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from foundation.config import load_config
from intake.cli import main
from intake.ingest import ingest_paths
from intake.reprocess import Filters, redecide
from outputs.reprocess_tables import ParseCache, RecordVersion
from outputs.store import Store
from outputs.tables import Event, RawMessage, RecordRow
from tests.outputs.factories import eml

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples" / "messages"
# Text mails (no OCR): one auto-opened, two sent to review under the shipped configuration.
AUTO, REVIEW_A, REVIEW_B = "courtier_02_bdg_sans_code.eml", "courtier_13_reprise_esthetique.eml", \
    "courtier_14_plombier_attendu.eml"
PICKS = (AUTO, REVIEW_A, REVIEW_B)


@pytest.fixture
def strict_config(tmp_path) -> str:
    path = tmp_path / "strict.yaml"
    path.write_text("rules:\n  trust_threshold: 0.99\n")   # above the calibrated confidence of most fields
    return str(path)


def _counts(store) -> dict:
    with store.session(read=True) as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                for m in (RawMessage, RecordRow, Event, RecordVersion, ParseCache)}


def _ingest(tmp_path, url) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in PICKS:
        shutil.copy(SAMPLES / name, folder / name)
    ingest_paths([str(folder)], url, workers=0)


def _ids_by_file(store) -> dict[str, int]:
    return {r["source"]["uri"].rsplit("/", 1)[-1]: rid for rid, r in
            ((c.record_id, c.machine_json) for c in store.reprocess_candidates())}


def test_each_archive_format_read_once(tmp_path, database_url, capsys):
    a = eml("B1111111", "Tue, 05 Mar 2024 09:00:00 +0100", body="Assuré: DURAND")
    b = eml("B2222222", "Wed, 06 Mar 2024 09:00:00 +0100", body="Assuré: LEROY")
    c = eml("B3333333", "Thu, 07 Mar 2024 09:00:00 +0100", body="Assuré: PETIT")
    d = eml("B4444444", "Fri, 08 Mar 2024 09:00:00 +0100", body="Assuré: ROUX")
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(SAMPLES / AUTO, folder / AUTO)
    (folder / "a.eml").write_bytes(a)
    box = mailbox.mbox(str(tmp_path / "mail.mbox"))
    box.add(mailbox.mboxMessage(b)), box.add(mailbox.mboxMessage(c))
    box.flush(), box.close()
    maildir = mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    maildir.add(mailbox.MaildirMessage(d))
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as z:
        z.writestr("odm/review.eml", (SAMPLES / REVIEW_A).read_bytes())
        z.writestr("odm/a.eml", a)                        # the same bytes as in the folder: stored once
    with tarfile.open(tmp_path / "b.tar.gz", "w:gz") as t:
        t.add(SAMPLES / REVIEW_B, arcname="x/review_b.eml")
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 this is no zip")
    paths = [str(folder), str(tmp_path / "mail.mbox"), str(tmp_path / "Maildir"), str(tmp_path / "a.zip"),
             str(tmp_path / "b.tar.gz"), str(tmp_path / "broken.zip")]
    argv = ["reprocess", *paths, "--database", database_url, "--workers", "0"]

    assert main(argv) == 0
    captured = capsys.readouterr()
    first = captured.out
    progress = [line for line in captured.err.splitlines() if line.startswith("reading")]
    assert progress and "8/8" in progress[-1] and "msg/s" in progress[-1] and "left" in progress[-1]
    with Store(database_url) as store:
        after_one = _counts(store)
        uris = sorted(r["source"]["uri"].split(str(tmp_path))[-1] for r in store.export_records())
        broken = [r for r in store.export_records() if r["source"]["uri"].endswith("broken.zip")]
    # 2 folder files + 2 mbox messages + 1 Maildir + 1 zip member new (1 known) + 1 tar member + broken zip
    assert after_one["raw_messages"] == after_one["records"] == 8, uris
    assert "already stored" in first and "│ already stored         │     1 │" in first
    assert broken and broken[0]["reasons"] == ["unreadable_input"]  # a bad archive gets a reason, the run goes on
    assert any("/Maildir/new/" in u for u in uris) and any(u.endswith("mail.mbox#2") for u in uris)

    assert main(argv + ["--no-progress"]) == 0             # again: nothing stored twice, nothing read twice
    second = capsys.readouterr().out
    with Store(database_url) as store:
        assert _counts(store) == after_one
    assert "│ read now               │     0 │" in second


def test_pst_is_refused_with_the_reason(tmp_path, capsys):
    (tmp_path / "box.pst").write_bytes(b"!BDN")
    url = f"sqlite:///{tmp_path}/x.db"
    assert main(["reprocess", str(tmp_path / "box.pst"), "--database", url]) == 2
    assert "libpff" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()                # refused, not stored


def test_from_store_decides_from_the_cache_without_reading(tmp_path, database_url):
    _ingest(tmp_path, database_url)
    config = load_config()
    with Store(database_url) as store:
        before = {c.record_id: c.machine_json for c in store.reprocess_candidates()}
        with store.session() as s:                         # the raw bytes gone: only the cache can serve
            s.execute(update(RawMessage).values(raw=b""))
        result = redecide(store, config, dry_run=True)
        assert (result.cached, result.reread, result.failed) == (3, 0, [])
        assert [c for c in result.changes if c.changed] == []   # same configuration, same records
        assert {c.record_id for c in result.changes} == set(before)

        forced = redecide(store, config, dry_run=True, reread=True, curve=False)
        assert forced.reread == 3 and forced.cached == 0
        assert all(c.changed and c.decision_after == "manual_review" for c in forced.changes)  # empty bytes now


def test_filters_select_records(tmp_path, database_url):
    _ingest(tmp_path, database_url)
    with Store(database_url) as store:
        ids = _ids_by_file(store)
        assert [c.record_id for c in store.reprocess_candidates(decision="auto_open")] == [ids[AUTO]]
        reviewed = {c.record_id for c in store.reprocess_candidates(decision="manual_review")}
        assert reviewed == {ids[REVIEW_A], ids[REVIEW_B]}
        assert list(store.reprocess_candidates(channel="no_such_channel")) == []
        reason = store.get_record(ids[REVIEW_A])["reasons"][0]
        assert ids[REVIEW_A] in {c.record_id for c in store.reprocess_candidates(reason=reason)}
        assert ids[AUTO] not in {c.record_id for c in store.reprocess_candidates(reason=reason)}


def test_dry_run_changes_nothing_and_writes_the_report(tmp_path, database_url, strict_config, capsys):
    _ingest(tmp_path, database_url)
    with Store(database_url) as store:
        export_before, counts_before = list(store.export_records()), _counts(store)
    report = tmp_path / "report" / "shadow.md"
    assert main(["reprocess", "--from-store", "--database", database_url, "--config", strict_config, "--dry-run",
                 "--report", str(report), "--no-progress"]) == 0
    out = capsys.readouterr().out
    with Store(database_url) as store:
        assert list(store.export_records()) == export_before
        assert _counts(store) == counts_before
    text = report.read_text()
    assert "dry run: nothing stored" in text and "## Per channel" in text
    assert AUTO in text and "auto_open | manual_review" in text          # the auto-opened one would go to review
    assert "kept (dossier opened)" in text                              # ...but its dossier is open: kept
    assert "| 0.50 |" in text and "| 1.00 | 0 |" in text                # the threshold curve, 0 at 1.00
    assert report.with_suffix(".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "allianz_courtage" in out and "kept" in out


def test_real_run_applies_versions_and_keeps_reviewers_work(tmp_path, database_url, strict_config):
    _ingest(tmp_path, database_url)
    strict = load_config(strict_config)
    with Store(database_url) as store:
        ids = _ids_by_file(store)
        store.correct_field(ids[REVIEW_B], "insured.last_name", "MARTIN", "reviewer@example.org")
        corrected = store.get_record(ids[REVIEW_B])
        auto = store.get_record(ids[AUTO])
        plain = store.get_record(ids[REVIEW_A])

        preview = redecide(store, strict, dry_run=True, curve=False)
        result = redecide(store, strict, dry_run=False, actor="ops@example.org", curve=False)
        outcome = {c.record_id: c for c in result.changes}
        assert {c.record_id: c.outcome for c in preview.changes if c.changed} == {
            rid: ("changed" if o.outcome == "applied" else o.outcome) for rid, o in outcome.items() if o.changed}

        assert outcome[ids[REVIEW_B]].outcome == "kept" and "corrected" in outcome[ids[REVIEW_B]].kept
        assert store.get_record(ids[REVIEW_B]) == corrected                 # the correction survives
        assert outcome[ids[AUTO]].outcome == "kept" and store.get_record(ids[AUTO]) == auto  # opened dossier
        assert outcome[ids[REVIEW_A]].outcome == "applied"
        new = store.get_record(ids[REVIEW_A])
        assert new != plain and new["reasons"] != plain["reasons"]
        versions = store.record_versions(ids[REVIEW_A])
        assert [v["version"] for v in versions] == [1] and versions[0]["machine_json"]["reasons"] == plain["reasons"]
        with store.session(read=True) as s:
            events = s.scalars(select(Event).where(Event.kind == "reprocessed")).all()
        assert [(e.record_id, e.actor, e.detail["version"]) for e in events] == [(ids[REVIEW_A], "ops@example.org", 2)]

        again = redecide(store, strict, dry_run=False, curve=False)        # applied once: now unchanged
        assert {c.record_id: c.outcome for c in again.changes}[ids[REVIEW_A]] == "unchanged"


def test_parse_cache_round_trip_shared_documents_and_reader_version(database_url):
    from foundation.models import SourceRef
    from parsers.version import reader_version
    from tests.outputs.factories import processed

    first = eml("B5555555", "Tue, 05 Mar 2024 09:00:00 +0100")
    second = eml("B6666666", "Wed, 06 Mar 2024 09:00:00 +0100")   # both carry the same scanned PDF (sha 0...0)
    with Store(database_url) as store:
        for raw, uri in ((first, "a.eml"), (second, "b.eml")):
            raw_id, _ = store.add_raw(raw, SourceRef(uri=uri), kind="file")
            done = processed(raw, SourceRef(uri=uri), claim="B5555555")
            store.save_processed(raw_id, done)
            assert store.cached_parse(done.record.source.sha256) == done.message   # text, word boxes, OCR flags
            assert store.cached_parse(done.record.source.sha256, version="parsers-0+tesseract-0") is None
        assert store.cache_counts() == {"message": 2, "document": 3}             # 2 bodies + 1 shared scan
        assert reader_version().startswith("parsers-")


def test_unreadable_messages_are_not_read_again_without_reread(tmp_path, database_url, strict_config):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 broken beyond repair")
    ingest_paths([str(tmp_path / "broken.pdf")], database_url, workers=0)
    with Store(database_url) as store:
        assert [c.machine_json["reasons"] for c in store.reprocess_candidates()] == [["unreadable_input"]]
        result = redecide(store, load_config(strict_config), dry_run=True, curve=False, read_missing=False)
        assert result.failed == [] and result.reread == 0
        assert [(c.decision_after, c.changed) for c in result.changes] == [("manual_review", False)]


def test_usage_errors_are_refused(tmp_path, capsys):
    url = f"sqlite:///{tmp_path}/x.db"
    (tmp_path / "a.eml").write_bytes(eml("B1111111", "Tue, 05 Mar 2024 09:00:00 +0100"))
    assert main(["reprocess", "--database", url]) == 2                                    # nothing to do
    assert main(["reprocess", str(tmp_path / "a.eml"), "--from-store", "--database", url]) == 2
    assert main(["reprocess", str(tmp_path / "a.eml"), "--dry-run", "--database", url]) == 2
    assert main(["reprocess", "--from-store", "--dry-run", "--celery", "--database", url]) == 2
    assert main(["reprocess", str(tmp_path / "missing.mbox"), "--database", url]) == 2
    assert "no such file" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()


def test_since_filters_on_the_message_date(tmp_path, database_url):
    from datetime import datetime, timezone

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "old.eml").write_bytes(eml("B1111111", "Tue, 05 Mar 2024 09:00:00 +0100"))
    (folder / "new.eml").write_bytes(eml("B2222222", "Tue, 05 Mar 2025 09:00:00 +0100"))
    ingest_paths([str(folder)], database_url, workers=0)
    with Store(database_url) as store:
        since = datetime(2025, 1, 1, tzinfo=timezone.utc)
        assert [c.source.uri.rsplit("/", 1)[-1] for c in store.reprocess_candidates(since=since)] == ["new.eml"]
        assert len(list(store.reprocess_candidates(since=datetime(2020, 1, 1, tzinfo=timezone.utc)))) == 2
