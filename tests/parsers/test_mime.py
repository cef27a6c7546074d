"""MIME parsing on messages built with the stdlib, plus raw byte messages for the broken cases."""
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from parsers import parse_message

from .conftest import text_pdf


def _base(subject="Ordre de mission", sender="Agence Allianz <Agence.Paris@Allianz.fr>") -> MIMEMultipart:
    msg = MIMEMultipart()
    msg["From"] = sender
    msg["To"] = "Missions <missions@example.fr>, autre@example.fr"
    msg["Subject"] = subject
    msg["Date"] = "Tue, 05 Mar 2024 09:15:00 +0100"
    msg["Message-ID"] = "<abc@allianz.fr>"
    return msg


def test_headers_body_and_pdf_attachment_found_by_content():
    msg = _base()
    msg.attach(MIMEText("Bonjour, veuillez trouver l'ODM.", "plain", "utf-8"))
    part = MIMEApplication(text_pdf(["Numero de sinistre : B7654321", "Degats des eaux chez M. MARTIN"]), "octet-stream")
    part.add_header("Content-Disposition", "attachment", filename="ODM")
    msg.attach(part)
    parsed = parse_message(msg.as_bytes(), "m.eml")
    assert parsed.kind == "email" and parsed.unreadable is None
    assert parsed.sender == "agence.paris@allianz.fr" and parsed.sender_name == "Agence Allianz"
    assert parsed.recipients == ["missions@example.fr", "autre@example.fr"]
    assert parsed.date is not None and parsed.date.utcoffset() is not None
    assert parsed.message_id == "<abc@allianz.fr>"
    assert "trouver l'ODM" in parsed.body.text and parsed.body.is_body
    [att] = parsed.attachments
    assert att.content_type == "application/pdf" and att.declared_type == "application/octet-stream"
    assert "B7654321" in att.text and att.pages[0].words


def test_rfc2047_subject_and_rfc2231_filename():
    msg = _base(subject="=?iso-8859-1?q?Sinistre_d=E9g=E2ts_des_eaux?=")
    msg.attach(MIMEText("corps", "plain", "utf-8"))
    part = MIMEApplication(text_pdf(["Reference B1111111 pour le dossier"]), "pdf")
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", "Ordre de mission été.PDF"))
    msg.attach(part)
    parsed = parse_message(msg.as_bytes())
    assert parsed.subject == "Sinistre dégâts des eaux"
    assert parsed.attachments[0].filename == "Ordre de mission été.PDF"


def test_html_only_body_converted_and_raw_html_kept():
    msg = EmailMessage()
    msg["From"] = "plateforme@allianz.fr"
    msg["Subject"] = "Mission"
    msg.set_content("<html><body><table><tr><td>Sinistre</td><td>C0045123</td></tr></table></body></html>", subtype="html")
    parsed = parse_message(msg.as_bytes())
    assert "Sinistre | C0045123" in parsed.body.text
    assert "<table>" in parsed.html


def test_plain_preferred_unless_much_shorter_than_html():
    msg = _base()
    alt = MIMEMultipart("alternative")
    alt.attach(MIMEText("Voir la version HTML", "plain", "utf-8"))
    alt.attach(MIMEText("<p>" + "Description détaillée du sinistre. " * 20 + "</p>", "html", "utf-8"))
    msg.attach(alt)
    parsed = parse_message(msg.as_bytes())
    assert "Description détaillée" in parsed.body.text


def test_forwarded_rfc822_part_becomes_a_document_with_its_attachments():
    inner = _base(subject="ODM B1234567", sender="Agent <agent@allianz.fr>")
    inner.attach(MIMEText("Mission pour M. DUPONT", "plain", "utf-8"))
    pdf = MIMEApplication(text_pdf(["Sinistre B1234567 au domicile de l'assure"]), "pdf")
    pdf.add_header("Content-Disposition", "attachment", filename="odm.pdf")
    inner.attach(pdf)
    outer = _base(subject="TR: ODM B1234567")
    outer.attach(MIMEText("Pour info", "plain", "utf-8"))
    outer.attach(MIMEMessage(inner))
    parsed = parse_message(outer.as_bytes())
    fwd = parsed.attachments[0]
    assert fwd.name == "forwarded-1.eml" and fwd.content_type == "message/rfc822"
    assert fwd.forwarded_subject == "ODM B1234567" and fwd.forwarded_sender == "agent@allianz.fr"
    assert fwd.forwarded_date is not None
    assert "M. DUPONT" in fwd.text
    assert any(a.filename == "odm.pdf" and "B1234567" in a.text for a in parsed.attachments[1:])


def test_8bit_headers_bogus_charset_and_garbage_cte():
    raw = ("From: =?utf-8?q?Cabinet_L=C3=A9on?= <Courtier@Example.FR>\r\n"
           "Subject: Sinistre réf C123 dégâts\r\n"
           "Date: not a date\r\n"
           "Content-Type: text/plain; charset=x-bogus-charset\r\n"
           "Content-Transfer-Encoding: garbage\r\n\r\n").encode("utf-8") + "Dégâts des eaux".encode("cp1252")
    parsed = parse_message(raw)
    assert parsed.subject == "Sinistre réf C123 dégâts"
    assert parsed.sender == "courtier@example.fr" and parsed.sender_name == "Cabinet Léon"
    assert parsed.date is None
    assert parsed.body.text == "Dégâts des eaux"


