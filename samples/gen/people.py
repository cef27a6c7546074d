"""Fictional insured people, addresses, phones and amounts, written the many ways French senders write them."""
from __future__ import annotations

import random
from typing import Optional

from truth import Person

LAST_NAMES = [
    "MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU",
    "SIMON", "LAURENT", "LEFEBVRE", "MICHEL", "GARCIA", "DAVID", "BERTRAND", "ROUX", "VINCENT", "FOURNIER",
    "MOREL", "GIRARD", "ANDRE", "MERCIER", "DUPONT", "LAMBERT", "BONNET", "FRANCOIS", "MARTINEZ", "LEGRAND",
    "GARNIER", "FAURE", "ROUSSEL", "BLANC", "GUERIN", "MULLER", "HENRY", "ROUSSEAU", "NICOLAS", "PERRIN",
    "MORIN", "MATHIEU", "CLEMENT", "GAUTHIER", "DUMONT", "LOPEZ", "FONTAINE", "CHEVALIER", "ROBIN", "MASSON",
    "BOUCHER", "LEMAIRE", "PELLETIER", "KERGUELEN", "LE GALL", "BENAISSA", "NGUYEN", "CARPENTIER", "VASSEUR",
    "BRUNEAU", "TESSIER", "MAILLARD", "COLLET", "HUMBERT", "LEBRETON", "JACQUET", "RENAUD", "POIRIER",
]
PARTICLE_NAMES = ["DE LA FONTAINE", "D'HARCOURT", "DE SAINT-AUBIN", "DU PLESSIS", "LE BIHAN", "DES ROCHES",
                  "DE MONTALEMBERT", "VAN DER BERGHE"]
MALE = ["Jean", "Pierre", "Michel", "Philippe", "Alain", "Nicolas", "Christophe", "Patrick", "Laurent", "Eric",
        "Julien", "Thierry", "Olivier", "Sébastien", "Frédéric", "Jérôme", "Stéphane", "François", "Mathieu",
        "Karim", "Bruno", "Gérard", "Yannick", "Loïc"]
FEMALE = ["Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Christine", "Sandrine", "Valérie", "Céline",
          "Sophie", "Hélène", "Aurélie", "Émilie", "Camille", "Véronique", "Nadia", "Brigitte", "Chantal",
          "Élodie", "Agnès", "Anne-Sophie", "Josiane"]
STREETS = [
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Gambetta", "rue Pasteur",
    "rue des Lilas", "impasse des Tilleuls", "allée des Érables", "chemin du Moulin", "rue du Général Leclerc",
    "avenue de la Gare", "rue Nationale", "place de l'Église", "rue des Écoles", "résidence Les Pins",
    "rue Émile Zola", "avenue Foch", "rue du Château", "route de Lyon", "rue Saint-Exupéry", "quai des Chartrons",
    "rue de la Paix", "lotissement Le Clos Fleuri", "rue Alsace-Lorraine", "cours Lafayette",
]
CITIES = [
    ("75011", "PARIS"), ("75015", "PARIS"), ("69003", "LYON"), ("13008", "MARSEILLE"), ("33000", "BORDEAUX"),
    ("31400", "TOULOUSE"), ("44000", "NANTES"), ("59000", "LILLE"), ("67000", "STRASBOURG"),
    ("35000", "RENNES"), ("06000", "NICE"), ("34000", "MONTPELLIER"), ("21000", "DIJON"), ("37000", "TOURS"),
    ("49100", "ANGERS"), ("76000", "ROUEN"), ("92100", "BOULOGNE-BILLANCOURT"), ("94300", "VINCENNES"),
    ("78000", "VERSAILLES"), ("91300", "MASSY"), ("29200", "BREST"), ("64200", "BIARRITZ"), ("38000", "GRENOBLE"),
    ("51100", "REIMS"), ("87000", "LIMOGES"), ("17000", "LA ROCHELLE"), ("95000", "CERGY"),
    ("93100", "MONTREUIL"), ("74000", "ANNECY"), ("45000", "ORLÉANS"), ("63000", "CLERMONT-FERRAND"),
    ("83000", "TOULON"), ("80000", "AMIENS"), ("57000", "METZ"), ("14000", "CAEN"), ("72000", "LE MANS"),
]
MAIL_DOMAINS = ["gmail.com", "orange.fr", "free.fr", "wanadoo.fr", "laposte.net", "hotmail.fr", "sfr.fr", "yahoo.fr"]

ASCII = str.maketrans("àâäéèêëîïôöùûüçÀÂÉÈÊËÎÏÔÖÙÛÜÇ' ", "aaaeeeeiioouuucAAEEEEIIOOUUUC--")


def _valid(number: str) -> bool:
    """Only numbers that exist in the French numbering plan (07 0x..07 2x are not assigned, for instance)."""
    import phonenumbers
    return phonenumbers.is_valid_number(phonenumbers.parse(number))


