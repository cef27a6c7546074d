"""Dates and amounts as French mail writes them.

Dates: "12/03/2026", "12.03.26", "12 mars 2026", "le 3 février", "1er avril". A date without a year takes the
message's year unless that puts it after the message (then the year before). Amounts: "1 234,56 €",
"1.234,56 EUR", "850 € TTC", "€ 300".
"""
from __future__ import annotations

import re
from datetime import date
from typing import Optional

MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5,
    "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "sep": 9, "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
    # Dutch
    "januari": 1, "februari": 2, "maart": 3, "mei": 5, "juni": 6, "juli": 7, "augustus": 8, "oktober": 10,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
NUMERIC_DATE = re.compile(r"(?<![\d/.\-])(?P<d>[0-3]?\d)\s?[/.\-]\s?(?P<m>[01]?\d)(?:\s?[/.\-]\s?(?P<y>\d{4}|\d{2}))?(?![\d/])")
TEXT_DATE = re.compile(
    rf"(?<![\w])(?P<d>[0-3]?\d)\s*(?:er|e|eme)?\s+(?P<m>{_MONTH_ALT})\.?(?:\s+(?P<y>\d{{4}}|\d{{2}}))?(?![\w])",
    re.IGNORECASE)


def _resolve(day: int, month: int, year_text: Optional[str], ref: date) -> Optional[date]:
    try:
        if year_text:
            year = int(year_text)
            if year < 100:
                year += 2000 if year <= (ref.year % 100) + 1 else 1900
            return date(year, month, day)
        candidate = date(ref.year, month, day)
        if candidate > ref:
            candidate = date(ref.year - 1, month, day)
        return candidate
    except ValueError:
        return None


# OCR reads 0 and 1 as O, l or I inside numeric dates ("0l/02/2026", "3O.O1.26"); only date-shaped tokens are fixed
_OCR_DATE = re.compile(r"(?<![\w])[\dlIO]{1,2}[/.\-][\dlIO]{1,2}[/.\-][\dlIO]{2,4}(?![\w])")
_OCR_DIGITS = str.maketrans({"l": "1", "I": "1", "O": "0"})
# ... and a dot as a colon or comma next to a well-read separator ("30:06.2026", "12,03/2026")
_OCR_SEP = re.compile(r"(?<![\d:,])(\d{1,2})[:,;](\d{1,2})([./\-])(\d{4}|\d{2}(?!\d))")


def _ocr_fixed(folded: str, start: int, end: int) -> str:
    """folded with OCR slips inside dates repaired between start and end; same length, so offsets hold."""
    window = folded[start:end]
    fixed = _OCR_DATE.sub(lambda m: m.group(0).translate(_OCR_DIGITS) if any(c.isdigit() for c in m.group(0))
                          else m.group(0), window)
    fixed = _OCR_SEP.sub(lambda m: m.group(1) + m.group(3) + m.group(2) + m.group(3) + m.group(4), fixed)
    return folded if fixed == window else folded[:start] + fixed + folded[end:]


def find_dates(folded: str, ref: date, start: int = 0, end: Optional[int] = None,
               need_year: bool = False) -> list[tuple[date, int, int]]:
    """Every date in folded[start:end], in order: (date, start, end)."""
    end = len(folded) if end is None else end
    found: list[tuple[date, int, int]] = []
    folded = _ocr_fixed(folded, start, end)
    for m in TEXT_DATE.finditer(folded, start, end):
        if need_year and not m.group("y"):
            continue
        d = _resolve(int(m.group("d")), MONTHS[m.group("m").lower()], m.group("y"), ref)
        if d:
            found.append((d, m.start(), m.end()))
    for m in NUMERIC_DATE.finditer(folded, start, end):
        if not m.group("y") and (need_year or "/" not in m.group(0) and "." not in m.group(0)):
            continue
        if any(a <= m.start() < b for _, a, b in found):
            continue
        d = _resolve(int(m.group("d")), int(m.group("m")), m.group("y"), ref)
        if d:
            found.append((d, m.start(), m.end()))
    found.sort(key=lambda t: t[1])
    return found


AMOUNT = re.compile(
    r"(?:(?P<cur1>€|eur(?:os?)?)\s*(?P<n1>\d{1,3}(?:[ .\u00a0\u202f]\d{3})+(?:,\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
    r"|(?P<n2>\d{1,3}(?:[ .\u00a0\u202f]\d{3})+(?:[,.]\d{1,2})?|\d+(?:[.,]\d{1,2})?)\s*(?P<cur2>€|eur(?:os?)?\b|e\s?ttc\b|e\s?ht\b|k€)?)",
    re.IGNORECASE)


def parse_amount(text: str) -> Optional[float]:
    """'1 234,56' -> 1234.56; '1.234,56' -> 1234.56; '1234.5' -> 1234.5; '1.500' -> 1500."""
    t = re.sub(r"[\s\u00a0\u202f]", "", text)
    if "," in t and "." in t:
        t = t.replace(".", "").replace(",", ".")
    elif "," in t:
        head, _, tail = t.rpartition(",")
        t = head.replace(",", "") + ("." + tail if len(tail) <= 2 else tail)
    elif t.count(".") == 1 and len(t.split(".")[1]) == 3:
        t = t.replace(".", "")
    elif t.count(".") > 1:
        t = t.replace(".", "")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if 0 < value < 10_000_000 else None


def find_amounts(folded: str, start: int = 0, end: Optional[int] = None,
                 need_currency: bool = True) -> list[tuple[float, int, int]]:
    end = len(folded) if end is None else end
    out: list[tuple[float, int, int]] = []
    for m in AMOUNT.finditer(folded, start, end):
        number = m.group("n1") or m.group("n2")
        currency = m.group("cur1") or m.group("cur2")
        if need_currency and not currency:
            continue
        # a date or a phone number is not an amount
        tail = folded[m.end(): m.end() + 2]
        if not currency and re.match(r"[/.]\d", tail):
            continue
        value = parse_amount(number)
        if value is None:
            continue
        if currency and currency.lower() == "k€":
            value *= 1000
        out.append((value, m.start(), m.end()))
    return out
