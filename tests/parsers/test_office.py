"""Office attachments read from files LibreOffice wrote (tests/parsers/office_fixtures.py made them)."""
from __future__ import annotations

import io
import zipfile

import pytest

from foundation.config import Limits
from foundation.errors import ReadReason
from parsers import sniff as sn
from parsers._exec import soffice
from parsers.documents import read_document, read_documents
from parsers.message import parse_message
from parsers.sheets import cell_text
from tests.parsers.office_fixtures import EXPECTED, HERE, SHEET_ROWS, TEXT_ROWS

FORMATS = {"doc": sn.DOC, "docx": sn.DOCX, "odt": sn.ODT, "rtf": sn.RTF, "xlsx": sn.XLSX, "xls": sn.XLS, "ods": sn.ODS}
WRITER = ("doc", "docx", "odt", "rtf")
needs_soffice = pytest.mark.skipif(not soffice.available(), reason="LibreOffice (soffice) not installed")


def fixture(ext: str) -> bytes:
    return (HERE / f"ordre_de_mission.{ext}").read_bytes()


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_each_format_is_told_by_its_content_not_its_name(ext):
    data = fixture(ext)
    assert sn.sniff(data, f"ordre.{ext}") == FORMATS[ext]
    assert sn.sniff(data, "scan.pdf", "application/octet-stream") == FORMATS[ext]
    assert sn.sniff(data, None) == FORMATS[ext]


def test_a_plain_zip_and_an_outlook_file_stay_what_they_are():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("rapport.xml", "<feedback/>")
    assert sn.sniff(buf.getvalue(), "ordre.docx") == sn.ZIP
    assert sn.sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "x.doc") == sn.OLE


@pytest.mark.parametrize("ext", [e for e in sorted(FORMATS) if e != "doc"])
def test_libraries_read_every_field_in_document_order(ext):
    doc = read_document(fixture(ext), f"ordre.{ext}", Limits())
    assert doc.error is None and doc.pages, doc.error
    text = doc.text
    rows = TEXT_ROWS if ext in WRITER else SHEET_ROWS
    positions = [text.find(label) for label, _ in rows]
    assert all(p >= 0 for p in positions), text
    assert positions == sorted(positions), "rows out of order"
    for label, value in rows[1:]:   # a label and its value stay on one line, tab-separated
        assert f"{label}\t{value}" in text
    assert "Code agent" in text.split(rows[1][0])[0] or ext not in WRITER   # the page header comes first


@needs_soffice
def test_doc_is_converted_by_libreoffice_and_keeps_word_boxes():
    doc = read_document(fixture("doc"), "ordre.doc", Limits())
    assert doc.error is None, doc.error
    assert "converted_by_libreoffice" in doc.notes
    page = doc.pages[0]
    assert "B7305518" in page.text and "GRANDJEAN" in page.text and "Code agent" in page.text
    claim = next(w for w in page.words if w.text == "B7305518")
    label = next(w for w in page.words if w.text == "sinistre")
    assert abs(claim.y0 - label.y0) < 3 and claim.x0 > label.x1   # on the label's line, to its right


def test_docx_page_breaks_make_pages_and_text_boxes_are_read():
    import docx

    document = docx.Document()
    document.add_paragraph("Première page : N° de sinistre B1111111")
    document.add_page_break()
    document.add_paragraph("Deuxième page : assuré M. PERRIN")
    buf = io.BytesIO()
    document.save(buf)
    doc = read_document(buf.getvalue(), "x.docx", Limits())
    assert [p.number for p in doc.pages] == [1, 2]
    assert "B1111111" in doc.pages[0].text and "PERRIN" in doc.pages[1].text


