"""The archive source reads through the shared bounded unpacker (parsers/unpack.py): a bomb member is refused."""
from __future__ import annotations


from intake.sources.files import read_tasks
from tests.archives import zip_bytes

MSG = b"From: a@example.com\nSubject: %s\nDate: Mon, 02 Mar 2026 10:00:00 +0100\n\nbody\n"


_zip = zip_bytes


def test_the_archive_source_refuses_a_bomb_member_and_reads_the_others(tmp_path):
    (tmp_path / "export.zip").write_bytes(_zip({"1.eml": MSG % b"un", "2.eml": bytes(50_000_000), "3.eml": MSG % b"trois"}))
    tasks = list(read_tasks([str(tmp_path / "export.zip")]))
    assert [t.source.uri.rsplit("!/", 1)[1] for t in tasks] == ["1.eml", "2.eml", "3.eml"]
    assert [bool(t.raw) for t in tasks] == [True, False, True]
