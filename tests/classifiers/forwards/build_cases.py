"""Writes the forwarded-chain cases of this folder (run once: `python tests/classifiers/forwards/build_cases.py`).

Each case is a broker's or agency's mail that forwards or quotes the insured's own mail, in a mail client's style
the devset does not use (Outlook FR/EN, Gmail FR/EN, Apple Mail FR/EN, Thunderbird, "Le ... a écrit" and ">"
quoting, HTML bodies, message/rfc822 attachments, nested forwards), with the expected values beside it in
NAME.eml.json. The messages are fixed (ids, dates, boundaries) so the files are reproducible.
"""
from __future__ import annotations

import json
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

HERE = Path(__file__).parent


def message(name: str, sender: str, subject: str, date: str, text: str | None = None, html: str | None = None,
            attached: EmailMessage | None = None) -> EmailMessage:
    m = EmailMessage(policy=SMTP)
    m["From"] = sender
    m["To"] = "Missions <missions@multiassistance.fr>"
    m["Subject"] = subject
    m["Date"] = date
    m["Message-ID"] = f"<{name}@forwards.test>"
    if text is not None:
        m.set_content(text, cte="quoted-printable")
    if html is not None:
        if text is None:
            m.set_content(html, subtype="html", cte="quoted-printable")
        else:
            m.add_alternative(html, subtype="html", cte="quoted-printable")
    if attached is not None:
        if not m.is_multipart():
            m.make_mixed()
        m.add_attachment(attached)
    for i, part in enumerate(p for p in m.walk() if p.get_content_maintype() == "multipart"):
        part.set_boundary(f"=_{name}_{i}")
    return m


CASES: list[tuple[str, dict, EmailMessage]] = []


def case(name: str, expected: dict, msg: EmailMessage) -> None:
    CASES.append((name, expected, msg))


# 1. Outlook FR, letterhead at the top of the cover note, insured's prose address and signature phone
case("fw01_outlook_fr_entete", {
    "claim_number": "C7788123", "channel": "allianz_courtage", "insured.last_name": "GIRARD", "insured.first_name": "Marc",
    "insured.phone": "+33671223344", "insured.postcode": "49000", "insured.city": "ANGERS"},
    message("fw01", "Cabinet Lemoine Assurances <gestion@lemoine-assurances.fr>", "TR: Dégât des eaux cuisine",
            "Tue, 10 Mar 2026 10:02:00 +0100", text="""CABINET LEMOINE ASSURANCES - 5 place du Ralliement 49100 Angers - Tél 02 41 88 12 34
Courtier en assurances - ORIAS 07012345

Madame, Monsieur,

Ci-dessous le mail de mon assuré. Merci de bien vouloir missionner une entreprise.
N° sinistre : C7788123 - code courtier 412233

Bien à vous,
Claire Lemoine

-----Message d'origine-----
De : Marc Girard [mailto:marc.girard@orange.fr]
Envoyé : mardi 10 mars 2026 09:12
À : gestion@lemoine-assurances.fr
Objet : dégât des eaux

Bonjour Madame Lemoine,

Depuis dimanche l'eau coule du plafond de la cuisine de ma maison, 14 bis rue des Capucines 49000 ANGERS. Le voisin du dessus a fait venir son plombier, la fuite est réparée.
Je suis propriétaire occupant.

Merci,
Marc GIRARD
06 71 22 33 44
"""))

# 2. Outlook EN (-----Original Message----- From/Sent/To/Subject), English insured, French cover note
case("fw02_outlook_en_original", {
    "claim_number": "C6612009", "channel": "allianz_courtage", "insured.last_name": "COLLINS", "insured.first_name": "Sarah",
    "insured.phone": "+33644556677", "insured.postcode": "06400", "insured.city": "Cannes"},
    message("fw02", "Agnès Roche <a.roche@riviera-courtage.fr>", "TR: Water damage - flat in Cannes",
            "Mon, 09 Mar 2026 17:20:00 +0100", text="""Bonjour,

Voici le message de notre cliente, sinistre Allianz C6612009, code courtier 305512. Pouvez-vous missionner un plombier ?

Agnès Roche
Riviera Courtage
Tél. : 04 93 00 12 12 | Port. : 06 20 30 40 50

-----Original Message-----
From: Sarah Collins <sarah.collins@gmail.com>
Sent: Monday, March 9, 2026 4:05 PM
To: Agnès Roche <a.roche@riviera-courtage.fr>
Subject: Water damage

Dear Agnès,

Water has been leaking from the bathroom ceiling since Saturday. The flat is at 8 avenue de la Mer, 06400 Cannes. I rent it.
Please call me on 06 44 55 66 77.

Kind regards,
Sarah Collins
"""))

