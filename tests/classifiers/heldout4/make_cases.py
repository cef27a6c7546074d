import json, pathlib
from email.message import EmailMessage
from email.utils import format_datetime
import datetime as dt
HERE = pathlib.Path('.')
def mail(name, frm, subject, date, body, expect, html=None, headers=None):
    m = EmailMessage()
    m['From'] = frm; m['To'] = 'missions@assistance-habitat-demo.fr'; m['Subject'] = subject
    m['Date'] = date; m['Message-ID'] = f'<{name}@heldout4.test>'
    for k, v in (headers or {}).items(): m[k] = v
    if html is None:
        m.set_content(body)
    else:
        if body: m.set_content(body); m.add_alternative(html, subtype='html')
        else: m.set_content(html, subtype='html')
    (HERE / f'{name}.eml').write_bytes(bytes(m))
    (HERE / f'{name}.eml.json').write_text(json.dumps(expect, ensure_ascii=False) + '\n', encoding='utf-8')

BDG = {"expertise_on_site": True, "expertise_note": "Vérifier si expertise", "management_limit_eur": 300}
CHOC = {"expertise_on_site": True, "expertise_note": "choc de véhicule si devis entre 300 et 800€ rendre le dossier si devis > 800 € = expertise", "management_limit_eur": 800}

mail('h01_c2s_html_table_vitrage', 'Allianz - Plateforme C2S <c2s-notifications@allianz.fr>',
     '[C2S] Nouvelle mission - sinistre 26101234567', 'Tue, 24 Nov 2026 10:42:07 +0100', None,
     dict(document_type='mission_order', channel='allianz_c2s', claim_number='26101234567', order_number='4471203',
          peril='glass_breakage', **{'insured.last_name': 'VAN DAMME', 'insured.phone': '+33671829304', 'insured.postcode': '59800'},
          occupancy='tenant', dwelling='apartment', loss_date='2026-11-23', decision='auto_open', reasons=[], **BDG),
     html="""<html><body><p>Madame, Monsieur,</p><p>La plateforme vous confie la mission suivante.</p>
<table border="1" cellpadding="3">
<tr><td><b>R&eacute;f&eacute;rence sinistre</b></td><td>26101234567</td></tr>
<tr><td><b>Num&eacute;ro d'ordre de mission</b></td><td>4471203</td></tr>
<tr><td><b>Nature du sinistre</b></td><td>Bris de glace</td></tr>
<tr><td><b>Date de survenance</b></td><td>23/11/2026</td></tr>
<tr><td><b>Assur&eacute;</b></td><td>Mme Colette VAN DAMME</td></tr>
<tr><td><b>T&eacute;l&eacute;phone mobile</b></td><td>+33 6 71 82 93 04</td></tr>
<tr><td><b>Adresse du risque</b></td><td>12, rue des Tanneurs<br>59800 LILLE</td></tr>
<tr><td><b>Qualit&eacute;</b></td><td>Locataire</td></tr>
<tr><td><b>Type d'habitation</b></td><td>Appartement</td></tr>
</table>
<p><b>Description</b><br>Baie vitr&eacute;e du s&eacute;jour fissur&eacute;e sur toute la hauteur suite &agrave; un choc. Remplacement du vitrage &agrave; pr&eacute;voir.</p>
<p>Ce courriel est &eacute;mis automatiquement, merci de ne pas y r&eacute;pondre. Plateforme de suivi : 09 72 72 96 50.</p></body></html>""")

mail('h02_c2s_dotleaders_dde_reparee', 'C2S Allianz <plateforme.sinistres@allianz.fr>',
     'Missionnement automatique - DDE - 26109988776', 'Wed, 25 Nov 2026 08:03:55 +0100',
     """MISSIONNEMENT AUTOMATIQUE C2S
==============================
Sinistre n° ............ 26109988776
N° d'ordre de mission .. 4471877
Garantie ............... Dégât des eaux
Survenu le ............. 21/11/2026

ASSURE
  Nom ................. M. Bertrand LACOMBE
  Portable ............ 06.44.55.66.77
  Adresse ............. 3 chemin de la Garenne, 24100 BERGERAC
  Statut .............. Propriétaire occupant
  Habitation .......... Maison

DESCRIPTION
Fuite sur le flexible d'alimentation du lave-linge au rez-de-chaussée. Le flexible a été remplacé par un
plombier le 22/11, la cause est donc réparée. Plafond de la cave et plinthes du cellier à reprendre.

--
Plateforme C2S - message généré automatiquement, ne pas répondre.
Suivi : 09.72.72.96.50
""",
     dict(document_type='mission_order', channel='allianz_c2s', claim_number='26109988776', order_number='4471877',
          peril='water_damage', cause_repaired=True, **{'insured.last_name': 'LACOMBE', 'insured.phone': '+33644556677', 'insured.postcode': '24100'},
          occupancy='owner_occupier', dwelling='house', loss_date='2026-11-21', expertise_on_site=False, decision='auto_open', reasons=[]))

mail('h03_c2s_sans_numero_ordre', 'Allianz C2S <c2s-notifications@allianz.fr>',
     '[C2S] Mission serrurerie - 26105550123', 'Thu, 26 Nov 2026 15:20:00 +0100',
     """Bonjour,

La plateforme C2S vous transmet une mission.

Référence sinistre : 26105550123
Nature : perte de clés
Assurée : Mme Inès BENALI - tél. 07 12 23 34 45
Adresse : 45 avenue Jean Jaurès 69007 LYON, appartement, locataire
Date du sinistre : 25/11/2026

Description : l'assurée a égaré son trousseau de clés en rentrant du travail, ouverture de porte et
remplacement du cylindre à prévoir.

Message envoyé automatiquement, merci de ne pas répondre.
""",
     dict(document_type='mission_order', channel='allianz_c2s', claim_number='26105550123', order_number=None,
          peril='key_loss', **{'insured.last_name': 'BENALI', 'insured.phone': '+33712233445'},
          expertise_on_site=True, management_limit_eur=800, decision='manual_review', reasons=['missing_order_number']))

