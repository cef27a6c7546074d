"""The forms3 cases: the agencies, and each message's content and expected JSON, written by hand from
/work/shared/DOMAIN.md before the product ever ran on the set (see make_forms.py)."""
from __future__ import annotations

AGENCIES = {
    "nantes": dict(name="Nantes Graslin", city="Nantes", street="4 place Graslin, 44000 Nantes", phone="02 40 12 34 56",
                   fax="02 40 12 34 99", email="nantes.graslin@agence-allianz-demo.fr", agent_name="Hervé Guillou",
                   orias="07 012 345"),
    "lille": dict(name="Lille Vauban", city="Lille", street="18 boulevard Vauban, 59000 Lille", phone="03 20 55 66 77",
                  fax="03 20 55 66 70", email="lille.vauban@agence-allianz-demo.fr", agent_name="Sophie Delattre",
                  orias="12 345 678"),
    "tours": dict(name="Tours Nationale", city="Tours", street="61 rue Nationale, 37000 Tours", phone="02 47 20 30 40",
                  fax="02 47 20 30 41", email="tours.nationale@agence-allianz-demo.fr", agent_name="Marc Pelletier",
                  orias="09 876 543"),
    "pau": dict(name="Pau Clemenceau", city="Pau", street="2 place Clemenceau, 64000 Pau", phone="05 59 27 00 11",
                fax="05 59 27 00 12", email="pau.clemenceau@agence-allianz-demo.fr", agent_name="Isabelle Lacaze",
                orias="15 004 321"),
}

OCC_TEXT = {"PO": "Propriétaire occupant", "PNO": "Propriétaire non occupant", "LOC": "Locataire", None: "Non renseigné"}
DWELL_TEXT = {"house": "Maison individuelle", "apartment": "Appartement", None: "Non renseigné"}
OCC = {"PO": "owner_occupier", "PNO": "non_occupying_owner", "LOC": "tenant", None: None}


def case(name, layout, kind, wrapper, agency, claim_text, claim, code, last, first, phone, phone_e164, street,
         postcode, city, peril_text, peril, loss_text, loss, occ_box, dwell_box, description, decision, reasons,
         civ="M.", contract="", contract_label=None, repaired_box="skip", cause_repaired=None, amount_text="",
         amount=None, expertise_note=None, limit=None, occupancy="same", dwelling="same", two_pages=False,
         sent="12/10/2026", repaired_text=None):
    """One message: how it is drawn and wrapped, and what DOMAIN.md says the record must be."""
    c = dict(name=name, layout=layout, kind=kind, wrapper=wrapper, agency=AGENCIES[agency], agency_ref="",
             claim_text=claim_text, code=code, last=last, first=first, phone=phone, street=street, postcode=postcode,
             city=city, peril_text=peril_text, loss_text=loss_text, occ_box=occ_box, dwell_box=dwell_box,
             occ_text=OCC_TEXT[occ_box], dwell_text=DWELL_TEXT[dwell_box], description=description, civ=civ,
             contract=contract, repaired_box=repaired_box, amount_text=amount_text, two_pages=two_pages, sent=sent)
    if contract_label:
        c["contract_label"] = contract_label
    c["repaired_text"] = repaired_text if repaired_text is not None else (
        {True: "Oui", False: "Non", None: "Non renseigné", "skip": ""}[repaired_box])
    expertise = peril in ("glass_breakage", "vehicle_impact", "key_loss")
    c["expect"] = {
        "document_type": "mission_order", "channel": "allianz_agence", "claim_number": claim, "order_number": "0",
        "intermediary_code": code, "peril": peril, "insured.last_name": last, "insured.first_name": first,
        "insured.phone": phone_e164, "insured.postcode": postcode, "insured.city": city,
        "occupancy": OCC[occ_box] if occupancy == "same" else occupancy,
        "dwelling": dwell_box if dwelling == "same" else dwelling,
        "loss_date": loss, "cause_repaired": cause_repaired, "expertise_on_site": expertise,
        "expertise_note": expertise_note, "management_limit_eur": limit, "amount_eur": amount,
        "decision": decision, "reasons": reasons,
    }
    return c


GLASS = "Vérifier si expertise"
VEHICLE = "choc de véhicule si devis entre 300 et 800€ rendre le dossier si devis > 800 € = expertise"

