"""Office attachment read time per page on this machine, as a markdown table.

Run: PYTHONPATH=. .venv/bin/python bench/bench_office.py [repeat]

Inputs: the LibreOffice-made order of tests/parsers/fixtures/office in every format (one page), and a
10-page Word file built here, read natively (.docx) and through LibreOffice (.doc, converted to PDF then read
with word boxes). The time is the best of `repeat` reads of `read_document` (sniff, unpack, read).
"""
from __future__ import annotations

import io
import os
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["OMP_THREAD_LIMIT"] = "1"

from foundation.config import Limits  # noqa: E402
from parsers._exec import soffice  # noqa: E402
from parsers.documents import read_documents  # noqa: E402
from tests.parsers.office_fixtures import HERE  # noqa: E402


def ten_page_docx() -> bytes:
    import docx

    document = docx.Document()
    for page in range(1, 11):
        document.add_heading(f"Page {page} - ordre de mission", level=1)
        table = document.add_table(rows=8, cols=2)
        for r, (label, value) in enumerate([("Sinistre", f"B73{page:05d}"), ("Assuré", "M. PERRIN"),
                                            ("Téléphone", "06 11 22 33 44"), ("Adresse", "3 rue Haute"),
                                            ("Code postal", "49000"), ("Ville", "ANGERS"),
                                            ("Nature", "Dégât des eaux"), ("Cause réparée", "oui")]):
            table.cell(r, 0).text, table.cell(r, 1).text = label, value
        for _ in range(6):
            document.add_paragraph("Infiltration au plafond du séjour, peintures à reprendre après séchage. " * 3)
        if page < 10:
            document.add_page_break()
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def zipped(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buf.getvalue()


def measure(data: bytes, name: str, repeat: int) -> tuple[float, int, str]:
    limits = Limits()
    best, docs = float("inf"), []
    for _ in range(repeat):
        started = time.perf_counter()
        docs = read_documents(data, name, limits)
        best = min(best, time.perf_counter() - started)
    pages = sum(len(d.pages) for d in docs)
    how = "LibreOffice -> PDF" if any("converted_by_libreoffice" in d.notes for d in docs) else "library"
    return best * 1000, pages, how


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    inputs = [(f"ordre_de_mission.{ext}", (HERE / f"ordre_de_mission.{ext}").read_bytes())
              for ext in ("docx", "odt", "rtf", "xlsx", "xls", "ods", "doc")]
    inputs.append(("ordre.zip (docx inside)", zipped("ordre.docx", inputs[0][1])))
    big = ten_page_docx()
    inputs.append(("10 pages .docx", big))
    if soffice.available():
        inputs.append(("10 pages .doc", soffice.convert(big, ".docx", "doc:MS Word 97")))
    print(f"Office attachment read time (best of {repeat}; .doc: best of {min(repeat, 3)})\n")
    print("| input | bytes | read by | pages | ms per file | ms per page |")
    print("|---|---:|---|---:|---:|---:|")
    for name, data in inputs:
        ms, pages, how = measure(data, name.split(" ")[0], min(repeat, 3) if name.endswith(".doc") else repeat)
        print(f"| {name} | {len(data)} | {how} | {pages} | {ms:.1f} | {ms / max(pages, 1):.1f} |")


if __name__ == "__main__":
    main()