mail('h04_courtage_choc_livraison', 'Cabinet Rouvière Assurances <sinistres@rouviere-assurances.fr>',
     'Intervention suite choc véhicule - Mme DESCHAMPS-LEROUX', 'Fri, 27 Nov 2026 11:12:40 +0100',
     """Bonjour,

Nous vous prions de bien vouloir intervenir chez notre assurée, Mme Aurélie DESCHAMPS-LEROUX,
7 impasse du Moulin, 31500 TOULOUSE (maison, propriétaire occupante), joignable au 07 81 92 03 14.

Hier matin (26/11), un camion de livraison a percuté le portail et le mur de clôture en reculant.
Le conducteur a laissé ses coordonnées, constat amiable établi.

Références : sinistre Allianz C4417729 - code courtier 512877.

Bien cordialement,

Julien Rouvière
Cabinet Rouvière Assurances - 12 bd de Strasbourg 31000 Toulouse
Tél. 05 61 22 33 44 - ORIAS 12 045 678
""",
     dict(document_type='mission_order', channel='allianz_courtage', claim_number='C4417729', order_number='0',
          intermediary_code='512877', peril='vehicle_impact',
          **{'insured.last_name': 'DESCHAMPS-LEROUX', 'insured.phone': '+33781920314', 'insured.postcode': '31500'},
          occupancy='owner_occupier', dwelling='house', loss_date='2026-11-26', decision='auto_open', reasons=[], **CHOC))

mail('h05_courtage_cles_limite_450', 'sinistres@cap-courtage-conseil.fr',
     'Demande d\'intervention serrurier - C0093318', 'Mon, 30 Nov 2026 09:01:12 +0100',
     """Bonjour,
notre client M. Karim HADDAD a perdu ses clés samedi soir (28/11). Il loge chez un voisin en attendant.
Merci d'organiser l'ouverture de la porte et le changement de serrure, prise en charge dans la limite de 450 € TTC.
Adresse : 19 rue Pasteur 13006 MARSEILLE - appartement dont il est locataire. Tél : 06 98 76 54 32.
N° de sinistre : C0093318
Cordialement,
Sandrine - Cap Courtage Conseil, courtier en assurances
""",
     dict(document_type='mission_order', channel='allianz_courtage', claim_number='C0093318', order_number='0',
          intermediary_code='000', peril='key_loss', amount_eur=450.0, management_limit_eur=450,
          expertise_on_site=True, expertise_note='Limite 450 €TTC',
          **{'insured.last_name': 'HADDAD', 'insured.phone': '+33698765432', 'insured.postcode': '13006'},
          occupancy='tenant', dwelling='apartment', loss_date='2026-11-28', decision='auto_open', reasons=[]))

mail('h06_courtage_dde_plombier_attendu', 'Gestion sinistres <gestion@vexin-courtage.fr>',
     'Nouveau sinistre DDE - C7730215', 'Mon, 30 Nov 2026 14:35:00 +0100',
     """Madame, Monsieur,

Nous vous missionnons pour le dégât des eaux de notre assuré M. Olivier MARCHAND, 2 place de l'Église
95420 MAGNY-EN-VEXIN, tél. 06 03 04 05 06 (appartement en copropriété, il en est propriétaire et y habite).

Une canalisation encastrée fuit dans la salle de bains ; le plombier de la copropriété doit passer
jeudi pour la réparer. Peintures de la chambre voisine endommagées.

Sinistre : C7730215 / Code courtier : 220418

Salutations distinguées,
Vexin Courtage
""",
     dict(document_type='mission_order', channel='allianz_courtage', claim_number='C7730215', intermediary_code='220418',
          peril='water_damage', cause_repaired=False,
          **{'insured.last_name': 'MARCHAND', 'insured.phone': '+33603040506', 'insured.postcode': '95420'},
          occupancy='owner_occupier', dwelling='apartment', decision='manual_review', reasons=['dde_cause_not_confirmed_repaired']))

mail('h07_agence_corps_tempete', 'Agence Allianz Rodez Centre <agence.rodez@agents.allianz.fr>',
     'ODM tempête - B1209334', 'Tue, 01 Dec 2026 08:47:19 +0100',
     """Bonjour,

Merci de prendre en charge le sinistre suivant :

Assuré(e) : M. et Mme Thierry et Nadège CAYROL
Adresse : Lieu-dit La Bastide, 12850 ONET-LE-CHATEAU
Tél. domicile : 05 65 42 11 22 / portable 06 31 41 59 26
N° de sinistre : B 120 9334
Événement : tempête du 29/11/2026, tuiles arrachées et gouttière décrochée sur la maison (propriétaires occupants).

Code agent : 0451287

L'agence
Allianz - Agent général Rodez Centre - 05 65 00 00 00
""",
     dict(document_type='mission_order', channel='allianz_agence', claim_number='B1209334', order_number='0',
          intermediary_code='0451287', peril='storm',
          **{'insured.last_name': 'CAYROL', 'insured.phone': '+33565421122', 'insured.postcode': '12850'},
          occupancy='owner_occupier', dwelling='house', loss_date='2026-11-29', decision='auto_open', reasons=[]))

mail('h08_agence_sinistre_sans_b', 'agence.albi@agents.allianz.fr',
     'Ordre de mission incendie', 'Tue, 01 Dec 2026 10:05:00 +0100',
     """ORDRE DE MISSION
Agence : Albi Lapérouse   Code agent : 0388120
Sinistre : 7712093
Assurée : Mme Lucie FABRE, 8 rue Croix-Verte 81000 ALBI, tél 06 77 88 99 00
Nature : incendie (départ de feu dans la cuisine le 30/11/2026), locataire d'un appartement.
Merci d'intervenir pour la remise en état.
""",
     dict(document_type='mission_order', channel='allianz_agence', claim_number='7712093', intermediary_code='0388120',
          peril='fire', **{'insured.last_name': 'FABRE', 'insured.phone': '+33677889900'},
          decision='manual_review', reasons=['invalid_claim_number']))

mail('h09_cs2i_cabinet_rives', 'Rives Expertises <secretariat@rives-expertises.fr>',
     'Dossier 26107765432 - demande de recherche de fuite', 'Tue, 01 Dec 2026 16:40:00 +0100',
     """Bonjour,

Mandatés par Allianz pour le sinistre 26107765432 (M. Paul GIRAUD, 5 rue Lafayette 87000 LIMOGES,
tél. 06 12 00 34 56), nous avons constaté lors de notre visite des infiltrations dont l'origine n'est pas
identifiée. Nous vous remercions de réaliser une recherche de fuite non destructive.

Notre référence : RE-26-1187.

Cordialement,
Claire Vidal, expert IARD - Rives Expertises
""",
     dict(document_type='mission_order', channel='allianz_cs2i', claim_number='26107765432', intermediary_code=None,
          peril='leak_search', **{'insured.last_name': 'GIRAUD', 'insured.phone': '+33612003456'},
          decision='manual_review', queue='allianz_team', reasons=['cs2i_allianz_team']))