def test_automatic_mail_kinds():
    def mail(headers: str) -> bytes:
        return (headers + "Subject: x\r\nContent-Type: text/plain\r\n\r\nbody").encode()

    assert parse_message(mail("From: MAILER-DAEMON@mx.example.fr\r\n")).automatic == "bounce"
    assert parse_message(mail("From: a@b.fr\r\nAuto-Submitted: auto-replied\r\n")).automatic == "auto_replied"
    assert parse_message(mail("From: a@b.fr\r\nAuto-Submitted: auto-generated\r\n")).automatic == "auto_generated"
    assert parse_message(mail("From: a@b.fr\r\nX-Autoreply: yes\r\n")).automatic == "auto_replied"
    assert parse_message(mail("From: a@b.fr\r\nAuto-Submitted: no\r\n")).automatic is None
    assert parse_message(mail("From: a@b.fr\r\nPrecedence: bulk\r\n")).automatic == "bulk"
    receipt = ("From: a@b.fr\r\nContent-Type: multipart/report; report-type=disposition-notification; boundary=B\r\n\r\n"
               "--B\r\nContent-Type: text/plain\r\n\r\nlu\r\n--B\r\nContent-Type: message/disposition-notification\r\n\r\n"
               "Disposition: manual-action/MDN-sent-manually; displayed\r\n--B--\r\n").encode()
    parsed = parse_message(receipt)
    assert parsed.automatic == "read_receipt"
    assert parsed.headers["Content-Type"].startswith("multipart/report")


def test_text_file_and_empty_input():
    parsed = parse_message("Sinistre B1234567 : dégâts des eaux".encode("cp1252"), "note.txt")
    assert parsed.kind == "text" and parsed.body.text == "Sinistre B1234567 : dégâts des eaux"
    assert parse_message(b"", "x.eml").unreadable == "empty_input"
    assert parse_message(b"\x00\x01\x02garbage" * 10, "x.bin").unreadable.startswith("unsupported_format")


def _png(size: tuple[int, int], text: str = "") -> bytes:
    import io

    from PIL import Image, ImageDraw, ImageFont

    from .conftest import FONT
    im = Image.new("L", size, 255)
    if text:
        ImageDraw.Draw(im).text((40, 40), text, font=ImageFont.truetype(FONT, 48), fill=0)
    buf = io.BytesIO()
    im.save(buf, format="PNG", dpi=(300, 300))
    return buf.getvalue()


def test_image_attachment_found_by_content_and_tiny_inline_logo_not_ocred():
    msg = _base()
    alt = MIMEMultipart("related")
    alt.attach(MIMEText("<p>Bonjour <img src='cid:logo'></p>", "html", "utf-8"))
    logo = MIMEApplication(_png((120, 40)), "octet-stream")
    logo.add_header("Content-ID", "<logo>")
    logo.add_header("Content-Disposition", "inline")
    alt.attach(logo)
    msg.attach(alt)
    scan = MIMEApplication(_png((1400, 300), "Sinistre B1234567"), "octet-stream")
    scan.add_header("Content-Disposition", "attachment", filename="SCAN")
    msg.attach(scan)
    parsed = parse_message(msg.as_bytes())
    logo_doc, scan_doc = parsed.attachments
    assert logo_doc.content_type == "image/png" and not logo_doc.ocr and logo_doc.text == ""
    assert scan_doc.content_type == "image/png" and scan_doc.ocr and "B1234567" in scan_doc.text.replace(" ", "")


def test_x_uuencode_body_and_broken_parts_do_not_cost_the_message():
    import binascii

    line = binascii.b2a_uu("Sinistre B1234567".encode())
    raw = (b"From: a@b.fr\r\nSubject: uu\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n"
           b"--X\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 a.txt\r\n" + line +
           b"`\r\nend\r\n--X\r\nContent-Type: application/pdf; name=odm.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           b"JVBERi0xLjQKJeLjz9MK!!!notbase64\r\n--X\r\nContent-Type: application/ms-tnef; name=winmail.dat\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\neJ8+IgAAAQ==\r\n--X--\r\n")
    parsed = parse_message(raw)
    assert parsed.unreadable is None
    assert "B1234567" in parsed.body.text
    pdf = next(a for a in parsed.attachments if a.filename == "odm.pdf")
    assert pdf.error == "corrupt_pdf"
    tnef = next(a for a in parsed.attachments if a.content_type == "application/ms-tnef")
    assert tnef.error in ("empty_tnef",) or tnef.error.startswith("corrupt_tnef")


def test_outlook_msg_garbage_is_a_clear_reason():
    ole_header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert parse_message(ole_header, "mail.msg").unreadable == "unsupported_format: outlook_msg"
