import io

from foundation.config import Limits
from parsers import parse_message
from parsers.pdf import read_pdf

from .conftest import fax_image, text_pdf


def test_text_pdf_words_have_boxes_in_points_top_left_origin():
    result = read_pdf(text_pdf(["Numero de sinistre : B1234567", "Assure : DUPONT"]), Limits())
    assert result.error is None and not result.ocr
    page = result.pages[0]
    assert "Numero de sinistre : B1234567" in page.text
    word = next(w for w in page.words if w.text == "B1234567")
    assert 60 < word.x0 < word.x1 < 400
    assert 30 < word.y0 < word.y1 < 80  # first line, near the top of an A4 page


def test_bare_pdf_has_the_shape_of_a_mail_with_one_attachment():
    parsed = parse_message(text_pdf(["Ordre de mission B1234567 pour le client"]), "odm.pdf")
    assert parsed.kind == "pdf" and parsed.body is None and parsed.unreadable is None
    assert parsed.attachments[0].name == "odm.pdf" and "B1234567" in parsed.attachments[0].text


def test_corrupt_and_encrypted_pdfs_give_reasons():
    assert parse_message(b"%PDF-1.4\n garbage", "x.pdf").unreadable == "corrupt_pdf"


def test_encrypted_pdf_with_user_password():
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.drawString(100, 700, "Sinistre B1234567")
    c.save()
    parsed = parse_message(buf.getvalue(), "enc.pdf")
    assert parsed.unreadable == "encrypted_pdf"
    assert parsed.attachments[0].error == "encrypted_pdf"


def test_acroform_values_are_appended_as_field_lines():
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(50, 800, "Formulaire ordre de mission agence")
    c.acroForm.textfield(name="numero_sinistre", value="B7777777", x=50, y=700, width=200, height=20)
    c.acroForm.textfield(name="code_agent", value="A12345", x=50, y=650, width=200, height=20)
    c.save()
    text = read_pdf(buf.getvalue(), Limits()).pages[0].text
    assert "numero_sinistre: B7777777" in text
    assert "code_agent: A12345" in text


def test_image_only_page_is_ocred():
    pdf = text_pdf(["Page de garde avec assez de texte pour ne pas etre OCR"], image_page=fax_image(skew=0.0, dpi=200))
    result = read_pdf(pdf, Limits(ocr_dpi=200))
    assert not result.pages[0].ocr
    assert result.pages[1].ocr and "sinistre" in result.pages[1].text.lower()
    assert result.ocr