mail('h10_c2s_avis_05i', 'Allianz C2S <c2s-notifications@allianz.fr>',
     'Information : ouverture dossier 26103344556', 'Wed, 02 Dec 2026 07:30:00 +0100',
     """Bonjour,

Le sinistre 26103344556 (M. Denis ROUX) a fait l'objet d'une ouverture automatique en gestion intégrale BEB
(type de dossier 05I). Aucune action n'est attendue de votre part.

Message automatique de la plateforme C2S, merci de ne pas répondre.
""",
     dict(document_type='other', channel='allianz_c2s', decision='ignore', reasons=['gestion_integrale_05i']))

mail('h11_bruit_fournisseur_assechement', 'Sécheco Pro <info@secheco-pro.fr>',
     'Dégâts des eaux : louez nos assécheurs -15 % jusqu\'au 15/12', 'Wed, 02 Dec 2026 06:00:00 +0100',
     """Bonjour,

Après un dégât des eaux ou une recherche de fuite, l'assèchement est la clé d'une remise en état réussie.
Ce mois-ci, -15 % sur la location de nos déshumidificateurs professionnels.
Commandez au 04 72 00 11 22 ou sur notre site.

Vous recevez ce courriel car vous êtes client Sécheco Pro. Pour ne plus recevoir nos offres, répondez STOP.
""",
     dict(document_type='other', channel='unknown', decision='ignore', reasons=['not_mission_order']))

mail('h12_courtage_rdf_pavillon_po', 'Cabinet Mercier <c.mercier@mercier-assurances.com>',
     'Recherche de fuite - C2204417', 'Wed, 02 Dec 2026 09:15:00 +0100',
     """Bonjour,

Pouvez-vous intervenir pour une recherche de fuite chez notre assurée Mme Hélène BRUNET,
11 allée des Tilleuls 37300 JOUÉ-LÈS-TOURS (pavillon dont elle est propriétaire et qu'elle occupe).
Une tache d'humidité apparaît au plafond du salon, sans cause visible. Tél. 06 22 33 44 55.

Sinistre C2204417 - notre code courtier 615004.

Bien à vous,
Christophe Mercier
""",
     dict(document_type='mission_order', channel='allianz_courtage', claim_number='C2204417', intermediary_code='615004',
          peril='leak_search', **{'insured.last_name': 'BRUNET', 'insured.phone': '+33622334455', 'insured.postcode': '37300'},
          occupancy='owner_occupier', dwelling='house', decision='manual_review', reasons=['leak_search_owner_occupied_house']))

mail('h13_courtage_reprise_esthetique', 'Atlas Courtage <dossiers@atlas-courtage.fr>',
     'Mission DDE - C5561920', 'Wed, 02 Dec 2026 10:20:00 +0100',
     """Bonjour,

Merci de missionner une entreprise pour notre assuré M. Hugo PERRIN, 30 rue Nationale 59000 LILLE,
tél. 06 45 67 89 01, locataire d'un appartement.
Dégât des eaux du 20/11/2026 provenant de l'appartement du dessus ; la fuite a été réparée par le voisin.
L'assuré demande une reprise esthétique des papiers peints de la chambre.

Sinistre : C5561920

Cordialement
Atlas Courtage
""",
     dict(document_type='mission_order', channel='allianz_courtage', claim_number='C5561920', intermediary_code='000',
          peril='water_damage', cause_repaired=True,
          **{'insured.last_name': 'PERRIN', 'insured.phone': '+33645678901', 'insured.postcode': '59000'},
          occupancy='tenant', dwelling='apartment', loss_date='2026-11-20', decision='manual_review', reasons=['aesthetic_repair_not_covered']))

mail('h14_courtage_couple_particule_plus33', 'Bocage Assurances <contact@bocage-assurances.fr>',
     'Sinistre incendie - DU PONTAVICE', 'Wed, 02 Dec 2026 11:00:00 +0100',
     """Bonjour,

Nous vous confions la mission suivante pour nos clients M. et Mme Jean et Sylvie du PONTAVICE,
Manoir de Kerlan, 29200 BREST, joignables au +33 (0)6 20 30 40 50.
Un feu de cheminée s'est propagé à la charpente le 01/12/2026 ; les pompiers sont intervenus.
Maison principale, propriétaires occupants.

N° sinistre compagnie : C8800451
ORIAS 07 000 123 - SIREN 412 345 678

Cordialement,
Bocage Assurances
""",
     dict(document_type='mission_order', channel='allianz_courtage', claim_number='C8800451', intermediary_code='000',
          peril='fire', **{'insured.last_name': 'DU PONTAVICE', 'insured.phone': '+33620304050', 'insured.postcode': '29200'},
          occupancy='owner_occupier', dwelling='house', loss_date='2026-12-01', decision='auto_open', reasons=[]))

mail('h15_suivi_assure_question', 'Nadia Lemoine <nadia.lemoine@free.fr>',
     'Re: votre intervention - sinistre C3321987', 'Wed, 02 Dec 2026 12:10:00 +0100',
     """Bonjour,

Je n'ai toujours pas de nouvelles du plombier depuis votre appel de lundi. Pouvez-vous me dire quand il passera ?

Merci,
Nadia Lemoine
06 11 22 33 44
""",
     dict(document_type='follow_up', claim_number='C3321987', decision='attach', reasons=['follow_up']))

