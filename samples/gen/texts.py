"""French mission texts per peril, written from the case's truth (cause repaired, leak repair, limits...)."""
from __future__ import annotations

import random

from people import amount_fr
from truth import Case

PERIL_LABEL = {
    "water_damage": ["Dégât des eaux", "DDE", "Dégâts des eaux", "DEGAT DES EAUX"],
    "leak_search": ["Recherche de fuite", "RDF - Recherche de fuite", "Recherche de fuite non destructive"],
    "glass_breakage": ["Bris de glace", "BDG", "Bris de glaces"],
    "vehicle_impact": ["Choc de véhicule", "Choc véhicule terrestre", "CHOC DE VEHICULE"],
    "key_loss": ["Perte de clés", "Vol / perte de clés", "Perte des clés"],
    "fire": ["Incendie", "Incendie / fumées"],
    "burglary": ["Vol / Cambriolage", "Cambriolage", "Tentative d'effraction"],
    "storm": ["Tempête", "Tempête, grêle, neige", "Evènement climatique - tempête"],
    "electrical_damage": ["Dommages électriques", "Dommage électrique", "Surtension / dommages électriques"],
}

OCCUPANCY_SHORT = {"owner_occupier": ["PO", "Propriétaire occupant", "propriétaire occupant"],
                   "non_occupying_owner": ["PNO", "Propriétaire non occupant", "propriétaire bailleur"],
                   "tenant": ["LOC", "Locataire", "locataire"]}
DWELLING_SHORT = {"house": ["Maison", "pavillon", "villa", "maison individuelle"],
                  "apartment": ["Appartement", "appt", "appart.", "appartement en copropriété"]}

WATER_ORIGIN = [
    "fuite sur le flexible d'alimentation de l'évier de la cuisine",
    "débordement de la machine à laver",
    "infiltration depuis l'appartement du dessus (joint de baignoire défectueux)",
    "fuite sur canalisation encastrée dans la salle de bains",
    "rupture du groupe de sécurité du cumulus",
    "joint du bac à douche poreux",
    "fuite sur la colonne d'eaux usées de l'immeuble",
]
WATER_DAMAGE = [
    "Plafond de la salle de bains taché et cloqué, peinture écaillée sur environ 4 m².",
    "Auréoles au plafond du séjour et parquet gonflé dans le couloir.",
    "Papier peint décollé dans la chambre, plinthes abîmées.",
    "Faux plafond de la cuisine effondré en partie, peintures à reprendre.",
    "Traces d'humidité sur le mur mitoyen de la chambre, revêtement mural à refaire.",
]
CAUSE_REPAIRED = [
    "La cause a été réparée par le plombier le {d}.",
    "Cause réparée : OUI (intervention du plombier le {d}).",
    "Fuite réparée par l'entreprise de plomberie le {d}, l'assuré a la facture.",
    "La recherche de fuite a été faite et la fuite est réparée depuis le {d}.",
]
CAUSE_NOT_REPAIRED = [
    "La cause n'est pas encore réparée, le plombier doit passer la semaine prochaine.",
    "Cause réparée : NON.",
    "Fuite toujours active à ce jour, l'assuré attend le passage du plombier.",
    "Attention la cause du sinistre n'a pas été réparée.",
]
LEAK_REPAIR = [
    "Merci de procéder à la réparation de la fuite sous l'évier.",
    "Mission : recherche et réparation de la fuite.",
    "L'assuré souhaite que vous interveniez pour la réparation de la fuite sur la canalisation.",
]
AESTHETIC = [
    "L'assuré demande une reprise esthétique de l'ensemble des peintures du séjour pour harmoniser les teintes.",
    "Demande de réfection esthétique des embellissements de la chambre (papier peint non endommagé).",
    "Il est demandé une reprise esthétique du carrelage mural de la cuisine.",
]
REPAINT = [
    "Travaux à prévoir : remise en peinture du plafond après séchage.",
    "Prévoir la remise en état des peintures endommagées.",
    "",
]
LEAK_SEARCH = [
    "Traces d'humidité au pied du mur de la salle de bains, origine inconnue. Merci d'effectuer une recherche de fuite non destructive.",
    "Consommation d'eau anormale relevée sur la facture, compteur qui tourne. Recherche de fuite demandée.",
    "Tache d'humidité qui s'agrandit au plafond du garage, aucune fuite apparente. Mission de recherche de fuite.",
    "Humidité sur le mur de la chambre mitoyenne à la salle d'eau. Recherche de fuite visuelle ou non destructive à réaliser.",
]
GLASS = [
    "Bris de la baie vitrée du salon (double vitrage 240 x 215). Mise en sécurité faite par l'assuré.",
    "Vitre de la porte-fenêtre de la cuisine brisée suite à un choc (ballon). Double vitrage 80 x 200.",
    "Fenêtre de la chambre fêlée sur toute la hauteur, simple vitrage 60 x 90.",
    "Vitrage de la porte d'entrée cassé lors d'une tentative d'effraction.",
]
VEHICLE = [
    "Un véhicule a percuté le portail et le pilier en maçonnerie de l'assuré. Tiers identifié : véhicule immatriculé {plate}.",
    "Choc d'un camion de livraison contre la façade, enduit et appui de fenêtre endommagés. Immatriculation du tiers : {plate}.",
    "Une voiture a reculé dans la clôture et le portillon. Plaque du véhicule tiers : {plate}.",
]
KEYS = [
    "L'assuré a perdu son trousseau de clés, remplacement du barillet de la porte d'entrée à prévoir.",
    "Vol du sac à main contenant les clés du domicile. Changement de serrure demandé.",
    "Clés perdues lors d'un déplacement, l'assuré ne peut plus rentrer chez lui. Ouverture de porte et changement de cylindre.",
]
FIRE = [
    "Départ de feu dans la cuisine (friteuse), murs et plafond noircis par les fumées. Nettoyage et peintures.",
    "Incendie d'un appareil électrique dans le séjour, suie dans toute la pièce.",
]
BURGLARY = [
    "Cambriolage, porte d'entrée fracturée. Mise en sécurité et remplacement de la serrure 3 points.",
    "Effraction par la fenêtre de la cuisine, volet roulant forcé. Mise en sécurité demandée.",
]
STORM = [
    "Suite à la tempête, tuiles arrachées et infiltration dans les combles. Bâchage puis réparation de la toiture.",
    "Chute d'un arbre sur la clôture et la véranda lors de la tempête.",
]
ELECTRICAL = [
    "Surtension suite à un orage : tableau électrique et volets roulants électriques hors service.",
    "Dommages électriques après coupure ENEDIS : chaudière et portail motorisé endommagés.",
]


