from parsers import sniff as sn


def test_pdf_detected_anywhere_in_first_kilobyte():
    assert sn.sniff(b"junk" * 10 + b"%PDF-1.4\n...", "scan.tif") == sn.PDF


def test_images_by_magic_not_by_name():
    assert sn.sniff(b"II*\x00" + b"\x00" * 20, "ordre.PDF") == sn.TIFF
    assert sn.sniff(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, None) == sn.PNG
    assert sn.sniff(b"\xff\xd8\xff\xe0" + b"\x00" * 20, "x.bin") == sn.JPEG


def test_email_headers_and_text():
    assert sn.sniff(b"From: a@b.fr\r\nSubject: ODM\r\nDate: Mon, 1 Jan 2024 10:00:00 +0100\r\n\r\nBonjour", None) == sn.EMAIL
    assert sn.sniff("Bonjour, voici l'ordre de mission.\n".encode(), "a.txt") == sn.TEXT


def test_ole_and_unknown_binary():
    assert sn.sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "x.msg") == sn.OLE
    assert sn.sniff(bytes(range(256)) * 4, None) == sn.UNKNOWN