mail('h16_courtage_dde_reparee_html', 'Cabinet Thiers <gestion@thiers-assurances.fr>',
     'Ordre de mission - dégât des eaux', 'Wed, 02 Dec 2026 13:30:00 +0100', None,
     dict(document_type='mission_order', channel='allianz_courtage', claim_number='C6610034', intermediary_code='433120',
          peril='water_damage', cause_repaired=True,
          **{'insured.last_name': 'NGUYEN', 'insured.phone': '+33760504030', 'insured.postcode': '63000'},
          occupancy='tenant', dwelling='apartment', loss_date='2026-11-27', decision='auto_open', reasons=[]),
     html="""<div style="font-family:Calibri">Bonjour,<br><br>Veuillez trouver ci-dessous un ordre de mission :<br>
<ul><li><b>Assuré :</b> M. Minh NGUYEN</li><li><b>Adresse :</b> 4 rue Blatin, 63000 CLERMONT-FERRAND</li>
<li><b>Contact :</b> 07 60 50 40 30</li><li><b>Situation :</b> locataire, appartement au 2e étage</li>
<li><b>N° sinistre :</b> C6610034</li><li><b>Code courtier :</b> 433120</li>
<li><b>Circonstances :</b> le 27/11/2026, débordement de la baignoire de l'occupant du 3e ; le voisin a fait réparer le robinet, la cause est supprimée.</li>
<li><b>Dommages :</b> plafond de la salle de bains et du couloir.</li></ul>
Cordialement,<br>Cabinet Thiers - courtier</div>""")
print('ok')

# ---------------------------------------------------------------- second batch, written after the first fixes
mail('h17_courtage_sinistre_objet_seul', 'Cabinet Delorme <m.delorme@delorme-courtage.fr>',
     'Sinistre n° C1234567 - Mme ROCHE - dégât des eaux', 'Wed, 02 Dec 2026 14:02:00 +0100',
     """Bonjour,

Je vous transmets la demande de Mme Valérie ROCHE, 18 rue des Acacias 21000 DIJON, locataire de son appartement.
Joignable au 06 14 25 36 47.
Infiltration par la toiture-terrasse le 28/11/2026 ; le syndic a fait réparer l'étanchéité hier, la cause est supprimée.
Plafond du séjour taché, peinture à refaire.

Vous pouvez me joindre au 03 80 11 22 33 pour toute question.

Marc Delorme
""",
     dict(document_type='mission_order', channel='allianz_courtage', claim_number='C1234567', intermediary_code='000',
          peril='water_damage', cause_repaired=True,
          **{'insured.last_name': 'ROCHE', 'insured.phone': '+33614253647', 'insured.postcode': '21000'},
          occupancy='tenant', dwelling='apartment', loss_date='2026-11-28', decision='auto_open', reasons=[]))

mail('h18_c2s_pno_fuite_reparee', 'Allianz C2S <c2s-notifications@allianz.fr>',
     '[C2S] Nouvelle mission - sinistre 26108877665', 'Wed, 02 Dec 2026 14:30:00 +0100',
     """Référence sinistre : 26108877665
Numéro d'ordre de mission : 4472950
Nature du sinistre : Dégât des eaux
Date de survenance : 29/11/2026
Assuré : M. Franck ESTEVE
Téléphone : 06 85 96 07 18
Adresse du risque : 22 rue Sainte-Catherine 33000 BORDEAUX
Qualité : Propriétaire non occupant
Type d'habitation : Appartement

Description :
Fuite du ballon d'eau chaude chez le locataire. Le chauffagiste a remplacé le groupe de sécurité le 30/11.
Dommages au parquet de l'entrée.

Message automatique, merci de ne pas répondre.
""",
     dict(document_type='mission_order', channel='allianz_c2s', claim_number='26108877665', order_number='4472950',
          peril='water_damage', cause_repaired=True,
          **{'insured.last_name': 'ESTEVE', 'insured.phone': '+33685960718', 'insured.postcode': '33000'},
          occupancy='non_occupying_owner', dwelling='apartment', loss_date='2026-11-29', decision='auto_open', reasons=[]))

mail('h19_bruit_facture_anglais', 'Acme Software Billing <billing@acme-soft.example>',
     'Your invoice #INV-20931 is available', 'Wed, 02 Dec 2026 02:00:00 +0000',
     """Hello,

Your invoice INV-20931 for December 2026 (amount due: 49.00 EUR) is now available in your account.
Payment will be taken automatically on 05/12/2026.

Thank you for your business,
Acme Software
""",
     dict(document_type='other', channel='unknown', decision='ignore', reasons=['not_mission_order']))

mail('h20_courtage_rdf_pno_maison', 'Agence Conseil Vernier <contact@vernier-assurances.fr>',
     'Demande de recherche de fuite - C4040404', 'Wed, 02 Dec 2026 15:10:00 +0100',
     """Bonjour,

Merci de réaliser une recherche de fuite dans la maison que notre assuré M. Stéphane VERNET loue à un tiers
(propriétaire bailleur), 6 rue du Four 45000 ORLEANS. Traces d'humidité au pied du mur de la cuisine.
Le locataire, M. Alain BOYER, vous ouvrira : 06 50 60 70 80. Notre assuré : 06 40 30 20 10.

Réf. sinistre C4040404 - code courtier 300912.

Cordialement,
Agence Conseil Vernier, courtier
""",
     dict(document_type='mission_order', channel='allianz_courtage', claim_number='C4040404', intermediary_code='300912',
          peril='leak_search', **{'insured.last_name': 'VERNET', 'insured.phone': '+33640302010', 'insured.postcode': '45000'},
          occupancy='non_occupying_owner', dwelling='house', decision='auto_open', reasons=[]))

mail('h21_agence_cles_plafond_300', 'Agence Allianz Annecy Lac <agence.annecy@agents.allianz.fr>',
     'ODM serrurerie B7001234', 'Wed, 02 Dec 2026 16:00:00 +0100',
     """Bonjour,
Vol de clés (sac arraché) le 01/12/2026 pour notre cliente Mme Agathe MOREL, 9 quai Perrière 74000 ANNECY,
appartement, propriétaire occupante. Tél : 0612345678.
Changement des serrures dans la limite d'un plafond de 300 euros.
Sinistre B7001234, code agent 620014.
Agence Annecy Lac
""",
     dict(document_type='mission_order', channel='allianz_agence', claim_number='B7001234', intermediary_code='620014',
          peril='key_loss', amount_eur=300.0, management_limit_eur=300, expertise_note='Limite 300 €TTC',
          **{'insured.last_name': 'MOREL', 'insured.phone': '+33612345678', 'insured.postcode': '74000'},
          occupancy='owner_occupier', dwelling='apartment', loss_date='2026-12-01', decision='auto_open', reasons=[]))