# 3. Gmail FR (Message transféré), the broker's name in the insured's greeting
case("fw03_gmail_fr_transfere", {
    "claim_number": "C3090417", "channel": "allianz_courtage", "insured.last_name": "PERROT", "insured.first_name": "Julien",
    "insured.phone": "+33781929394", "insured.postcode": "69003", "insured.city": "Lyon"},
    message("fw03", "Thomas Dupuis <thomas@courtage-dupuis.fr>", "Fwd: Fuite salle de bain",
            "Wed, 11 Mar 2026 09:30:00 +0100", text="""Bonjour,
ci-dessous la déclaration de mon assuré, N° de sinistre C3090417 (notre code courtier 227001). Merci de missionner.

Thomas Dupuis
Courtage Dupuis
Tél. 04 78 00 11 22

---------- Message transféré ---------
De : Julien Perrot <julien.perrot@gmail.com>
Date: mer. 11 mars 2026 à 08:40
Subject: Fuite
To: <thomas@courtage-dupuis.fr>


Bonjour Monsieur Dupuis,

Une fuite sous la baignoire a abîmé le parquet chez moi au 27 rue Paul Bert, 69003 Lyon. Je suis locataire de l'appartement. Mon portable : 07 81 92 93 94.

Julien
"""))

# 4. Apple Mail FR (Début du message réexpédié), forwarded by an agency
case("fw04_apple_fr_reexpedie", {
    "claim_number": "B4410087", "channel": "allianz_agence", "insured.last_name": "BRUN", "insured.first_name": "Nathalie",
    "insured.phone": "+33622018899", "insured.postcode": "31000", "insured.city": "Toulouse"},
    message("fw04", "Agence Allianz Capitole <agence.capitole@allianz-agence.fr>", "Fwd: Sinistre vitre",
            "Mon, 09 Mar 2026 19:30:00 +0100", text="""Bonjour,

Merci de missionner pour notre cliente ci-dessous. Sinistre B4410087, code agent 660123.

Agence Allianz Capitole - 2 rue d'Alsace-Lorraine 31000 Toulouse - 05 61 22 33 44

Début du message réexpédié :

De: Nathalie Brun <nathalie.brun@icloud.com>
Objet: Sinistre
Date: 9 mars 2026 à 19:02:11 UTC+1
À: agence.capitole@allianz-agence.fr

Bonjour,

La vitre de la porte d'entrée de mon appartement, 18 rue des Filatiers 31000 Toulouse, a été brisée cette nuit.
Je suis joignable au 06 22 01 88 99.

Nathalie Brun

Envoyé de mon iPhone
"""))

# 5. Apple Mail EN (Begin forwarded message), a family name with a particle
case("fw05_apple_en_begin", {
    "claim_number": "C5120077", "channel": "allianz_courtage", "insured.last_name": "VAN DIJK", "insured.first_name": "Peter",
    "insured.phone": "+33612345670", "insured.postcode": "83990", "insured.city": "Saint-Tropez"},
    message("fw05", "Golfe Courtage <sinistres@golfe-courtage.fr>", "Fwd: Water leak",
            "Sun, 08 Mar 2026 11:00:00 +0100", text="""Bonjour,

Je vous transmets la déclaration de notre assuré. Sinistre C5120077, code courtier 118822.
Merci de contacter directement le client.

Golfe Courtage - Tél : 04 94 97 00 00

Begin forwarded message:

From: "Peter Van Dijk" <pvandijk@hotmail.com>
Subject: Water leak
Date: March 8, 2026 at 10:15:03 AM GMT+1
To: sinistres@golfe-courtage.fr

Hello,

I am writing about water damage at my home, 3 impasse des Lilas, 83990 Saint-Tropez. A pipe burst in the garage.
You can reach me on 06 12 34 56 70.

Best,
Peter
"""))