CASES = [
    case("f01_cases_dde_reparee", "boxes", "pdf", "bare", "nantes", "B 12 34 567", "B1234567", "481203",
         "DE LA FONTAINE", "Jean-Luc", "06 12 34 56 78", "+33612345678", "7 rue des Olivettes", "44000", "NANTES",
         "Dégât des eaux", "water_damage", "03/10/2026", "2026-10-03", "PO", "house",
         "Fuite sur le flexible du lavabo de la salle de bains, réparée par le plombier de l'assuré le 05/10. "
         "Plafond du séjour taché et peinture cloquée. Merci de prendre en charge la remise en état.",
         "auto_open", [], contract="45 112 908", repaired_box=True, cause_repaired=True),
    case("f02_cases_bdg_fax", "boxes", "tiff", "faxmail", "lille", "B7765432", "B7765432", "330918",
         "VANDAMME", "Céline", "07 61 22 84 10", "+33761228410", "25 rue Solférino", "59000", "LILLE",
         "Bris de glace", "glass_breakage", "08/10/2026", "2026-10-08", "LOC", "apartment",
         "Double vitrage de la porte-fenêtre du salon fendu suite à un choc. Remplacement du vitrage à prévoir.",
         "auto_open", [], contract="88 410 223", expertise_note=GLASS, limit=300.0),
    case("f03_colonnes_cles_limite", "columns", "pdf", "mail", "tours", "B5540021", "B5540021", "207341",
         "MOREAU", "Patrick", "06 45 10 20 30", "+33645102030", "12 rue Colbert", "37000", "TOURS",
         "Perte de clés", "key_loss", "09/10/2026", "2026-10-09", "LOC", "apartment",
         "L'assuré a perdu ses clés en rentrant du travail. Ouverture de porte et remplacement du cylindre. "
         "Limite de prise en charge 500 € TTC.",
         "auto_open", [], contract="N° 36 552 871", contract_label="N° CONTRAT", amount_text="500 € TTC", amount=500.0,
         expertise_note="Limite 500 €TTC", limit=500.0),
    case("f04_colonnes_dde_non_reparee_fax", "columns", "tiff", "bare", "pau", "B3321987", "B3321987", "207754",
         "ETCHEVERRY", "Maite", "06 33 44 55 66", "+33633445566", "9 avenue Trespoey", "64000", "PAU",
         "Dégâts des eaux", "water_damage", "06/10/2026", "2026-10-06", "PO", "apartment",
         "Infiltration depuis la douche, joints à refaire. Dommages sur le plafond de la cuisine.",
         "manual_review", ["dde_cause_not_confirmed_repaired"], contract="55 667 001",
         repaired_box=False, cause_repaired=False),
    case("f05_bandeau_choc_prefixe", "strip", "pdf", "bare", "lille", "A 4455667", "A4455667", "330918",
         "LEFEBVRE", "Bruno", "06 71 81 91 01", "+33671819101", "3 rue de Tournai", "59200", "TOURCOING",
         "Choc de véhicule", "vehicle_impact", "01/10/2026", "2026-10-01", "PO", "house",
         "Un véhicule de livraison a percuté le mur de clôture et le portail. Devis de l'assuré : 650 €.",
         "manual_review", ["invalid_claim_number"], contract="71 002 118", amount=650.0,
         expertise_note=VEHICLE, limit=800.0),
    case("f06_bandeau_sans_code_nonrens_fax", "strip", "imgpdf", "mail", "nantes", "B6120045", "B6120045", None,
         "GUERIN", "Anne", "07 88 12 34 56", "+33788123456", "40 quai de la Fosse", "44000", "NANTES",
         "DDE", "water_damage", "02/10/2026", "2026-10-02", None, None,
         "Assurée locataire de son appartement au 3e étage. Fuite de la colonne d'eau commune réparée par le syndic. "
         "Papiers peints décollés dans la chambre.",
         "manual_review", ["missing_intermediary_code"], contract="", repaired_box=True, cause_repaired=True,
         occupancy="tenant", dwelling="apartment"),
    case("f07_memo_rdf_particule", "memo", "pdf", "mail", "tours", "B 90 11 223", "B9011223", "512077",
         "D'HARCOURT", "Louise", "06 20 30 40 50", "+33620304050", "5 rue Bernard Palissy", "37000", "TOURS",
         "", "leak_search", "04/10/2026", "2026-10-04", "LOC", "apartment",
         "Sinistre du 04/10/2026 : traces d'humidité au pied du mur de la salle d'eau, origine inconnue. "
         "Merci de réaliser une recherche de fuite non destructive.",
         "auto_open", [], civ="Mme", contract="62 003 447"),
    case("f08_memo_dde_pno_fax", "memo", "tiff", "bare", "pau", "B4400871", "B4400871", "118822",
         "LABORDE", "Jean", "06 58 47 36 25", "+33658473625", "14 rue Serviez", "64000", "PAU",
         "", "water_damage", "30/09/2026", "2026-09-30", "PNO", "apartment",
         "Dégât des eaux du 30/09/2026 dans le logement loué par l'assuré (propriétaire bailleur) : fuite du ballon "
         "d'eau chaude, remplacé depuis. Reprise des peintures de l'entrée.",
         "auto_open", [], contract="33 908 112", repaired_box=True, cause_repaired=True),
    case("f09_cases_incendie_deux_pages", "boxes", "pdf", "mail", "lille", "B9087123", "B9087123", "118822",
         "DUBOIS", "Martine", "06 98 76 54 32", "+33698765432", "60 rue Esquermoise", "59000", "LILLE",
         "Incendie", "fire", "07/10/2026", "2026-10-07", "PO", "apartment",
         "Départ de feu sur la hotte de la cuisine, éteint par l'assurée. Murs et plafond noircis par les fumées. "
         "Nettoyage et remise en peinture.",
         "auto_open", [], civ="Mme", contract="14 770 256", two_pages=True),
    case("f10_cases_cles_deux_pages_fax", "boxes", "tiff", "faxmail", "nantes", "B2233445", "B2233445", "481203",
         "LE GOFF", "Yann", "06 11 22 33 44", "+33611223344", "2 rue Kervégan", "44000", "NANTES",
         "Vol de clés", "key_loss", "10/10/2026", "2026-10-10", "PO", "house",
         "Les clés de l'assuré ont été volées avec son sac. Changement de la serrure de la porte d'entrée.",
         "auto_open", [], contract="90 221 334", two_pages=True, expertise_note="Limite 800 €TTC", limit=800.0),
    case("f11_colonnes_bdg_police", "columns", "pdf", "bare", "pau", "B 7012 345", "B7012345", "702214",
         "CAZENAVE", "Pierre", "07 62 34 98 76", "+33762349876", "21 rue Montpensier", "64000", "PAU",
         "Bris de glace", "glass_breakage", "05/10/2026", "2026-10-05", "PO", "house",
         "Baie vitrée de la véranda brisée par la grêle projetée. Remplacement du vitrage feuilleté.",
         "auto_open", [], contract="56 789 012", contract_label="N° POLICE", expertise_note=GLASS, limit=300.0),
    case("f12_colonnes_dde_loc_fax", "columns", "imgpdf", "bare", "tours", "B5566778", "B5566778", "207341",
         "NGUYEN", "Thi", "06 07 08 09 10", "+33607080910", "33 rue du Commerce", "37000", "TOURS",
         "Dégâts des eaux", "water_damage", "29/09/2026", "2026-09-29", "LOC", "apartment",
         "Fuite sur l'évacuation de la machine à laver, réparée le lendemain. Parquet du couloir gondolé.",
         "auto_open", [], contract="21 445 906", repaired_box=True, cause_repaired=True),
    case("f13_bandeau_dde_plombier_attendu", "strip", "pdf", "faxmail", "pau", "B8123456", "B8123456", "702214",
         "ARRIBAS", "Carmen", "06 52 63 74 85", "+33652637485", "8 rue Carnot", "64000", "PAU",
         "Dégât des eaux", "water_damage", "11/10/2026", "2026-10-11", "LOC", "apartment",
         "Fuite sous l'évier de la cuisine, le plombier doit passer la semaine prochaine. Meuble bas abîmé.",
         "manual_review", ["dde_cause_not_confirmed_repaired"], civ="Mme", contract="47 001 559",
         repaired_box=None, cause_repaired=False),
    case("f14_bandeau_choc_espace_fax", "strip", "tiff", "bare", "nantes", "B 23 45 678", "B2345678", "512077",
         "BERNARD", "Luc", "06 40 50 60 70", "+33640506070", "17 route de Vannes", "44100", "NANTES",
         "Choc véhicule", "vehicle_impact", "26/09/2026", "2026-09-26", "PO", "house",
         "Le véhicule d'un tiers a heurté la façade en manoeuvrant. Fissure sur l'enduit. Devis joint : 650 €.",
         "auto_open", [], contract="18 332 440", amount=650.0, expertise_note=VEHICLE, limit=800.0),
    case("f15_memo_electrique_pno", "memo", "pdf", "bare", "lille", "B6677889", "B6677889", "330918",
         "DE SMET", "Xavier", "06 66 77 88 99", "+33666778899", "11 rue Nationale", "59800", "LILLE",
         "", "electrical_damage", "28/09/2026", "2026-09-28", "PNO", "house",
         "Dommages électriques du 28/09/2026 : surtension après un orage, le tableau électrique et la VMC ne "
         "fonctionnent plus dans la maison louée par l'assuré.",
         "auto_open", [], contract="27 118 905"),
    case("f16_memo_bdg_tiret_fax", "memo", "tiff", "faxmail", "tours", "B-8877665", "B8877665", "207341",
         "ROUSSEAU", "Claire", "07 55 44 33 22", "+33755443322", "48 boulevard Béranger", "37000", "TOURS",
         "", "glass_breakage", "09/10/2026", "2026-10-09", "LOC", "apartment",
         "Bris de glace du 09/10/2026 : la vitre de la fenêtre de la chambre a été cassée par un ballon. "
         "Remplacement du simple vitrage.",
         "auto_open", [], civ="Mme", contract="80 012 667", expertise_note=GLASS, limit=300.0),
]
