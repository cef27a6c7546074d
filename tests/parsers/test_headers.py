from __future__ import annotations

from datetime import datetime, timezone

from parsers.headers import peek


def test_peek_reads_message_id_and_date_in_utc():
    raw = b"Subject: x\r\nMessage-ID:  <abc@host>\r\nDate: Tue, 05 Mar 2024 10:30:00 +0100\r\n\r\nbody\r\nDate: nope\r\n"
    mid, date = peek(raw)
    assert mid == "<abc@host>"
    assert date == datetime(2024, 3, 5, 9, 30, tzinfo=timezone.utc)


def test_peek_gives_nothing_for_binary_files_and_garbage():
    assert peek(b"%PDF-1.7\n...") == (None, None)
    assert peek(b"II*\x00\x08\x00") == (None, None)
    assert peek(b"") == (None, None)
    assert peek(b"Date: the day after tomorrow\r\n\r\n") == (None, None)
    assert peek(b"\xff\xfe\x00garbage" * 1000)[1] is None


def test_peek_takes_a_date_without_zone_as_utc():
    assert peek(b"Date: 5 Mar 2024 10:30:00\n\n")[1] == datetime(2024, 3, 5, 10, 30, tzinfo=timezone.utc)
