"""The LibreOffice wrapper: a real conversion, and a timeout that leaves no process behind."""
from __future__ import annotations

import time

import psutil
import pytest

from parsers._exec import soffice
from tests.parsers.office_fixtures import HERE

pytestmark = pytest.mark.skipif(not soffice.available(), reason="LibreOffice (soffice) not installed")


def _processes_using(marker: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if any(marker in part for part in proc.info["cmdline"] or []):
                found.append(proc)
        except psutil.Error:
            continue
    return found


def test_doc_converts_to_pdf_in_a_private_profile(tmp_path):
    pdf = soffice.convert((HERE / "ordre_de_mission.doc").read_bytes(), ".doc", "pdf", tmp_root=tmp_path)
    assert pdf.startswith(b"%PDF")
    assert list(tmp_path.iterdir()) == []          # profile, input and output are gone
    assert not _processes_using(str(tmp_path))


def test_a_timeout_kills_the_whole_process_group(tmp_path):
    with pytest.raises(soffice.SofficeError) as caught:
        soffice.convert((HERE / "ordre_de_mission.doc").read_bytes(), ".doc", "pdf", timeout_s=0.3, tmp_root=tmp_path)
    assert caught.value.reason == "timeout"
    deadline = time.monotonic() + 5
    while _processes_using(str(tmp_path)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _processes_using(str(tmp_path))


def test_garbage_is_a_conversion_failure_not_a_crash(tmp_path):
    with pytest.raises(soffice.SofficeError) as caught:
        soffice.convert(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), ".doc", "pdf", tmp_root=tmp_path)
    assert caught.value.reason == "convert_failed"