def e164_mobile(rng: random.Random) -> str:
    while True:
        number = "+33" + rng.choice("67") + "".join(rng.choice("0123456789") for _ in range(8))
        if _valid(number):
            return number


def e164_land(rng: random.Random, postcode: str) -> str:
    region = {"7": "1", "9": "1", "6": "4", "1": "4", "8": "4", "3": "5", "4": "2", "2": "3", "5": "3"}
    first = region.get(postcode[0], "2")
    while True:
        number = "+33" + first + "".join(rng.choice("0123456789") for _ in range(8))
        if _valid(number):
            return number


def phone_fr(e164: str, rng: random.Random, style: Optional[int] = None) -> str:
    """+33612345678 written as a French sender would: 06 12 34 56 78, 06.12.34.56.78, 0612345678..."""
    national = "0" + e164[3:]
    pairs = [national[i:i + 2] for i in range(0, 10, 2)]
    style = rng.randrange(6) if style is None else style
    if style == 0:
        return " ".join(pairs)
    if style == 1:
        return ".".join(pairs)
    if style == 2:
        return national
    if style == 3:
        return "+33 " + e164[3] + " " + " ".join(e164[4 + i:6 + i] for i in range(0, 8, 2))
    if style == 4:
        return "-".join(pairs)
    return "+33(0)" + e164[3:]


def amount_fr(value: float, rng: random.Random, style: Optional[int] = None) -> str:
    """1250.5 as '1 250,50 €', '1.250,50 EUR', '1250,50€', '1 250 euros TTC', '€ 1250.50'..."""
    euros = int(value)
    cents = round((value - euros) * 100)
    grouped = f"{euros:,}".replace(",", " ")
    style = rng.randrange(7) if style is None else style
    if style == 0:
        return f"{grouped},{cents:02d} €"
    if style == 1:
        return f"{grouped.replace(' ', '.')},{cents:02d} EUR"
    if style == 2:
        return f"{euros},{cents:02d}€"
    if style == 3 and cents == 0:
        return f"{grouped} euros TTC"
    if style == 4:
        return f"{grouped.replace(' ', chr(0xA0))},{cents:02d}\u00a0€ TTC"
    if style == 5 and cents == 0:
        return f"{euros} €"
    return f"{euros},{cents:02d} € TTC"


def person(rng: random.Random, particle: bool = False, couple: bool = False, land: bool = False,
           with_email: Optional[bool] = None) -> Person:
    last = rng.choice(PARTICLE_NAMES if particle else LAST_NAMES)
    female = rng.random() < 0.5
    first = rng.choice(FEMALE if female else MALE)
    postcode, city = rng.choice(CITIES)
    number = rng.randrange(1, 180)
    suffix = rng.choice(["", "", "", " bis", " ter"])
    street = f"{number}{suffix} {rng.choice(STREETS)}"
    phone = e164_land(rng, postcode) if land else e164_mobile(rng)
    if with_email is None:
        with_email = rng.random() < 0.55
    email = None
    if with_email:
        local = f"{first.lower().translate(ASCII)}.{last.lower().translate(ASCII)}".replace("--", "-")
        email = f"{local}{rng.choice(['', '', str(rng.randrange(10, 99))])}@{rng.choice(MAIL_DOMAINS)}"
    if couple:
        return Person("M. et Mme", last, None, phone, email, street, postcode, city)
    return Person("Mme" if female else "M.", last, first, phone, email, street, postcode, city)


def civility_long(p: Person, rng: random.Random) -> str:
    return {"Mme": rng.choice(["Mme", "Madame"]), "M.": rng.choice(["M.", "Monsieur", "M"]),
            "M. et Mme": rng.choice(["M. et Mme", "Monsieur et Madame"])}.get(p.civility or "", "")


def full_name(p: Person, rng: random.Random, order: Optional[int] = None) -> str:
    """'M. Jean DUPONT', 'DUPONT Jean', 'Madame Marie DE LA FONTAINE', 'M. et Mme LEFEBVRE'."""
    civ = civility_long(p, rng)
    order = rng.randrange(3) if order is None else order
    if not p.first_name:
        return f"{civ} {p.last_name}"
    if order == 0:
        return f"{civ} {p.first_name} {p.last_name}"
    if order == 1:
        return f"{civ} {p.last_name} {p.first_name}"
    return f"{p.last_name} {p.first_name}"


def date_fr(d, rng: random.Random, year: bool = True, style: Optional[int] = None) -> str:
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre"]
    style = rng.randrange(4) if style is None else style
    if not year:
        return [f"{d.day:02d}/{d.month:02d}", f"{d.day} {months[d.month - 1]}", f"{d.day:02d}.{d.month:02d}",
                f"{d.day:02d}/{d.month:02d}"][style]
    return [f"{d.day:02d}/{d.month:02d}/{d.year}", f"{d.day} {months[d.month - 1]} {d.year}",
            f"{d.day:02d}.{d.month:02d}.{d.year}", f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}"][style]
