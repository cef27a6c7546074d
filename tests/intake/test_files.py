"""The file door: folders walked in order, mbox split, non-message files skipped, unreadable files kept."""
from __future__ import annotations

from intake.sources.files import read_tasks

MSG = b"From: a@example.com\nSubject: %s\nDate: Mon, 02 Mar 2026 10:00:00 +0100\n\nbody %s\n"


def test_folder_walk_skips_expected_records_and_splits_mbox(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a.eml").write_bytes(MSG % (b"one", b"1"))
    (tmp_path / "b" / "c.eml").write_bytes(b"From x@y Mon Mar  2 10:00:00 2026\n" + MSG % (b"two", b"2"))
    (tmp_path / "b" / "expected.json").write_text("{}")
    (tmp_path / ".hidden.eml").write_bytes(MSG % (b"no", b"no"))
    box = b"".join(b"From x@y Mon Mar  2 10:00:00 2026\n" + MSG % (s, s) + b"\n" for s in (b"m1", b"m2", b"m3"))
    (tmp_path / "box.mbox").write_bytes(box)
    tasks = list(read_tasks([str(tmp_path)]))
    uris = [t.source.uri for t in tasks]
    assert uris == [str(tmp_path / "a.eml"), str(tmp_path / "b" / "c.eml")] + [
        f"{tmp_path / 'box.mbox'}#{n}" for n in (1, 2, 3)]
    assert b"Subject: m2" in tasks[3].raw
    assert all(t.source.received_at is not None for t in tasks)


def test_explicit_paths_keep_their_order_and_missing_files_still_give_a_task(tmp_path):
    (tmp_path / "x.txt").write_text("bonjour")
    (tmp_path / "y.txt").write_text("merci")
    missing = tmp_path / "gone.pdf"
    tasks = list(read_tasks([str(tmp_path / "y.txt"), str(missing), str(tmp_path / "x.txt")]))
    assert [t.source.uri for t in tasks] == [str(tmp_path / "y.txt"), str(missing), str(tmp_path / "x.txt")]
    assert tasks[1].raw == b""