def test_a_corrupt_docx_gives_an_unreadable_reason_not_a_crash():
    data = fixture("docx")
    for broken in (data[: len(data) // 2], data[:200] + bytes(300) + data[500:]):
        doc = read_document(broken, "ODM.docx", Limits(), content_type=sn.DOCX)
        assert ReadReason.of(doc.error) in (ReadReason.corrupt_file, ReadReason.read_failed, ReadReason.convert_failed), doc.error
        assert not doc.pages
    parsed = parse_message(data[: len(data) // 2], "ODM.docx")
    assert ReadReason.of(parsed.unreadable) == ReadReason.corrupt_file


def test_a_docx_package_past_the_bounds_is_refused_before_it_is_inflated():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b" " * 20_000_000)
    doc = read_document(buf.getvalue(), "bombe.docx", Limits())
    assert doc.content_type == sn.DOCX
    assert ReadReason.of(doc.error) == ReadReason.archive_refused and "ratio" in doc.error


def test_spreadsheet_cells_print_as_a_french_order_would():
    from datetime import datetime
    assert cell_text(datetime(2026, 3, 10)) == "10/03/2026"
    assert cell_text(1500.0) == "1500" and cell_text(1234.5) == "1234,50"
    assert cell_text(True) == "oui" and cell_text(None) == ""


def test_spreadsheet_cells_past_the_limit_are_not_read():
    import openpyxl

    book = openpyxl.Workbook()
    for r in range(1, 201):
        book.active.append([f"ligne {r}", r])
    buf = io.BytesIO()
    book.save(buf)
    doc = read_document(buf.getvalue(), "x.xlsx", Limits(office_max_cells=100))
    assert "ligne 50" in doc.text and "ligne 51" not in doc.text


def test_a_zip_holding_orders_gives_one_document_per_member():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ODM/ordre.DOCX", fixture("docx"))
        archive.writestr("ODM/feuille.ods", fixture("ods"))
        archive.writestr("__MACOSX/ODM/._ordre.DOCX", b"junk")
    docs = read_documents(buf.getvalue(), "pieces.zip", Limits())
    assert [d.name for d in docs] == ["pieces.zip", "pieces.zip/ODM/feuille.ods", "pieces.zip/ODM/ordre.DOCX"]
    assert docs[0].error is None and docs[1].content_type == sn.ODS and docs[2].content_type == sn.DOCX
    assert "B7305518" in docs[2].text and "B7310042" in docs[1].text


def _zip(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buf.getvalue()


def test_nested_archives_are_read_to_the_depth_limit_then_refused():
    two = _zip("b.zip", _zip("ordre.docx", fixture("docx")))
    docs = read_documents(two, "a.zip", Limits())
    assert any("B7305518" in d.text for d in docs)
    three = _zip("c.zip", two)
    docs = read_documents(three, "x.zip", Limits())
    refused = [d for d in docs if ReadReason.of(d.error) == ReadReason.archive_refused]
    assert refused and "nested" in refused[0].error
    assert not any("B7305518" in d.text for d in docs)


def test_a_zip_bomb_is_refused_with_a_reason():
    bomb = _zip("facture.pdf", bytes(25_000_000))      # 25 MB of zeros packs into ~25 kB
    docs = read_documents(bomb, "pieces.zip", Limits())
    member = docs[1]
    assert ReadReason.of(member.error) == ReadReason.archive_refused and "ratio" in member.error
    assert member.size == 0 and docs[0].notes


def test_a_7z_archive_is_unpacked_like_a_zip(tmp_path):
    import py7zr

    path = tmp_path / "ordre.7z"
    with py7zr.SevenZipFile(path, "w") as archive:
        archive.writestr(fixture("rtf"), "ordre.rtf")
    data = path.read_bytes()
    assert sn.sniff(data, None) == sn.SEVEN_Z
    docs = read_documents(data, "ordre.7z", Limits())
    assert docs[1].content_type == sn.RTF and "GRANDJEAN" in docs[1].text


def test_bare_office_files_read_like_a_mail_with_one_attachment():
    parsed = parse_message(fixture("xlsx"), "mission.xlsx")
    assert parsed.unreadable is None and parsed.body is None
    assert EXPECTED["calc"]["claim_number"] in parsed.attachments[0].text


def test_a_table_of_records_reads_label_beside_value_and_a_form_stays_as_it_is():
    from parsers.sheets import sheet_lines

    records = [["N° sinistre", "", "Assuré", "Tél."], ["C0461207", "", "VASSEUR", "06 31 45 98 02"],
               ["C0461301", "", "MARTIN", ""], [], ["Total", "2"]]
    assert sheet_lines(records) == ["N° sinistre\tC0461207", "Assuré\tVASSEUR", "Tél.\t06 31 45 98 02", "",
                                    "N° sinistre\tC0461301", "Assuré\tMARTIN", "", "Total\t2"]
    form = [["ORDRE DE MISSION"], ["Code agent", "741852"], ["Nom", "DUPONT"]]
    assert sheet_lines(form) == ["ORDRE DE MISSION", "Code agent\t741852", "Nom\tDUPONT"]
    titles_only = [["Nom", "Adresse", "Ville"], ["Remarque : rien à signaler"]]
    assert sheet_lines(titles_only) == ["Nom\tAdresse\tVille", "Remarque : rien à signaler"]


@pytest.mark.slow
@needs_soffice
def test_a_scan_pasted_into_word_is_converted_and_ocred():
    import docx
    from docx.shared import Cm
    from tests.parsers.conftest import fax_image

    png = io.BytesIO()
    fax_image(skew=0.0, noise=0.0).save(png, format="PNG")
    document = docx.Document()
    document.add_picture(io.BytesIO(png.getvalue()), width=Cm(18))
    buf = io.BytesIO()
    document.save(buf)
    doc = read_document(buf.getvalue(), "scan.docx", Limits())
    assert "converted_by_libreoffice" in doc.notes and doc.ocr
    assert "B1234567" in doc.text.replace(" ", "")


def _with_part(ext: str, part: str, edit) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(fixture(ext)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, edit(data) if info.filename == part else data)
    return out.getvalue()


@pytest.mark.slow
def test_an_entity_expansion_bomb_in_the_xml_is_refused():
    entities = "".join(f'<!ENTITY e{i} "' + (f"&e{i - 1};" if i > 1 else "lol") * 10 + '">' for i in range(1, 10))
    dtd = f'<?xml version="1.0"?><!DOCTYPE d [{entities}]>'.encode()

    def bomb(data: bytes) -> bytes:
        return dtd + data.split(b"?>", 1)[1].replace(b"B7305518", b"&e9;")
    for ext, part in (("odt", "content.xml"), ("docx", "word/document.xml")):
        doc = read_document(_with_part(ext, part, bomb), f"x.{ext}", Limits())
        assert doc.error and not doc.pages, (ext, doc.error)