# 6. Thunderbird FR (-------- Message transféré --------, Sujet / Pour), letterhead phone, the insured's signature phone
case("fw06_thunderbird_fr", {
    "claim_number": "C2077311", "channel": "allianz_courtage", "insured.last_name": "MARCHAND", "insured.first_name": "Hélène",
    "insured.phone": "+33299112233", "insured.postcode": "35000", "insured.city": "RENNES"},
    message("fw06", "Bretagne Assur Conseil <contact@bretagne-assur.fr>", "Fwd: Bris de glace",
            "Tue, 10 Mar 2026 15:00:00 +0100", text="""Bonjour,

Transfert de la demande de l'assurée, sinistre n° C2077311, notre code courtier 990044.

--
Bretagne Assur Conseil
12 quai Duguay-Trouin 35000 Rennes
Tél. 02 99 55 66 77

-------- Message transféré --------
Sujet : Bris de glace
Date : Tue, 10 Mar 2026 14:22:09 +0100
De : Hélène Marchand <h.marchand@laposte.net>
Pour : contact@bretagne-assur.fr

Bonjour,
la baie vitrée de mon appartement situé 5, allée des Tilleuls 35000 RENNES est fêlée sur toute la hauteur.
Locataire.

Hélène Marchand
Tél : 02 99 11 22 33
"""))

# 7. "Le ... a écrit :" with ">" quoting: the insured's name is only in the quote line and the quoted signature
case("fw07_quote_a_ecrit", {
    "claim_number": "C8800126", "channel": "allianz_courtage", "insured.last_name": "LE GOFF", "insured.first_name": "Yannick",
    "insured.phone": "+33298554433", "insured.postcode": "29100", "insured.city": "Douarnenez"},
    message("fw07", "Ouest Courtage <dossiers@ouest-courtage.fr>", "TR: tempête toiture",
            "Mon, 09 Mar 2026 12:00:00 +0100", text="""Bonjour,

Voir ci-dessous la demande de notre client. Sinistre C8800126 - code courtier 441100.
Cordialement,
Service sinistres Ouest Courtage - 02 98 00 00 01

Le lun. 9 mars 2026 à 11:02, Yannick Le Goff <yannick.legoff@free.fr> a écrit :
> Bonjour,
>
> La tempête de la nuit a arraché des ardoises de la toiture de ma maison,
> au 2 chemin de Kerlaz, 29100 Douarnenez. Je suis propriétaire.
> Téléphone : 02 98 55 44 33
>
> Yannick LE GOFF
"""))

# 8. HTML-only Outlook forward with a letterhead table
case("fw08_html_outlook", {
    "claim_number": "C1402203", "channel": "allianz_courtage", "insured.last_name": "BENALI", "insured.first_name": "Karim",
    "insured.phone": "+33766554433", "insured.postcode": "13005", "insured.city": "MARSEILLE"},
    message("fw08", "Provence Courtage <sinistres@provence-courtage.fr>", "TR: Dégâts des eaux",
            "Thu, 12 Mar 2026 08:45:00 +0100", html="""<html><body>
<table><tr><td><b>PROVENCE COURTAGE</b><br>22 boulevard Longchamp 13001 Marseille<br>Tél. 04 91 50 60 70</td></tr></table>
<p>Bonjour,</p>
<p>Nous vous transférons la déclaration de notre client. N° de sinistre : C1402203. Code courtier : 774411.</p>
<p>Cordialement,<br>Lucie Ferrand<br>Provence Courtage</p>
<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">
<p><b>De :</b> Karim Benali &lt;karim.benali@outlook.fr&gt;<br>
<b>Envoyé :</b> jeudi 12 mars 2026 07:58<br>
<b>À :</b> sinistres@provence-courtage.fr<br>
<b>Objet :</b> Dégâts des eaux</p></div>
<p>Bonjour,</p>
<p>Suite à une fuite du chauffe-eau, le sol de l'appartement est abîmé. Je suis locataire, demeurant 41 avenue Jean Jaurès 13005 MARSEILLE.</p>
<p>Mon numéro : 07 66 55 44 33</p>
<p>Karim BENALI</p>
</body></html>"""))