def plate(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTVWXYZ"
    return (f"{rng.choice(letters)}{rng.choice(letters)}-{rng.randrange(100, 999)}-"
            f"{rng.choice(letters)}{rng.choice(letters)}")


def describe(case: Case, rng: random.Random, repair_date: str = "") -> str:
    """The mission details in French, true to the case. Amounts are written by the caller's style."""
    parts: list[str] = []
    p = case.peril
    if p == "water_damage":
        parts.append(f"Dégât des eaux : {rng.choice(WATER_ORIGIN)}.")
        parts.append(rng.choice(WATER_DAMAGE))
        if case.cause_repaired is True:
            parts.append(rng.choice(CAUSE_REPAIRED).format(d=repair_date or "jour même"))
        elif case.cause_repaired is False:
            parts.append(rng.choice(CAUSE_NOT_REPAIRED))
        if case.leak_repair:
            parts.append(rng.choice(LEAK_REPAIR))
        parts.append(rng.choice(AESTHETIC) if case.aesthetic else rng.choice(REPAINT))
    elif p == "leak_search":
        parts.append(rng.choice(LEAK_SEARCH))
        if case.leak_repair:
            parts.append(rng.choice(LEAK_REPAIR))
    elif p == "glass_breakage":
        parts.append(rng.choice(GLASS))
    elif p == "vehicle_impact":
        parts.append(rng.choice(VEHICLE).format(plate=plate(rng)))
    elif p == "key_loss":
        parts.append(rng.choice(KEYS))
        if case.key_limit:
            parts.append(rng.choice(["Limite de prise en charge : {a}.", "Plafond de garantie clés : {a}.",
                                     "Notre limite de gestion pour ce dossier : {a}."]).format(
                a=amount_fr(case.key_limit, rng, 5)))
    elif p == "fire":
        parts.append(rng.choice(FIRE))
    elif p == "burglary":
        parts.append(rng.choice(BURGLARY))
    elif p == "storm":
        parts.append(rng.choice(STORM))
    elif p == "electrical_damage":
        parts.append(rng.choice(ELECTRICAL))
    if case.aesthetic and p != "water_damage":
        parts.append(rng.choice(AESTHETIC))
    if case.amount and not (p == "key_loss" and case.key_limit):
        parts.append(rng.choice(["Montant estimé des dommages : {a}.", "Devis reçu pour {a}.",
                                 "Estimation : {a}.", "Montant du devis : {a}."]).format(a=amount_fr(case.amount, rng)))
    return " ".join(x for x in parts if x)


def occupancy_phrase(case: Case, rng: random.Random) -> str:
    """A free-form sentence on who lives where, e.g. 'L'assuré est locataire de son appartement.'"""
    noun = {"house": ["maison individuelle", "pavillon", "villa"],
            "apartment": ["appartement", "appartement en copropriété", "appt au 3e étage"]}
    occ, dwe = case.occupancy, case.dwelling
    if not occ and not dwe:
        return ""
    if occ and dwe:
        n = rng.choice(noun[dwe])
        article = "sa" if n in ("maison individuelle", "villa") else "son"
        return rng.choice({
            "owner_occupier": [f"L'assuré est propriétaire occupant de {article} {n}.",
                               f"Assuré propriétaire occupant (PO), {n}.",
                               f"L'assuré est propriétaire de {article} {n} et y habite."],
            "non_occupying_owner": [f"L'assuré est propriétaire non occupant ({n} mis en location).",
                                    f"L'assuré est propriétaire bailleur, {n} loué.",
                                    f"Assuré PNO, {n}."],
            "tenant": [f"L'assuré est locataire de {article} {n}.", f"Assuré locataire (LOC), {n}.",
                       f"L'assuré occupe le bien en tant que locataire ({n})."],
        }[occ])
    if occ:
        return {"owner_occupier": "L'assuré est propriétaire occupant.", "tenant": "L'assuré est locataire.",
                "non_occupying_owner": "L'assuré est propriétaire bailleur."}[occ]
    return f"Il s'agit d'un(e) {rng.choice(noun[dwe])}."