mail('h22_cs2i_numero_mission', 'Cabinet Dauphiné Expertises <gestion@dauphine-expertises.fr>',
     'Expertise 26109090909 - demande de devis', 'Wed, 02 Dec 2026 16:30:00 +0100',
     """Bonjour,

Dans le cadre de notre mandat pour Allianz (sinistre 26109090909, N° de mission 8812345), nous vous remercions de
prendre contact avec l'assurée Mme Odile PERRET (06 71 72 73 74), 3 montée du Château 38000 GRENOBLE, afin d'établir
un devis de remise en état des embellissements après l'incendie de la cuisine.

Cabinet Dauphiné Expertises - expert construction
""",
     dict(document_type='mission_order', channel='allianz_cs2i', claim_number='26109090909', order_number='8812345',
          intermediary_code=None, peril='fire', **{'insured.last_name': 'PERRET', 'insured.phone': '+33671727374'},
          decision='manual_review', queue='allianz_team', reasons=['cs2i_allianz_team']))

mail('h23_courtage_cause_non_form', 'sinistres@horizon-patrimoine-assurances.fr',
     'ODM DDE C9090901', 'Wed, 02 Dec 2026 17:00:00 +0100',
     """ORDRE DE MISSION
Compagnie : Allianz         Sinistre : C9090901        Code courtier : 118822
Assuré : Mme Sophie LEGRAND                  Tél. : 06 33 22 11 00
Adresse : 40 avenue de la Gare 68100 MULHOUSE
Qualité : LOC                                 Logement : appt
Nature : DDE - fuite sous évier
Cause réparée : NON
Date du sinistre : 30/11/2026
""",
     dict(document_type='mission_order', channel='allianz_courtage', claim_number='C9090901', intermediary_code='118822',
          peril='water_damage', cause_repaired=False,
          **{'insured.last_name': 'LEGRAND', 'insured.phone': '+33633221100', 'insured.postcode': '68100'},
          occupancy='tenant', dwelling='apartment', loss_date='2026-11-30', decision='manual_review',
          reasons=['dde_cause_not_confirmed_repaired']))

mail('h24_bounce_odm', 'Mail Delivery System <MAILER-DAEMON@mx.assistance-habitat-demo.fr>',
     'Undelivered Mail Returned to Sender', 'Wed, 02 Dec 2026 17:20:00 +0100',
     """This is the mail system at host mx.assistance-habitat-demo.fr.

I'm sorry to have to inform you that your message could not be delivered to one or more recipients.

<r.jourdan@cabinet-jourdan.fr>: host mx.cabinet-jourdan.fr said: 550 5.1.1 mailbox unavailable

--- original message ---
Subject: Ordre de mission - sinistre C1112223
Merci d'intervenir chez M. Jean PASCAL, 06 10 20 30 40, fuite réparée.
""",
     dict(document_type='other', channel='unknown', decision='ignore', reasons=['not_mission_order']))
print('batch 2 ok')

# ---------------------------------------------------------------- third batch: orders in attachments, chains
import io
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
import docx


def pdf_of(lines):
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    y = 800
    for line in lines:
        c.setFont("Helvetica-Bold" if line.isupper() else "Helvetica", 10)
        c.drawString(50, y, line)
        y -= 16
    c.showPage(); c.save()
    return buf.getvalue()


def docx_of(paragraphs, table=None):
    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    if table:
        t = d.add_table(rows=0, cols=2)
        for k, v in table:
            row = t.add_row().cells
            row[0].text, row[1].text = k, v
    buf = io.BytesIO(); d.save(buf)
    return buf.getvalue()


def mail_with(name, frm, subject, date, body, expect, attachments, headers=None):
    m = EmailMessage()
    m['From'] = frm; m['To'] = 'missions@assistance-habitat-demo.fr'; m['Subject'] = subject
    m['Date'] = date; m['Message-ID'] = f'<{name}@heldout4.test>'
    for k, v in (headers or {}).items(): m[k] = v
    m.set_content(body)
    for fname, data, mt, st in attachments:
        m.add_attachment(data, maintype=mt, subtype=st, filename=fname)
    m.set_boundary(f'==h4-{name}==')
    (HERE / f'{name}.eml').write_bytes(bytes(m))
    (HERE / f'{name}.eml.json').write_text(json.dumps(expect, ensure_ascii=False) + '\n', encoding='utf-8')


mail_with('h25_c2s_pdf_joint', 'Allianz C2S <c2s-notifications@allianz.fr>', 'Ordre de mission 4473310',
          'Wed, 02 Dec 2026 08:10:00 +0100',
          "Bonjour,\n\nVous trouverez ci-joint un ordre de mission émis par la plateforme C2S.\n\nMessage automatique, merci de ne pas répondre.\n",
          dict(document_type='mission_order', channel='allianz_c2s', claim_number='26104455667', order_number='4473310',
               peril='electrical_damage', **{'insured.last_name': 'GAUTHIER', 'insured.phone': '+33680706050', 'insured.postcode': '49000'},
               occupancy='owner_occupier', dwelling='house', loss_date='2026-11-30', decision='auto_open', reasons=[]),
          [('ODM_4473310.pdf', pdf_of([
              "ORDRE DE MISSION - PLATEFORME C2S", "",
              "Reference sinistre : 26104455667", "N° d'ordre de mission : 4473310", "Date de survenance : 30/11/2026",
              "Nature : Dommages electriques (surtension apres orage)", "",
              "ASSURE", "M. Laurent GAUTHIER", "17 rue Bressigny 49000 ANGERS", "Portable : 06 80 70 60 50",
              "Proprietaire occupant - Maison", "",
              "DESCRIPTION", "Box internet, four et volet roulant hors service apres la surtension du 30/11.",
              "Remplacement du moteur du volet roulant a prevoir."]), 'application', 'pdf')])

mail_with('h26_courtage_docx', 'Cabinet Lenoir <sinistres@lenoir-courtage.fr>', 'Nouveau dossier - C3030303',
          'Wed, 02 Dec 2026 09:40:00 +0100',
          "Bonjour,\n\nCi-joint notre ordre de mission pour notre client.\n\nCordialement,\nCabinet Lenoir, courtier\nTél. 04 91 00 00 01\n",
          dict(document_type='mission_order', channel='allianz_courtage', claim_number='C3030303', intermediary_code='771100',
               peril='burglary', **{'insured.last_name': 'ROUSSEL', 'insured.phone': '+33622446688', 'insured.postcode': '13008'},
               occupancy='tenant', dwelling='apartment', loss_date='2026-11-29', decision='auto_open', reasons=[]),
          [('ODM_C3030303.docx', docx_of(
              ["ORDRE DE MISSION", "Merci d'intervenir pour sécuriser le logement après cambriolage."],
              [("N° de sinistre", "C3030303"), ("Code courtier", "771100"), ("Assuré", "Mme Chloé ROUSSEL"),
               ("Téléphone", "06 22 44 66 88"), ("Adresse", "52 avenue du Prado, 13008 MARSEILLE"),
               ("Qualité", "Locataire"), ("Logement", "Appartement"), ("Date du sinistre", "29/11/2026"),
               ("Nature", "Vol avec effraction : porte palière forcée, serrure à remplacer")]),
            'application', 'vnd.openxmlformats-officedocument.wordprocessingml.document')])

