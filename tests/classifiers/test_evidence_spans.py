"""Every field's evidence is the span its value was read from (issue 8): over all records of samples/, the value
(normalised for its kind) occurs in its evidence; the insured's first name is evidenced by the line that holds it,
never by the surname's line ("Nom : DUPONT" then "Prénom : Jean")."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
INSURED = ("civility", "last_name", "first_name", "phone", "email", "street", "postcode", "city")
MONTHS = ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre",
          "decembre")
# the words a closed value is written with in French mail and forms
WORDS = {
    ("occupancy", "tenant"): ("locataire", "loc"), ("occupancy", "owner_occupier"): ("proprietaire", "po"),
    ("occupancy", "non_occupying_owner"): ("proprietaire", "pno", "bailleur"),
    ("dwelling", "apartment"): ("appart", "appt"), ("dwelling", "house"): ("maison", "pavill", "villa"),
    ("civility", "Mme"): ("madame", "mme"), ("civility", "M."): ("monsieur", "m", "mr"),
    ("civility", "M. et Mme"): ("m et mme", "monsieur et madame"),
    ("cause_repaired", "True"): ("reparee", "oui"), ("cause_repaired", "False"): ("non", "active"),
}


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", fold(text))


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def value_in(name: str, value, evidence: str) -> bool:
    """Whether `value` (as the record states it) is what `evidence` says, for the field's kind."""
    if (name, str(value)) in WORDS:
        words = set(re.split(r"[^0-9a-z]+", fold(evidence)))
        spaced = " " + re.sub(r"[^0-9a-z]+", " ", fold(evidence)) + " "
        return any((w in words) if " " not in w else (f" {w} " in spaced) for w in WORDS[name, str(value)]) or \
            any(w in compact(evidence) for w in WORDS[name, str(value)] if len(w) > 3)
    if name == "phone":
        national = "0" + value[3:] if value.startswith("+33") else digits(value)
        return national in digits(evidence) or digits(value) in digits(evidence)
    if name == "loss_date":
        day = date.fromisoformat(value)
        numbers = {int(n) for n in re.findall(r"\d+", evidence)}
        return day.day in numbers and (day.month in numbers or MONTHS[day.month - 1] in fold(evidence))
    if name == "amount_eur":
        return digits(str(int(value))) in digits(evidence)
    if name == "description":    # the evidence is the description's first 300 characters
        return compact(evidence) in compact(value) or compact(value) in compact(evidence)
    return compact(value) in compact(evidence)


@pytest.fixture(scope="module")
def records() -> list[dict]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "intake", "extract", str(REPO / "samples" / "messages"), "-q"],
                          capture_output=True, text=True, env=env, check=True, timeout=600)
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def _checked(records: list[dict]):
    for record in records:
        for name, info in (record.get("fields") or {}).items():
            value = (record.get("insured") or {}).get(name) if name in INSURED else record.get(name)
            if info.get("evidence") and value is not None and not isinstance(value, (list, dict)):
                yield record["source"]["uri"].rsplit("/", 1)[-1], name, value, info["evidence"]


def test_every_value_occurs_in_its_evidence(records):
    checked = list(_checked(records))
    assert len(records) >= 110 and len(checked) > 1000
    wrong = [(uri, name, value, evidence[:80]) for uri, name, value, evidence in checked
             if not value_in(name, value, evidence)]
    assert wrong == []


def test_the_first_name_is_evidenced_by_its_own_line(records):
    firsts = [(uri, value, evidence) for uri, name, value, evidence in _checked(records) if name == "first_name"]
    assert len(firsts) >= 80
    assert [f for f in firsts if compact(f[1]) not in compact(f[2])] == []
    # a form with "Nom" and "Prénom" on two lines: the first name's evidence is the "Prénom" line
    fax = next(f for f in firsts if f[0] == "agence_fax_02_bris_de_glace.eml")
    assert "Nadia" in fax[2] and "PERRIN" not in fax[2]
