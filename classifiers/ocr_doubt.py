"""A value OCR read with low confidence (handwriting, a smudge) is not trusted, whatever the page's mean says.

Field confidence from OCR pages is scaled by the page's mean word confidence (classifiers.text.ocr_scale); a
form printed clearly but filled in by hand has a good mean and bad values. Here each key field read from an
OCR page is matched back to the words it came from; when those words were read under
`confidence.ocr_word_low`, the field's confidence drops to their confidence and a signal `ocr_low_confidence`
tells the reviewer which value and how sure OCR was. The rules then give `low_confidence` (DOMAIN.md: a required
field read but not trusted, poor OCR) and the order goes to review instead of opening on a guess.
"""
from __future__ import annotations

import re
from typing import Optional

from classifiers.settings import classifier_settings
from foundation.models import Extraction, FieldValue, Page, ParsedMessage, Signal, Word

SIGNAL = "ocr_low_confidence"
_KEEP = re.compile(r"[^0-9a-z]")


def _norm(text: str) -> str:
    return _KEEP.sub("", text.lower())


def _page_of(msg: ParsedMessage, fv: FieldValue) -> Optional[Page]:
    for doc in msg.documents():
        if doc.name == fv.part and doc.ocr:
            for page in doc.pages:
                if page.ocr and page.words and (fv.page is None or page.number == fv.page):
                    return page
    return None


def spelled(name: str, value: object) -> str:
    """The value as it is printed on the page: a phone stored as +33... is written 0..."""
    text = str(value)
    if name == "phone" and text.startswith("+33"):
        text = "0" + text[3:]
    return text


def value_confidence(page: Page, value: str) -> Optional[float]:
    """The OCR confidence of the words that spell `value` on a row of `page`, averaged by letters; the best row
    when the value is written more than once (None: not found). Label words are not part of it: a clear label
    must not vouch for a smudged value."""
    target = _norm(value)
    if len(target) < 2:
        return None
    found = [w for w in page.words if w.conf is not None and len(_norm(w.text)) >= 2 and _norm(w.text) in target]
    if not found:
        return None
    rows: dict[int, list[Word]] = {}
    for w in found:
        rows.setdefault(round((w.y0 + w.y1) / 2 / max(w.y1 - w.y0, 1.0)), []).append(w)
    confs = [sum((w.conf or 0.0) * len(_norm(w.text)) for w in ws) / n for ws in rows.values()
             if (n := sum(len(_norm(w.text)) for w in ws)) >= 0.5 * len(target)]
    return max(confs) if confs else None   # printed clearly once on the page is enough


def apply(extraction: Extraction, msg: ParsedMessage, config: object) -> Extraction:
    """Lower the confidence of key fields spelled by low-confidence OCR words, with a signal per field."""
    cs = classifier_settings(config)
    low = cs.s.confidence.ocr_word_low
    fields = dict(extraction.fields)
    signals = list(extraction.signals)
    changed = False
    for name in cs.s.ocr_checked_fields:
        fv = fields.get(name)
        if fv is None or fv.value in (None, "") or not fv.part:
            continue
        page = _page_of(msg, fv)
        if page is None:
            continue
        conf = value_confidence(page, spelled(name, fv.value))
        if conf is None or conf >= low:
            continue
        fields[name] = fv.model_copy(update={"confidence": min(fv.confidence, round(conf, 3)), "reason": "ocr_word_low"})
        signals.append(Signal(name=SIGNAL, detail=f"{name}: {spelled(name, fv.value)} (OCR {conf:.0%})", weight=1))
        changed = True
    return extraction.model_copy(update={"fields": fields, "signals": signals}) if changed else extraction


def doubted(extraction: Extraction) -> set[str]:
    """Field names OCR doubted (for the rules: a required field among them is not trusted)."""
    return {s.detail.split(":", 1)[0] for s in extraction.signals if s.name == SIGNAL}