mail_with('h27_c2s_relance', 'Allianz C2S <c2s-notifications@allianz.fr>', 'Relance - mission 4471203 non clôturée',
          'Wed, 02 Dec 2026 10:00:00 +0100',
          "Bonjour,\n\nSauf erreur de notre part, la mission 4471203 (sinistre 26101234567, Mme VAN DAMME) n'a pas encore "
          "fait l'objet d'un compte rendu. Merci de nous tenir informés de l'avancement.\n\nPlateforme C2S - message automatique.\n",
          dict(document_type='follow_up', claim_number='26101234567', decision='attach', reasons=['follow_up']), [])

mail_with('h28_cs2i_rapport_pdf', 'Cabinet Rives Expertises <secretariat@rives-expertises.fr>',
          'Rapport - sinistre 26107765432', 'Wed, 02 Dec 2026 11:00:00 +0100',
          "Bonjour,\n\nVeuillez trouver ci-joint notre rapport et la demande de travaux associée.\n\nC. Vidal, expert\n",
          dict(document_type='mission_order', channel='allianz_cs2i', claim_number='26107765432', intermediary_code=None,
               decision='manual_review', queue='allianz_team', reasons=['cs2i_allianz_team', 'dde_cause_not_confirmed_repaired']),
          [('rapport_RE-26-1187.pdf', pdf_of([
              "RAPPORT D'EXPERTISE", "Cabinet Rives Expertises - mandate par Allianz", "",
              "Sinistre : 26107765432", "Assure : M. Paul GIRAUD - 5 rue Lafayette 87000 LIMOGES - 06 12 00 34 56", "",
              "Constatations : infiltrations en plafond de la salle de bains, origine : joint de baignoire.",
              "Travaux demandes : reprise du joint et des peintures du plafond."]), 'application', 'pdf')])

mail_with('h29_agence_tr_gmail', 'Sandrine Vial <sandrine.vial.agence@gmail.com>', 'TR: ODM - B8080808',
          'Wed, 02 Dec 2026 12:00:00 +0100',
          """Bonjour, je vous fais suivre depuis ma boîte perso (messagerie de l'agence en panne).

---------- Forwarded message ---------
De : Agence Allianz Nîmes Arènes <agence.nimes@agents.allianz.fr>
Date: mer. 2 déc. 2026 à 11:45
Subject: ODM - B8080808
To: Sandrine Vial <sandrine.vial.agence@gmail.com>

ORDRE DE MISSION
N° sinistre : B8080808
Code agent : 330145
Assuré : M. Théo BARRAL - 06 70 80 90 11
Adresse : 4 rue de l'Aspic 30000 NIMES
Occupation : locataire - appartement
Sinistre : bris de glace le 01/12/2026 (fenêtre de la cuisine)
""",
          dict(document_type='mission_order', channel='allianz_agence', claim_number='B8080808', intermediary_code='330145',
               peril='glass_breakage', **{'insured.last_name': 'BARRAL', 'insured.phone': '+33670809011', 'insured.postcode': '30000'},
               occupancy='tenant', dwelling='apartment', loss_date='2026-12-01', decision='auto_open', reasons=[], **BDG), [])

mail_with('h30_ooo_anglais_citant_odm', 'Marc Olivier <m.olivier@lenoir-courtage.fr>', 'Automatic reply: Nouveau dossier - C3030303',
          'Wed, 02 Dec 2026 09:41:00 +0100',
          "I am out of the office until 07/12/2026 with limited access to email.\nPour toute urgence : sinistres@lenoir-courtage.fr\n\n"
          "> Ci-joint notre ordre de mission pour notre client, sinistre C3030303.\n",
          dict(document_type='other', channel='unknown', decision='ignore', reasons=['not_mission_order']), [],
          headers={'Auto-Submitted': 'auto-replied'})
print('batch 3 ok')

# ---------------------------------------------------------------- fourth batch: mail that must never open a dossier
NOISE = dict(document_type='other', channel='unknown', decision='ignore', reasons=['not_mission_order'])
mail('h31_phishing_c2s_lookalike', 'Allianz C2S <c2s-notifications@allianz-c2s-support.com>',
     '[C2S] Nouvelle mission - sinistre 26100000001', 'Wed, 02 Dec 2026 13:00:00 +0100',
     """Référence sinistre : 26100000001
Numéro d'ordre de mission : 4470001
Nature du sinistre : Dégât des eaux, cause réparée
Assuré : M. Alain DURAND - 06 11 11 11 11 - 1 rue de Paris 75001 PARIS, locataire, appartement
Pour accepter la mission, confirmez vos identifiants sur notre nouveau portail : http://allianz-c2s-support.com/login
""",
     dict(decision='manual_review', reasons=['low_confidence']), headers={'Authentication-Results': 'mx.assistance-habitat-demo.fr; spf=fail smtp.mailfrom=allianz-c2s-support.com; dkim=none; dmarc=fail header.from=allianz-c2s-support.com'})

mail('h32_avis_reglement', 'Allianz Règlements <reglements@allianz.fr>', 'Avis de règlement - sinistre 26101234567',
     'Wed, 02 Dec 2026 13:10:00 +0100',
     """Madame, Monsieur,

Nous vous informons qu'un virement de 1 245,00 EUR a été émis en règlement de votre facture n° F-2026-1183
relative au sinistre 26101234567 (Mme VAN DAMME).

Service règlements Allianz
""",
     dict(document_type='other', decision='ignore', reasons=['not_mission_order']))

