"""Shared builders for the portal tests: a small ODM form PDF (reportlab) and the hostile mail body."""
from __future__ import annotations

import io

HOSTILE_HTML = ('<p>Bonjour, voici la mission.</p><script>window.__pwned = "script";</script>'
                '<img src="x" onerror="window.__pwned = \'onerror\'">'
                '<a href="javascript:window.__pwned=\'link\'" id="evil-link">cliquez</a>'
                '<div style="background:url(https://tracker.example/t.png)">suivi</div>')


def odm_pdf(claim: str = "B7654321", name: str = "LEFEBVRE", postcode: str = "33000") -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(60, 780, "ORDRE DE MISSION - AGENCE ALLIANZ")
    pdf.setFont("Helvetica", 12)
    lines = [f"N de sinistre : {claim}", "Code agent : 4521", f"Assure : M. {name} Alain",
             f"Adresse : 8 cours de l'Intendance {postcode} BORDEAUX", "Telephone : 05 56 00 11 22",
             "Nature : degat des eaux, plafond de la salle de bains", "Cause reparee : oui (plombier passe le 02/03)"]
    for i, line in enumerate(lines):
        pdf.drawString(60, 740 - 24 * i, line)
    pdf.rect(50, 540, 495, 220)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
