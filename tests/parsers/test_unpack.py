"""The one bounded unpacker, as attachments and the archive sources use it."""
from __future__ import annotations


import pytest

from foundation.errors import ReadReason
from parsers.unpack import ArchiveError, Bounds, members, package_problem
from tests.archives import zip_bytes

BOUNDS = Bounds(max_members=3, max_member_bytes=5_000_000, max_total_bytes=8_000_000, max_ratio=100, max_depth=2)


_zip = zip_bytes


def test_members_come_in_name_order_without_folders_and_resource_forks():
    data = _zip({"b/2.txt": b"deux", "a.txt": b"un", "__MACOSX/._a.txt": b"x", ".DS_Store": b"x"})
    assert [(m.name, m.data, m.refused) for m in members(data, "zip", BOUNDS)] == [
        ("a.txt", b"un", None), ("b/2.txt", b"deux", None)]


def test_each_bound_refuses_with_its_reason():
    big = _zip({"a.bin": bytes(6_000_000)})
    refused = list(members(big, "zip", Bounds(3, 5_000_000, 8_000_000, 10_000, 2)))[0]
    assert refused.data == b"" and "member of 6000000 bytes" in refused.refused
    bomb = list(members(_zip({"a.bin": bytes(4_000_000)}), "zip", BOUNDS))[0]
    assert ReadReason.of(bomb.refused) == ReadReason.archive_refused and "ratio" in bomb.refused
    total = list(members(_zip({f"{n}.bin": bytes(3_000_000) for n in range(3)}), "zip", Bounds(3, 5_000_000, 8_000_000, 10_000, 2)))
    assert [m.refused is None for m in total] == [True, True, False] and "past 8000000" in total[2].refused
    with pytest.raises(ArchiveError) as caught:
        list(members(_zip({f"{n}.txt": b"x" for n in range(4)}), "zip", BOUNDS))
    assert "more than 3 members" in caught.value.reason


def test_a_broken_archive_is_an_error_not_a_crash():
    with pytest.raises(ArchiveError) as caught:
        list(members(b"PK\x03\x04 pas vraiment un zip", "zip", BOUNDS))
    assert ReadReason.of(caught.value.reason) == ReadReason.corrupt_file
    assert ReadReason.of(package_problem(b"PK\x03\x04 tronque", BOUNDS)) == ReadReason.corrupt_file