mail('h33_invitation_visio', 'Claire Dumas <c.dumas@allianz.fr>', 'Invitation : point mensuel prestataires - 10 déc. 2026',
     'Wed, 02 Dec 2026 13:20:00 +0100',
     """Bonjour,

Je vous propose notre point mensuel le jeudi 10 décembre à 14h : bilan des missions de novembre (dégâts des eaux,
recherches de fuite, bris de glace), délais d'intervention, sinistres en retard.

Rejoindre la réunion Microsoft Teams : https://teams.example/meet/123

Claire Dumas, responsable réseau prestataires
""", NOISE)

mail('h34_reclamation_client', 'Jacques Moreau <jacques.moreau@orange.fr>', 'Réclamation',
     'Wed, 02 Dec 2026 13:30:00 +0100',
     """Bonjour,

Je suis très mécontent : votre technicien est venu le 20/11 pour ma fuite et depuis rien. Le plafond est toujours
taché. Je vais écrire à mon assurance.

J. Moreau
""", dict(document_type='other', decision='ignore', reasons=['not_mission_order']))

mail('h35_demande_tarifs_courtier', 'Cabinet Fabre Assurances <contact@fabre-assurances.fr>', 'Demande de grille tarifaire',
     'Wed, 02 Dec 2026 13:40:00 +0100',
     """Bonjour,

Nous souhaiterions recevoir votre grille tarifaire 2027 pour les interventions de recherche de fuite, de plomberie
et de serrurerie, afin de la proposer à nos clients.

Cordialement,
Cabinet Fabre Assurances, courtier - ORIAS 07 123 456
""", dict(document_type='other', decision='ignore', reasons=['not_mission_order']))

mail('h36_accuse_plateforme', 'Allianz C2S <c2s-notifications@allianz.fr>', 'Accusé de réception de votre compte rendu - mission 4471203',
     'Wed, 02 Dec 2026 13:50:00 +0100',
     """Bonjour,

Nous accusons réception de votre compte rendu d'intervention pour la mission 4471203 (sinistre 26101234567).

Message automatique de la plateforme C2S, merci de ne pas répondre.
""", dict(document_type='other', decision='ignore', reasons=['not_mission_order']),
     headers={'Auto-Submitted': 'auto-generated'})
print('batch 4 ok')

# ---------------------------------------------------------------- fifth batch: the platform and agencies in other words
mail('h37_c2s_numero_mission_abrege', 'Allianz C2S <c2s-notifications@allianz.fr>',
     '[C2S] OM 4478899 - sinistre 26106060606', 'Wed, 02 Dec 2026 14:05:00 +0100',
     """Nouvelle mission plateforme

N° OM : 4478899
Sinistre : 26106060606
Type de dommage : Dégâts des eaux
Date : 1er décembre 2026

Nom : LEFEBVRE
Prénom : Anne
Tél. fixe : 03 20 40 50 60
Tél. portable : 06 07 08 09 10
Adresse : 8 rue Esquermoise 59000 LILLE
Occupant : locataire, appartement

Détail de la mission : dégât des eaux venant d'un joint de douche défectueux, refait par l'assurée le 1er décembre ;
reprise des peintures de la salle de bains.
Message automatique, merci de ne pas répondre.
""",
     dict(document_type='mission_order', channel='allianz_c2s', claim_number='26106060606', order_number='4478899',
          peril='water_damage', cause_repaired=True,
          **{'insured.last_name': 'LEFEBVRE', 'insured.phone': '+33320405060', 'insured.postcode': '59000'},
          occupancy='tenant', dwelling='apartment', loss_date='2026-12-01', decision='auto_open', reasons=[]))

mail('h38_c2s_numero_de_mission', 'Plateforme sinistres Allianz <ne-pas-repondre@allianz.fr>',
     'Mission de recherche de fuite', 'Wed, 02 Dec 2026 14:15:00 +0100',
     """Bonjour,
La plateforme d'indemnisation Allianz vous confie une mission.
N° de mission : 4479001 - N° de sinistre : 26107070707
Bénéficiaire : Mme Rose CARON, 06 33 44 55 66, 21 boulevard Gambetta 46000 CAHORS
Locataire d'un appartement. Survenance : le 28 novembre.
Mission : recherche de fuite non destructive (humidité au pied du mur du séjour, origine inconnue).
Ce message est envoyé automatiquement.
""",
     dict(document_type='mission_order', channel='allianz_c2s', claim_number='26107070707', order_number='4479001',
          peril='leak_search', **{'insured.last_name': 'CARON', 'insured.phone': '+33633445566', 'insured.postcode': '46000'},
          occupancy='tenant', dwelling='apartment', loss_date='2026-11-28', decision='auto_open', reasons=[]))

mail('h39_agence_nature_dde_cause_ligne', 'Agence Allianz Quimper <agence.quimper@agents.allianz.fr>',
     'ODM B3131313', 'Wed, 02 Dec 2026 14:25:00 +0100',
     """Nature : DDE
Cause : réparée (plombier passé le 30/11)
Sinistre : B3131313 - code agent 290412
Assuré : Mme Maëlle LE BRIS - 02 98 95 00 11
12 rue Kéréon 29000 QUIMPER
Occupant : propriétaire - bien : maison
Merci de prendre en charge la reprise du plafond de la cuisine.
""",
     dict(document_type='mission_order', channel='allianz_agence', claim_number='B3131313', intermediary_code='290412',
          peril='water_damage', cause_repaired=True,
          **{'insured.last_name': 'LE BRIS', 'insured.phone': '+33298950011', 'insured.postcode': '29000'},
          occupancy='owner_occupier', dwelling='house', decision='auto_open', reasons=[]))

mail('h40_courtage_tableau_texte', 'Cabinet Brunel Assurances <gestion@brunel-assurances.fr>',
     'Mission bris de glace', 'Wed, 02 Dec 2026 14:35:00 +0100',
     """Bonjour,

| Sinistre        | C6060606                          |
| Code courtier   | 402211                            |
| Assuré          | M. Olivier GARNIER                |
| Téléphone       | 06 44 33 22 11                    |
| Adresse         | 5 rue des Carmes 86000 POITIERS   |
| Situation       | locataire / appartement           |
| Faits           | vitre de la porte d'entrée brisée le 30/11/2026 |

Merci d'intervenir rapidement.
Cabinet Brunel, courtier
""",
     dict(document_type='mission_order', channel='allianz_courtage', claim_number='C6060606', intermediary_code='402211',
          peril='glass_breakage', **{'insured.last_name': 'GARNIER', 'insured.phone': '+33644332211', 'insured.postcode': '86000'},
          occupancy='tenant', dwelling='apartment', loss_date='2026-11-30', decision='auto_open', reasons=[], **BDG))