# 9. Nested: a colleague's internal forward of the insured's Gmail forward
case("fw09_nested", {
    "claim_number": "C9031188", "channel": "allianz_courtage", "insured.last_name": "FONTAINE", "insured.first_name": "Isabelle",
    "insured.phone": "+33688776655", "insured.postcode": "59800", "insured.city": "Lille"},
    message("fw09", "Paul Caron <p.caron@nord-courtage.fr>", "TR: TR: Fwd: infiltration",
            "Wed, 11 Mar 2026 16:10:00 +0100", text="""Bonjour,

Demande de notre cliente transmise par ma collègue. Sinistre C9031188, code courtier 552200.

Paul Caron
Nord Courtage
03 20 11 11 11

-----Message d'origine-----
De : Julie Masson <j.masson@nord-courtage.fr>
Envoyé : mercredi 11 mars 2026 15:40
À : Paul Caron <p.caron@nord-courtage.fr>
Objet : TR: Fwd: infiltration

Paul, peux-tu traiter ?
Julie Masson - Nord Courtage - 03 20 11 11 12

---------- Forwarded message ---------
From: Isabelle Fontaine <isa.fontaine@gmail.com>
Date: Wed, Mar 11, 2026 at 2:05 PM
Subject: infiltration
To: <j.masson@nord-courtage.fr>


Bonjour,

De l'eau s'infiltre par la fenêtre de la chambre de mon appartement, 9 rue Nationale, 59800 Lille. Je suis propriétaire occupante.
Mon portable est le 06 88 77 66 55.

Isabelle Fontaine
"""))

# 10. English broker cover note, Gmail EN forward, letterhead "T +33 ..."
case("fw10_gmail_en_broker", {
    "claim_number": "C4455661", "channel": "allianz_courtage", "insured.last_name": "MENDES", "insured.first_name": "Laura",
    "insured.phone": "+33755443322", "insured.postcode": "75011", "insured.city": "Paris"},
    message("fw10", "Claims Desk | Harbour Insurance Brokers <claims@harbour-courtage.fr>", "Fwd: Burglary",
            "Tue, 10 Mar 2026 10:00:00 +0100", text="""Hello,

Please find below the claim of our client, Allianz claim C4455661, broker code 663300. Kindly instruct a contractor.

Harbour Insurance Brokers | T +33 1 44 55 66 77 | claims@harbour-courtage.fr

---------- Forwarded message ---------
From: Laura Mendes <laura.mendes@gmail.com>
Date: Tue, Mar 10, 2026 at 9:14 AM
Subject: Burglary
To: <claims@harbour-courtage.fr>


Hi,

Someone forced the front door of my apartment at 60 rue Oberkampf, 75011 Paris last night (police report filed). I am the tenant.
My mobile: 07 55 44 33 22

Laura
"""))

# 11. The cover note names the insured, the forward carries a third party (the landlord) and the broker's greeting
case("fw11_tiers_proprietaire", {
    "claim_number": "C7001234", "channel": "allianz_courtage", "insured.last_name": "NGUYEN", "insured.first_name": "Thi",
    "insured.phone": "+33699887766", "insured.postcode": "67000", "insured.city": "Strasbourg"},
    message("fw11", "Sophie LEFEVRE <s.lefevre@alsace-courtage.fr>", "TR: dégât des eaux chambre",
            "Thu, 12 Mar 2026 11:00:00 +0100", text="""Bonjour,

Pour le compte de notre assurée, sinistre C7001234, code courtier 808080, merci de missionner un plombier.

Bien à vous
Sophie LEFEVRE
Alsace Courtage - Ligne directe 03 88 22 33 44

-----Message d'origine-----
De : NGUYEN Thi <thi.nguyen@sfr.fr>
Envoyé : jeudi 12 mars 2026 10:15
À : s.lefevre@alsace-courtage.fr
Objet : dégât des eaux

Bonjour Madame Lefèvre,

Mon propriétaire, M. Bernard SCHMITT (03 88 00 99 88), m'a dit de vous écrire. L'eau du voisin a coulé dans la chambre de mon appartement au 4 rue du Jeu-des-Enfants, 67000 Strasbourg.
Je suis locataire. Vous pouvez me joindre au 06 99 88 77 66.

Thi NGUYEN
"""))

