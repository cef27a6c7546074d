"""The fictional senders: Allianz agencies, brokers, expert firms, the C2S platform, and our own mailbox."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

OUR_BOX = "ouverture@multiassistance-demo.fr"
C2S_SENDER = "ne-pas-repondre.c2s@allianz-demo.fr"
FAX_GATEWAY = "fax2mail@fax.multiassistance-demo.fr"


@dataclass(frozen=True)
class Agency:
    name: str
    address: str
    phone: str      # as printed
    email: str
    code: str
    agent: str      # the general agent's name


AGENCIES = [
    Agency("Agence Allianz Dupuis & Fils", "12 place du Marché 37000 TOURS", "02 47 61 22 33",
           "agence.dupuisetfils@allianz-demo.fr", "145872", "Philippe DUPUIS"),
    Agency("Allianz Lemoine Assurances", "3 avenue de Verdun 33000 BORDEAUX", "05 56 44 18 90",
           "lemoine.assurances@allianz-demo.fr", "H23591", "Claire LEMOINE"),
    Agency("Agence Allianz Rennes Centre", "27 quai Lamartine 35000 RENNES", "02 99 30 71 15",
           "rennes.centre@allianz-demo.fr", "301477", "Yann LE DUC"),
    Agency("Allianz Cabinet Ferreira", "88 cours Gambetta 69003 LYON", "04 78 62 90 04",
           "cabinet.ferreira@allianz-demo.fr", "0457712", "Antonio FERREIRA"),
    Agency("Agence Allianz Vallée de Seine", "5 rue Thiers 76000 ROUEN", "02 35 07 52 61",
           "valleedeseine@allianz-demo.fr", "228410", "Sophie MARCHAL"),
    Agency("Allianz Agence Côte Basque", "14 avenue Édouard VII 64200 BIARRITZ", "05 59 24 33 87",
           "cotebasque@allianz-demo.fr", "A64092", "Iñaki ETCHEVERRY"),
]


@dataclass(frozen=True)
class Broker:
    firm: str
    person: str
    title: str
    address: str
    phone: str
    mobile: Optional[str]
    email: str
    orias: str
    siren: str
    code: Optional[str]   # their Allianz broker code, when they write it


BROKERS = [
    Broker("Cabinet Rivière Courtage", "Stéphanie ROCHE", "Gestionnaire sinistres", "41 rue de la Bourse 69002 LYON",
           "04 72 41 08 55", None, "sinistres@riviere-courtage-demo.fr", "07 012 345", "512 345 678", "7Q1185"),
    Broker("ASSUR'CONSEIL IDF", "Karim BELKACEM", "Chargé de clientèle IARD", "9 boulevard Haussmann 75009 PARIS",
           "01 44 56 78 90", "06 71 22 45 10", "k.belkacem@assurconseil-demo.fr", "13 004 567", "792 118 440", None),
    Broker("Gironde Assurances Courtage", "Marc LAFARGUE", "Service sinistres", "17 allées de Tourny 33000 BORDEAUX",
           "05 57 81 23 45", None, "sinistres@gironde-courtage-demo.fr", "08 045 118", "431 207 995", "C33412"),
    Broker("Courtage Hermine", "Gwenaëlle LE ROUX", "Assistante sinistres", "6 rue de Siam 29200 BREST",
           "02 98 44 61 70", None, "glr@courtage-hermine-demo.fr", "11 062 930", "824 551 306", "410977"),
    Broker("Alpes Patrimoine Assurances", "Julien BERTHIER", "Courtier", "2 avenue d'Albigny 74000 ANNECY",
           "04 50 51 12 13", "07 81 45 90 33", "julien.berthier@alpes-patrimoine-demo.fr", "19 007 214", "880 412 773", None),
    Broker("Cabinet Moreau-Vidal", "Nathalie VIDAL", "Responsable sinistres", "55 rue Paradis 13006 MARSEILLE",
           "04 91 33 27 80", None, "n.vidal@moreau-vidal-demo.fr", "07 028 441", "349 660 128", "MV2207"),
]


@dataclass(frozen=True)
class ExpertFirm:
    firm: str
    expert: str
    address: str
    phone: str
    email: str


EXPERT_FIRMS = [
    ExpertFirm("Cabinet Polyexpert Centre", "Bertrand GOUIN", "4 rue Nationale 37000 TOURS", "02 47 05 66 10",
               "tours@polyexpert-demo.fr"),
    ExpertFirm("Saretec Expertise Île-de-France", "Hélène CARON", "20 rue de Châteaudun 75009 PARIS",
               "01 53 20 44 00", "idf.dommages@saretec-demo.fr"),
    ExpertFirm("Elex Sud-Ouest", "Damien ARTIGUES", "8 rue Alsace-Lorraine 31000 TOULOUSE", "05 61 22 84 19",
               "sudouest@elex-demo.fr"),
]

C2S_HANDLERS = [("Mme Laëtitia GUILLOU", "02 99 86 50 12"), ("M. Romain BESNARD", "02 99 86 51 47"),
                ("Mme Aurore TANGUY", "02 99 86 53 08")]