mail('h41_courtage_deux_sinistres', 'Cabinet Brunel Assurances <gestion@brunel-assurances.fr>',
     'Deux missions', 'Wed, 02 Dec 2026 14:45:00 +0100',
     """Bonjour,

Merci d'intervenir pour deux de nos clients :
1) sinistre C7070701 : M. Paul ROY, 06 10 10 10 10, 3 rue Carnot 86000 POITIERS, fuite réparée, plafond à reprendre ;
2) sinistre C7070702 : Mme Lise ROY, 06 20 20 20 20, 9 rue Magenta 86000 POITIERS, vitre cassée.

Cabinet Brunel, courtier
""",
     dict(document_type='mission_order', channel='allianz_courtage', decision='manual_review', reasons=['low_confidence']))

mail('h42_agence_date_sans_annee_janvier', 'Agence Allianz Lens <agence.lens@agents.allianz.fr>',
     'ODM tempête B5151515', 'Sat, 02 Jan 2027 09:00:00 +0100',
     """Bonjour,
Tempête du 30 décembre : tuiles envolées chez M. Hervé DUPUIS, 4 rue Basly 62300 LENS, 06 12 12 12 12,
propriétaire occupant de sa maison. Sinistre B5151515, code agent 620333. Merci de faire le nécessaire.
""",
     dict(document_type='mission_order', channel='allianz_agence', claim_number='B5151515', intermediary_code='620333',
          peril='storm', **{'insured.last_name': 'DUPUIS', 'insured.phone': '+33612121212', 'insured.postcode': '62300'},
          occupancy='owner_occupier', dwelling='house', loss_date='2026-12-30', decision='auto_open', reasons=[]))
print('batch 5 ok')

# ---------------------------------------------------------------- sixth batch: brokers and agencies, terse and chatty
mail('h43_courtage_sms_style', 'jm.petit@petit-associes-assurances.fr', 'urgent fuite',
     'Wed, 02 Dec 2026 15:20:00 +0100',
     """bjr, pouvez vous envoyer qqn chez ma cliente mme NOEL Sandrine 14 av de la République 92120 Montrouge
tel 0677889900, fuite sous évier (réparée par son plombier ce matin) il faut reprendre le meuble et le sol.
sin C1818181 - code 551122
merci
JM Petit - cabinet Petit & associés
""",
     dict(document_type='mission_order', channel='allianz_courtage', claim_number='C1818181', intermediary_code='551122',
          peril='water_damage', cause_repaired=True,
          **{'insured.last_name': 'NOEL', 'insured.phone': '+33677889900', 'insured.postcode': '92120'},
          decision='auto_open', reasons=[]))

mail('h44_courtage_vouvoiement_long', 'Cabinet Marchal <contact@marchal-assurances.fr>', 'Sinistre de Monsieur Blanc',
     'Wed, 02 Dec 2026 15:30:00 +0100',
     """Madame, Monsieur,

Par la présente, et conformément aux accords qui lient notre cabinet à la compagnie Allianz, nous avons l'honneur
de vous confier la prise en charge du sinistre déclaré par notre sociétaire, Monsieur Étienne BLANC, domicilié
7 place Jean Jaurès à Saint-Étienne (42000), que vous pourrez joindre au 04 77 30 20 10.

Dans la nuit du 29 au 30 novembre, une violente tempête a endommagé la toiture de sa maison, dont il est
propriétaire occupant. Notre référence compagnie : C2424242 ; notre code apporteur : 700812.

Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.
Cabinet Marchal
""",
     dict(document_type='mission_order', channel='allianz_courtage', claim_number='C2424242', intermediary_code='700812',
          peril='storm', **{'insured.last_name': 'BLANC', 'insured.phone': '+33477302010', 'insured.postcode': '42000'},
          occupancy='owner_occupier', dwelling='house', decision='auto_open', reasons=[]))

mail('h45_agence_electrique', 'Agence Allianz Tarbes <agence.tarbes@agents.allianz.fr>', 'ODM dommage électrique',
     'Wed, 02 Dec 2026 15:40:00 +0100',
     """Sinistre B9191919 / code agent 650077
Assurée : Mme Sophie ARRIEU (06 11 22 44 88), 2 rue Brauhauban 65000 TARBES, locataire d'un appartement.
Suite à la foudre tombée le 27/11/2026, le tableau électrique et la VMC sont hors service : merci d'intervenir.
""",
     dict(document_type='mission_order', channel='allianz_agence', claim_number='B9191919', intermediary_code='650077',
          peril='electrical_damage', **{'insured.last_name': 'ARRIEU', 'insured.phone': '+33611224488', 'insured.postcode': '65000'},
          occupancy='tenant', dwelling='apartment', loss_date='2026-11-27', decision='auto_open', reasons=[]))

mail('h46_courtage_reparation_fuite', 'Cabinet Marchal <contact@marchal-assurances.fr>', 'Plombier SVP - C2525252',
     'Wed, 02 Dec 2026 15:50:00 +0100',
     """Bonjour,
Merci d'envoyer un plombier pour réparer la fuite du chauffe-eau chez M. Lucas FERRY, 06 55 66 77 88,
3 rue Michelet 42000 SAINT-ETIENNE (locataire, appartement). Dégâts sur le parquet.
Sinistre C2525252.
""",
     dict(document_type='mission_order', channel='allianz_courtage', claim_number='C2525252', peril='water_damage',
          **{'insured.last_name': 'FERRY', 'insured.phone': '+33655667788'},
          decision='manual_review', reasons=['dde_cause_not_confirmed_repaired', 'leak_repair_not_covered']))

mail('h47_newsletter_assureur', 'Allianz Partenaires <newsletter@partenaires.allianz.fr>',
     'Lettre des partenaires - décembre 2026', 'Wed, 02 Dec 2026 16:00:00 +0100',
     """Chers partenaires,

Ce mois-ci : nouvelles règles de missionnement pour les dégâts des eaux (la cause doit être réparée avant toute
intervention), rappel sur les recherches de fuite, et le calendrier des formations 2027.
Exemple d'ordre de mission : sinistre C0000000, M. EXEMPLE, 06 00 00 00 00.

Pour ne plus recevoir cette lettre, cliquez ici.
""",
     dict(document_type='other', decision='ignore', reasons=['not_mission_order']))
print('batch 6 ok')