# 12. Forwarded as an attachment (message/rfc822), the attached mail in HTML only, its From the only name
inner = message("fw12in", "Denis Roussel <denis.roussel@sfr.fr>", "Vol dans ma cave", "Mon, 09 Mar 2026 20:00:00 +0100",
                html="""<html><body><p>Bonjour,</p><p>Ma cave a été cambriolée cette nuit (porte forcée), au
12 impasse Vauban, 21000 Dijon. Plainte déposée.</p><p>Je suis propriétaire occupant de l'appartement.<br>
Tél. 06 31 32 33 34</p></body></html>""")
case("fw12_rfc822_html", {
    "claim_number": "C3300442", "channel": "allianz_courtage", "insured.last_name": "ROUSSEL", "insured.first_name": "Denis",
    "insured.phone": "+33631323334", "insured.postcode": "21000", "insured.city": "Dijon"},
    message("fw12", "Bourgogne Courtage <gestion@bourgogne-courtage.fr>", "TR: Vol dans ma cave",
            "Tue, 10 Mar 2026 09:00:00 +0100", text="""Bonjour,

Veuillez trouver ci-joint le mail de notre client. Sinistre C3300442, code courtier 121212.

Cordialement
Bourgogne Courtage
8 rue de la Liberté 21000 Dijon - 03 80 40 50 60
""", attached=inner))

# 13. Apple Mail EN reply quote ("On ..., X wrote:") with ">" lines
case("fw13_on_wrote_en", {
    "claim_number": "C6000912", "channel": "allianz_courtage", "insured.last_name": "WILSON", "insured.first_name": "Emma",
    "insured.phone": "+33645454545", "insured.postcode": "64200", "insured.city": "Biarritz"},
    message("fw13", "Basque Courtage <sinistres@basque-courtage.fr>", "Re: Storm damage",
            "Tue, 10 Mar 2026 09:00:00 +0100", text="""Bonjour,

Voici la demande de notre cliente ci-dessous. Sinistre C6000912, code courtier 909090.

Basque Courtage - 05 59 24 00 00

On 9 Mar 2026, at 18:40, Emma Wilson <emma.wilson@me.com> wrote:

> Hello,
>
> The storm broke two windows of my house, 15 avenue de l'Impératrice, 64200 Biarritz.
> My number is 06 45 45 45 45.
>
> Emma
"""))

# 14. Outlook FR with a disclaimer after the broker's letterhead and the insured's address on two prose lines
case("fw14_outlook_disclaimer", {
    "claim_number": "C1212343", "channel": "allianz_courtage", "insured.last_name": "ROBIN", "insured.first_name": "Gilles",
    "insured.phone": "+33561606162", "insured.postcode": "81000", "insured.city": "Albi"},
    message("fw14", "Tarn Assurances Conseil <sinistres@tarn-assurances.fr>", "TR: infiltration garage",
            "Wed, 11 Mar 2026 14:00:00 +0100", text="""Bonjour,

Je vous fais suivre le mail de mon client ; sinistre C1212343, code courtier 343434.

Cordialement,

Nadia Bousquet
Tarn Assurances Conseil
Tél : 05 63 00 11 22
Ce message et toutes les pièces jointes sont confidentiels et établis à l'intention exclusive de ses destinataires.

-----Message d'origine-----
De : Gilles Robin <gilles.robin@wanadoo.fr>
Envoyé : mercredi 11 mars 2026 12:30
À : sinistres@tarn-assurances.fr
Objet : infiltration garage

Bonjour,

L'eau entre dans le garage de ma maison située
7 rue Croix-Verte, 81000 Albi, par le toit.
Mon fixe : 05 61 60 61 62

Gilles Robin
"""))


def main() -> None:
    for name, expected, msg in CASES:
        (HERE / f"{name}.eml").write_bytes(msg.as_bytes())
        (HERE / f"{name}.eml.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(CASES)} cases written to {HERE}")


if __name__ == "__main__":
    main()
