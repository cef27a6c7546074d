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


def test_zip_and_tar_archives_are_read_member_by_member(tmp_path):
    import tarfile
    import zipfile
    with zipfile.ZipFile(tmp_path / "odm.zip", "w") as archive:
        archive.writestr("2026/a.eml", MSG % (b"za", b"a"))
        archive.writestr("2026/b.txt", "texte libre")
        archive.writestr("__MACOSX/._a.eml", "junk")
    src = tmp_path / "t.eml"
    src.write_bytes(MSG % (b"ta", b"t"))
    with tarfile.open(tmp_path / "odm.tar.gz", "w:gz") as archive:
        archive.add(src, arcname="box/t.eml")
    src.unlink()
    tasks = list(read_tasks([str(tmp_path)]))
    assert [t.source.uri for t in tasks] == [
        f"{tmp_path / 'odm.tar.gz'}!/box/t.eml", f"{tmp_path / 'odm.zip'}!/2026/a.eml", f"{tmp_path / 'odm.zip'}!/2026/b.txt"]
    assert b"Subject: za" in tasks[1].raw and tasks[2].raw == "texte libre".encode()


def test_broken_archive_still_gives_one_task(tmp_path):
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 not really a zip")
    tasks = list(read_tasks([str(tmp_path / "bad.zip")]))
    assert len(tasks) == 1 and tasks[0].raw == b""
