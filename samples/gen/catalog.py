"""The corpus: every case, its truth and how it is sent. Each case has its own seeded generator (seeded by its
file name), so adding or reordering cases never changes the others' bytes."""
from __future__ import annotations

import dataclasses
import random
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Optional

import others
import render
from people import person
from senders import AGENCIES, BROKERS, EXPERT_FIRMS, C2S_SENDER
from truth import Case

SEED = "intake-samples-v1"
PARIS_WINTER, PARIS_SUMMER = timezone(timedelta(hours=1)), timezone(timedelta(hours=2))


def at(month: int, day: int, hour: int, minute: int, year: int = 2026) -> datetime:
    naive = datetime(year, month, day, hour, minute, 0)
    summer = datetime(year, 3, 29, 2) <= naive < datetime(year, 10, 25, 3)
    return naive.replace(tzinfo=PARIS_SUMMER if summer else PARIS_WINTER)


def rng_for(name: str) -> random.Random:
    return random.Random(f"{SEED}:{name}")


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def agency_claim_written(d: str, rng: random.Random) -> str:
    return rng.choice([f"B{d}", f"B {d[:3]} {d[3:]}", f"b-{d}", f"N°B{d}", f"B{d[:3]}.{d[3:]}", f"B {d}"])


class Corpus:
    def __init__(self) -> None:
        self.cases: list[Case] = []
        self.files: dict[str, tuple[bytes, list]] = {}
        self.mbox_parts: list[tuple[Case, bytes, list]] = []

    # ------------------------------------------------------------------ building blocks

    def order(self, file: str, channel: str, peril: str, sent: Optional[datetime], *, occupancy: str = "",
              dwelling: str = "", cause: Optional[bool] = None, leak_repair: bool = False, aesthetic: bool = False,
              amount: Optional[float] = None, key_limit: Optional[float] = None, particle: bool = False,
              couple: bool = False, code: object = "default", claim: Optional[str] = "default",
              claim_written: Optional[str] = None, claim_other: Optional[str] = None, no_year: bool = False,
              loss: Optional[date] = None, order_number: object = "default", base: Optional[date] = None,
              land: bool = False) -> Case:
        rng = rng_for(file)
        who = person(rng, particle=particle, couple=couple, land=land)
        occupancy = occupancy or rng.choice(["owner_occupier", "tenant", "non_occupying_owner", "tenant"])
        dwelling = dwelling or rng.choice(["apartment", "house", "apartment"])
        ref_day = sent.date() if sent else base
        loss = loss or (ref_day - timedelta(days=rng.randrange(1, 20)))
        if channel == "allianz_agence":
            d = digits(rng, 7)
            if claim == "default":
                claim, claim_written = f"B{d}", claim_written or agency_claim_written(d, rng)
            agency = AGENCIES[rng.randrange(len(AGENCIES))]
            if code == "default":
                code = agency.code
        elif channel == "allianz_courtage":
            d = digits(rng, 7)
            if claim == "default":
                claim = f"C{d}"
                claim_written = claim_written or rng.choice([f"C{d}", f"N°C{d}", f"C {d[:3]} {d[3:]}", f"c{d}"])
            broker = BROKERS[rng.randrange(len(BROKERS))]
            if code == "default":
                code = broker.code
        elif channel == "allianz_c2s":
            if claim == "default":
                claim = f"S26{digits(rng, 7)}"
                claim_written = claim
            if order_number == "default":
                order_number = digits(rng, 8)
            code = None
        else:  # cs2i
            if claim == "default":
                d = digits(rng, 7)
                claim, claim_written = rng.choice([(f"B{d}", f"B{d}"), (f"C{d}", f"C {d}"), (f"S26{d}", f"S26{d}")])
            if order_number == "default":
                order_number = None
            code = None
        if claim_written is None:
            claim_written = claim
        domain = {"allianz_c2s": "c2s.allianz-demo.fr", "allianz_agence": "allianz-demo.fr",
                  "allianz_courtage": "courtage-demo.fr", "allianz_cs2i": "expertise-demo.fr"}[channel]
        mid = f"<{file.split('.')[0]}.{(sent or datetime(2026, 1, 1)).strftime('%Y%m%d%H%M')}@{domain}>"
        case = Case(file=file, kind="order", channel=channel, claim=claim, claim_written=claim_written,
                    claim_other=claim_other, order_number=None if order_number == "default" else order_number,
                    code=code, peril=peril, insured=who, occupancy=occupancy, dwelling=dwelling, loss_date=loss,
                    loss_date_no_year=no_year, amount=amount,
                    cause_repaired=cause if peril == "water_damage" else None, key_limit=key_limit,
                    leak_repair=leak_repair, aesthetic=aesthetic, sent=sent, message_id=mid)
        if key_limit and amount is None:
            case.amount = key_limit
        return case

    def add(self, case: Case, build: Callable[[Case, random.Random], tuple[bytes, list]]) -> Case:
        raw, attachments = build(case, rng_for(case.file + ":render"))
        self.cases.append(case)
        self.files[case.file] = (raw, attachments)
        return case

    def again(self, first: Case, file: str, sent: Optional[datetime]) -> Case:
        """The same order a second time (same truth, new message)."""
        mid = f"<{file.split('.')[0]}.{(sent or datetime(2026, 1, 1)).strftime('%Y%m%d%H%M')}@resend>"
        return dataclasses.replace(first, file=file, sent=sent, message_id=mid, subject=None, sender=None)

    @staticmethod
    def agency_of(case: Case):
        return AGENCIES[rng_for(case.file + ":agency").randrange(len(AGENCIES))] if case.code is None else next(
            (a for a in AGENCIES if a.code == case.code), AGENCIES[0])

    @staticmethod
    def broker_of(case: Case):
        match = [b for b in BROKERS if b.code == case.code and case.code]
        if match:
            return match[0]
        no_code = [b for b in BROKERS if not b.code]
        return no_code[rng_for(case.file + ":broker").randrange(len(no_code))]


# ---------------------------------------------------------------------------------------------- the cases


def build() -> Corpus:
    c = Corpus()
    R = render
    c2s = lambda **kw: (lambda case, rng: R.c2s_mail(case, rng, **kw))  # noqa: E731

    # --- C2S platform: fixed layout, N° d'ordre de mission, Description block
    o = {}
    o[1] = c.add(c.order("c2s_01_dde_reparee.eml", "allianz_c2s", "water_damage", at(1, 12, 9, 14), cause=True,
                         occupancy="tenant", dwelling="apartment"), c2s())
    c.add(c.order("c2s_02_dde_non_reparee.eml", "allianz_c2s", "water_damage", at(1, 19, 11, 2), cause=False), c2s())
    c.add(c.order("c2s_03_dde_cause_muette.eml", "allianz_c2s", "water_damage", at(2, 2, 14, 47)), c2s())
    c.add(c.order("c2s_04_dde_reprise_esthetique.eml", "allianz_c2s", "water_damage", at(2, 9, 10, 5), cause=True,
                  aesthetic=True), c2s())
    c.add(c.order("c2s_05_dde_reparation_fuite.eml", "allianz_c2s", "water_damage", at(2, 16, 16, 31),
                  leak_repair=True), c2s())
    c.add(c.order("c2s_06_rdf_locataire.eml", "allianz_c2s", "leak_search", at(3, 3, 8, 55), occupancy="tenant",
                  dwelling="apartment"), c2s())
    c.add(c.order("c2s_07_rdf_maison_po.eml", "allianz_c2s", "leak_search", at(3, 10, 13, 20),
                  occupancy="owner_occupier", dwelling="house"), c2s())
    o[8] = c.add(c.order("c2s_08_bris_de_glace.eml", "allianz_c2s", "glass_breakage", at(3, 17, 9, 41), amount=254.8),
                 c2s())
    c.add(c.order("c2s_09_choc_vehicule.eml", "allianz_c2s", "vehicle_impact", at(4, 1, 15, 12), occupancy="owner_occupier",
                  dwelling="house"), c2s(html=True))
    c.add(c.order("c2s_10_cles_limite.eml", "allianz_c2s", "key_loss", at(4, 14, 10, 33), key_limit=600.0), c2s())
    c.add(c.order("c2s_11_cles_sans_limite.eml", "allianz_c2s", "key_loss", at(4, 21, 17, 58)),
          c2s(charset="iso-8859-1", cte="base64"))
    c.add(c.order("c2s_12_incendie.eml", "allianz_c2s", "fire", at(5, 5, 9, 2), amount=3450.0), c2s())
    c.add(c.order("c2s_13_cambriolage.eml", "allianz_c2s", "burglary", at(5, 19, 11, 46)), c2s(charset="windows-1252"))
    c.add(c.order("c2s_14_tempete.eml", "allianz_c2s", "storm", at(6, 2, 8, 30), amount=1875.5), c2s(html=True))
    c.add(c.order("c2s_15_dommages_electriques.eml", "allianz_c2s", "electrical_damage", at(6, 16, 14, 3)), c2s())
    c.add(c.order("c2s_16_dde_non_renseigne.eml", "allianz_c2s", "water_damage", at(7, 7, 10, 10), cause=True,
                  occupancy="non_occupying_owner", dwelling="apartment"),
          c2s(html=True, charset="iso-8859-1", cte="base64", occupancy_in_description=True))
    c.add(c.order("c2s_17_dde_date_sans_annee.eml", "allianz_c2s", "water_damage", at(1, 6, 9, 20), cause=True,
                  loss=date(2025, 12, 28), no_year=True), c2s())
    c.add(c.order("c2s_18_rdf_pno_particule.eml", "allianz_c2s", "leak_search", at(9, 8, 16, 40),
                  occupancy="non_occupying_owner", dwelling="apartment", particle=True), c2s())
    c.add(c.again(o[8], "c2s_19_bris_de_glace_renvoi.eml", at(3, 17, 15, 2)), c2s())

    # --- 05I notices (never touched), one for an already known claim: 05I wins over follow-up
    for n, (base, sent) in enumerate([(o[1], at(1, 12, 9, 15)), (o[8], at(3, 17, 9, 42))], 1):
        case = Case(file=f"c2s_05i_{n:02d}.eml", kind="05i", channel="allianz_c2s", claim=base.claim,
                    claim_written=base.claim_written, insured=base.insured, sent=sent,
                    message_id=f"<05i-{n}.{sent.strftime('%Y%m%d%H%M')}@c2s.allianz-demo.fr>")
        c.add(case, others.notice_05i)
    lone = c.order("c2s_05i_03.eml", "allianz_c2s", "water_damage", at(8, 3, 7, 58))
    c.add(dataclasses.replace(lone, kind="05i"), others.notice_05i)

    # --- Agencies: ODM form as a PDF attachment
    def pdf(**kw):
        return lambda case, rng: R.agency_pdf_mail(case, rng, c.agency_of(case), **kw)

    a = {}
    a[1] = c.add(c.order("agence_pdf_01_dde_reparee.eml", "allianz_agence", "water_damage", at(1, 8, 10, 12), cause=True,
                         occupancy="owner_occupier", dwelling="apartment", amount=1250.0), pdf(filename="ODM.pdf"))
    a[2] = c.add(c.order("agence_pdf_02_dde_non_reparee.eml", "allianz_agence", "water_damage", at(1, 22, 15, 40),
                         cause=False), pdf(filename="ODM_sinistre.pdf"))
    a[3] = c.add(c.order("agence_pdf_03_bris_de_glace.eml", "allianz_agence", "glass_breakage", at(2, 4, 9, 3)),
                 pdf(filename="ordre de mission.pdf"))
    c.add(c.order("agence_pdf_04_choc_vehicule.eml", "allianz_agence", "vehicle_impact", at(2, 11, 11, 27), amount=640.0),
          pdf(checkboxes=True))
    c.add(c.order("agence_pdf_05_cles.eml", "allianz_agence", "key_loss", at(2, 25, 14, 14)), pdf(filename="ODM cles.pdf"))
    a[6] = c.add(c.order("agence_pdf_06_rdf_maison_po.eml", "allianz_agence", "leak_search", at(3, 4, 8, 49),
                         occupancy="owner_occupier", dwelling="house"), pdf(checkboxes=True))
    c.add(c.order("agence_pdf_07_sans_code_agent.eml", "allianz_agence", "water_damage", at(3, 11, 16, 2), cause=True,
                  code=None), pdf())
    c.add(c.order("agence_pdf_08_sinistre_invalide.eml", "allianz_agence", "storm", at(3, 18, 10, 44),
                  claim="1045871", claim_written="1045871"), pdf())
    c.add(c.order("agence_pdf_09_sinistre_prefixe_s.eml", "allianz_agence", "electrical_damage", at(3, 25, 9, 31),
                  claim="S2045871", claim_written="S 204 5871"), pdf())
    lc = c.order("agence_pdf_10_deux_numeros.eml", "allianz_agence", "fire", at(4, 8, 13, 58))
    lc.claim_other = lc.claim[:-2] + lc.claim[-1] + lc.claim[-2]  # subject swaps the last two digits
    if lc.claim_other == lc.claim:
        lc.claim_other = lc.claim[:-1] + str((int(lc.claim[-1]) + 1) % 10)
    c.add(lc, pdf())
    c.add(c.order("agence_pdf_11_acroform_cambriolage.eml", "allianz_agence", "burglary", at(4, 15, 10, 20)),
          pdf(acro=True, filename="ODM_formulaire.pdf"))
    c.add(c.order("agence_pdf_12_acroform_couple.eml", "allianz_agence", "storm", at(4, 29, 11, 5), couple=True,
                  amount=2300.0), pdf(acro=True))
    c.add(c.order("agence_pdf_13_acroform_non_renseigne.eml", "allianz_agence", "water_damage", at(5, 6, 9, 50),
                  cause=True, occupancy="tenant", dwelling="apartment"), pdf(acro=True, not_informed=True))
    c.add(c.order("agence_pdf_14_cases_a_cocher.eml", "allianz_agence", "fire", at(5, 20, 15, 15),
                  occupancy="non_occupying_owner", dwelling="house"), pdf(checkboxes=True))
    c.add(c.order("agence_pdf_15_octet_stream.eml", "allianz_agence", "electrical_damage", at(6, 3, 8, 8), amount=980.0),
          pdf(filename="scan0012", ctype="application/octet-stream"))
    c.add(c.order("agence_pdf_16_reparation_fuite.eml", "allianz_agence", "leak_search", at(6, 17, 17, 1),
                  occupancy="tenant", dwelling="apartment", leak_repair=True, particle=True),
          pdf(filename="ODM_RDF.PDF", charset="windows-1252", cte="8bit"))
    c.add(c.order("agence_pdf_17_reprise_esthetique.eml", "allianz_agence", "water_damage", at(7, 1, 10, 36),
                  cause=True, aesthetic=True, amount=1480.0), pdf())
    c.add(c.order("agence_pdf_18_date_sans_annee.eml", "allianz_agence", "water_damage", at(1, 5, 9, 0), cause=True,
                  loss=date(2025, 12, 30), no_year=True), pdf())

    # --- Agencies by fax, delivered by the fax-to-mail gateway (TIFF G4 attached)
    def fax(**kw):
        return lambda case, rng: R.agency_fax_mail(case, rng, c.agency_of(case), **kw)

    f = {}
    f[1] = c.add(c.order("agence_fax_01_dde_reparee.eml", "allianz_agence", "water_damage", at(2, 3, 10, 42), cause=True,
                         occupancy="tenant", dwelling="apartment"), fax())
    c.add(c.order("agence_fax_02_bris_de_glace.eml", "allianz_agence", "glass_breakage", at(2, 17, 11, 18), amount=410.0),
          fax(pages=2))
    c.add(c.order("agence_fax_03_cles_limite.eml", "allianz_agence", "key_loss", at(3, 12, 9, 7), key_limit=500.0,
                  occupancy="tenant", dwelling="apartment"), fax(checkboxes=True))
    c.add(c.order("agence_fax_04_choc_vehicule.eml", "allianz_agence", "vehicle_impact", at(4, 9, 14, 51)), fax(pages=3))
    c.add(c.order("agence_fax_05_non_renseigne.eml", "allianz_agence", "water_damage", at(5, 12, 16, 23), cause=True,
                  occupancy="owner_occupier", dwelling="apartment"), fax(not_informed=True))
    c.add(c.order("agence_fax_06_sans_code.eml", "allianz_agence", "fire", at(6, 9, 8, 37), code=None), fax())
    c.add(c.order("agence_fax_07_rdf_locataire.eml", "allianz_agence", "leak_search", at(7, 15, 10, 2),
                  occupancy="tenant", dwelling="house"), fax())
    c.add(c.order("agence_fax_08_dde_cause_muette.eml", "allianz_agence", "water_damage", at(9, 22, 11, 45)), fax(pages=2))
    # the same order by fax first, then by mail with the PDF the same afternoon: a duplicate
    c.add(c.again(f[1], "agence_pdf_19_renvoi_du_fax.eml", at(2, 3, 15, 10)), pdf(filename="ODM_renvoi.pdf"))

    # --- Bare fax files from the fax server folder (no Date header: they arrive when the folder is read)
    def bare(fmt="tif", **kw):
        def build(case, rng):
            when = (case.loss_date + timedelta(days=2)).strftime("%d/%m/%Y") + f" {rng.randrange(8, 18):02d}:{rng.randrange(60):02d}"
            return R.agency_fax_file(case, rng, c.agency_of(case), when, fmt=fmt, **kw)
        return build

    c.add(c.order("fax_20260114_0932.tif", "allianz_agence", "storm", None, base=date(2026, 1, 14)), bare())
    c.add(c.order("fax_20260302_1105.tif", "allianz_agence", "burglary", None, base=date(2026, 3, 2)), bare(pages=2))
    c.add(c.order("fax_20260408_1417.pdf", "allianz_agence", "water_damage", None, base=date(2026, 4, 8), cause=True,
                  occupancy="non_occupying_owner", dwelling="apartment"), bare("pdf"))
    c.add(c.order("fax_20260611_0858.pdf", "allianz_agence", "glass_breakage", None, base=date(2026, 6, 11)),
          bare("pdf", checkboxes=True))
    c.add(c.order("FAX_20260715_1620.TIF", "allianz_agence", "electrical_damage", None, base=date(2026, 7, 15),
                  amount=720.0), bare())
    c.add(c.order("fax_20260904_1012.tiff", "allianz_agence", "key_loss", None, base=date(2026, 9, 4), key_limit=700.0),
          bare(dpi=(200, 200)))
    c.add(c.again(a[1], "fax_20260108_1530_renvoi.tif", None), bare())
    c.add(c.again(a[3], "fax_20260204_1647_renvoi.pdf", None), bare("pdf"))

    # --- Brokers: free-form mails, HTML, PDF, forwards
    def brk(**kw):
        return lambda case, rng: R.broker_mail(case, rng, c.broker_of(case), **kw)

    b = {}
    b[1] = c.add(c.order("courtier_01_dde_reparee.eml", "allianz_courtage", "water_damage", at(1, 13, 9, 5), cause=True,
                         occupancy="tenant", dwelling="apartment"), brk())
    b[2] = c.add(c.order("courtier_02_bdg_sans_code.eml", "allianz_courtage", "glass_breakage", at(1, 27, 10, 50),
                         code=None), brk(prose=True))
    c.add(c.order("courtier_03_html_cles.eml", "allianz_courtage", "key_loss", at(2, 5, 16, 12), key_limit=650.0),
          brk(variant="html"))
    c.add(c.order("courtier_04_pdf_choc.eml", "allianz_courtage", "vehicle_impact", at(2, 19, 11, 33)), brk(variant="pdf"))
    b[5] = c.order("courtier_05_tr_rdf.eml", "allianz_courtage", "leak_search", at(3, 5, 14, 20), occupancy="tenant",
                   dwelling="apartment")
    c.add(b[5], lambda case, rng: R.forwarded_broker_mail(case, rng, c.broker_of(case), False, at(3, 5, 9, 2),
                                                          "<orig.courtier05@courtage-demo.fr>"))
    c.add(c.order("courtier_06_rfc822_incendie.eml", "allianz_courtage", "fire", at(3, 19, 10, 8)),
          lambda case, rng: R.forwarded_broker_mail(case, rng, c.broker_of(case), True, at(3, 18, 17, 45),
                                                    "<orig.courtier06@courtage-demo.fr>"))
    c.add(c.order("courtier_07_sinistre_sans_c.eml", "allianz_courtage", "water_damage", at(4, 2, 9, 22), cause=True,
                  claim="40512877", claim_written="40512877"), brk())
    c.add(c.order("courtier_08_dde_non_reparee.eml", "allianz_courtage", "water_damage", at(4, 16, 15, 5), cause=False),
          brk(prose=True))
    c.add(c.order("courtier_09_tempete_sans_annee.eml", "allianz_courtage", "storm", at(5, 4, 9, 40), no_year=True),
          brk(charset="iso-8859-1", cte="base64"))
    c.add(c.order("courtier_10_particule_elec.eml", "allianz_courtage", "electrical_damage", at(5, 18, 11, 11),
                  particle=True, amount=1250.5), brk(charset="windows-1252"))
    c.add(c.order("courtier_11_sans_numero.eml", "allianz_courtage", "burglary", at(6, 1, 14, 44), claim=None,
                  claim_written=None), brk())
    c.add(c.order("courtier_12_rdf_villa_po.eml", "allianz_courtage", "leak_search", at(6, 15, 10, 28),
                  occupancy="owner_occupier", dwelling="house"), brk(prose=True))
    c.add(c.order("courtier_13_reprise_esthetique.eml", "allianz_courtage", "water_damage", at(6, 29, 16, 6), cause=True,
                  aesthetic=True), brk(variant="html"))
    c.add(c.order("courtier_14_plombier_attendu.eml", "allianz_courtage", "water_damage", at(7, 6, 9, 13), cause=False,
                  land=True), brk())
    c.add(c.order("courtier_15_couple_pno.eml", "allianz_courtage", "burglary", at(7, 20, 10, 55), couple=True,
                  occupancy="non_occupying_owner", dwelling="house"), brk(prose=True))
    lb = c.order("courtier_16_deux_numeros.eml", "allianz_courtage", "storm", at(8, 24, 11, 37))
    lb.claim_other = "C" + lb.claim[1:-2] + lb.claim[-1] + lb.claim[-2]
    if lb.claim_other == lb.claim:
        lb.claim_other = lb.claim[:-1] + str((int(lb.claim[-1]) + 1) % 10)
    c.add(lb, brk())
    c.add(c.order("courtier_17_nouvel_an.eml", "allianz_courtage", "water_damage", at(1, 3, 10, 2), cause=True,
                  loss=date(2025, 12, 30), no_year=True), brk(prose=True))
    c.add(c.order("courtier_18_cles_sans_limite.eml", "allianz_courtage", "key_loss", at(9, 7, 9, 9)), brk(variant="pdf"))
    c.add(c.order("courtier_19_montant_points.eml", "allianz_courtage", "fire", at(9, 14, 14, 30), amount=12500.0),
          brk(variant="html", charset="iso-8859-1"))
    c.add(c.order("courtier_20_html_sans_code.eml", "allianz_courtage", "electrical_damage", at(9, 21, 15, 50),
                  code=None), brk(variant="html"))
    c.add(c.order("courtier_21_dde_reparation_fuite.eml", "allianz_courtage", "water_damage", at(10, 5, 8, 47),
                  cause=True, leak_repair=True), brk())
    c.add(c.order("courtier_22_bdg_devis.eml", "allianz_courtage", "glass_breakage", at(10, 12, 10, 10), amount=365.0),
          brk(variant="pdf"))
    c.add(c.order("courtier_23_choc_sans_code.eml", "allianz_courtage", "vehicle_impact", at(10, 19, 16, 16), code=None),
          brk(prose=True, charset="iso-8859-1", cte="8bit"))
    c.add(c.order("courtier_24_prefixe_libre.eml", "allianz_courtage", "storm", at(10, 26, 9, 30),
                  claim="SIN26004512", claim_written="SIN-26-004512"), brk())
    c.add(c.order("courtier_25_dde_pno_appt.eml", "allianz_courtage", "water_damage", at(10, 28, 11, 0), cause=True,
                  occupancy="non_occupying_owner", dwelling="apartment"), brk(variant="pdf"))
    c.add(c.again(b[1], "courtier_26_renvoi.eml", at(1, 13, 16, 40)), brk())
    # mission texts saved as plain .txt bodies (dates written with their year: a bare file has no Date)
    for n, (peril, kw) in enumerate([("glass_breakage", {}), ("water_damage", {"cause": True})], 1):
        case = c.order(f"courtier_texte_{n:02d}.txt", "allianz_courtage", peril, None, base=date(2026, 5, 10 + n), **kw)
        c.add(case, lambda case, rng: (R.broker_text(case, rng, c.broker_of(case), False, bool(case.code))
                                       .encode("utf-8" if case.file.endswith("1.txt") else "cp1252"), []))

    # --- CS2I expert firms: manual review by the Allianz team
    def exp(i):
        return lambda case, rng: R.cs2i_mail(case, rng, EXPERT_FIRMS[i % len(EXPERT_FIRMS)])

    c.add(c.order("cs2i_01_dde.eml", "allianz_cs2i", "water_damage", at(2, 12, 10, 0), cause=True,
                  order_number="M2602117"), exp(0))
    c.add(c.order("cs2i_02_incendie.eml", "allianz_cs2i", "fire", at(4, 23, 14, 22)), exp(1))
    c.add(c.order("cs2i_03_tempete.eml", "allianz_cs2i", "storm", at(6, 24, 9, 15), order_number="4471203"), exp(2))
    c.add(c.order("cs2i_04_electrique.eml", "allianz_cs2i", "electrical_damage", at(8, 19, 11, 49)), exp(0))
    c.add(c.order("cs2i_05_bris_de_glace.eml", "allianz_cs2i", "glass_breakage", at(10, 7, 15, 31),
                  order_number="M2610088"), exp(1))

    # --- Follow-ups: replies, reminders, photos, quotes about known claims
    def fu(file, base, sent, variant, who, written=None, channel=None):
        case = Case(file=file, kind="follow_up", channel=channel or base.channel, claim=base.claim,
                    claim_written=written or base.claim_written, insured=base.insured, sent=sent,
                    message_id=f"<{file.split('.')[0]}.{sent.strftime('%Y%m%d%H%M')}@suivi>")
        if who == "agency":
            ag = c.agency_of(base)
            args = (ag.email, ag.agent.title(), f"{ag.agent}\n{ag.name}\nTél : {ag.phone}")
        elif who == "broker":
            br = c.broker_of(base)
            args = (br.email, br.person.title(), f"{br.person}\n{br.firm}\nTél. : {br.phone}\nORIAS n° {br.orias}")
        else:
            p = base.insured
            args = (p.email or f"{p.last_name.lower().replace(' ', '')}@orange.fr", f"{p.first_name or ''} {p.last_name}".strip(),
                    f"{p.first_name or ''} {p.last_name}".strip())
        return c.add(case, lambda case, rng: others.follow_up_mail(case, rng, variant, *args,
                                                                   original_subject=base.subject or "",
                                                                   original_id=base.message_id or ""))

    fu("suivi_01_re_agence.eml", a[1], at(1, 15, 11, 20), "reply", "agency")
    fu("suivi_02_relance_courtier.eml", b[2], at(2, 10, 9, 45), "reminder", "broker")
    fu("suivi_03_photos_assure.eml", a[2], at(1, 24, 19, 2), "photos", "insured", channel="unknown")
    fu("suivi_04_devis_agence.eml", a[6], at(3, 9, 14, 0), "quote", "agency")
    fu("suivi_05_re_courtier.eml", b[5], at(3, 9, 10, 31), "reply", "broker")
    fu("suivi_06_relance_fax.eml", f[1], at(2, 9, 8, 59), "reminder", "agency",
       written=f[1].claim[0] + " " + f[1].claim[1:4] + " " + f[1].claim[4:])
    fu("suivi_07_photos_c2s.eml", o[1], at(1, 14, 21, 40), "photos", "insured", channel="unknown")
    stranger = c.order("suivi_08_relance_inconnu.eml", "allianz_agence", "water_damage", at(10, 20, 10, 0))
    fu("suivi_08_relance_inconnu.eml", stranger, at(10, 20, 10, 0), "reminder", "agency")
    fu("suivi_09_devis_courtier.eml", b[1], at(1, 20, 17, 12), "quote", "broker")

    # --- Noise of a general mailbox
    def noise(file, sent, variant, claim_text="", **extra):
        case = Case(file=file, kind="noise", channel="unknown", sent=sent, extra=extra,
                    message_id=f"<{file.split('.')[0]}.{sent.strftime('%Y%m%d%H%M')}@noise>")
        return c.add(case, lambda case, rng: others.noise_mail(case, rng, variant, claim_text))

    noise("bruit_01_newsletter.eml", at(1, 16, 7, 0), "newsletter")
    noise("bruit_02_absence_assure.eml", at(1, 25, 9, 3), "ooo", f"Votre sinistre {a[2].claim} - prise de rendez-vous",
          ooo_sender=a[2].insured.email or "assure.absent@orange.fr", ooo_name=a[2].insured.last_name)
    noise("bruit_03_retour_non_distribue.eml", at(2, 26, 11, 12), "bounce", b[2].claim or "",
          bounce_to="contact.ancien@wanadoo.fr")
    noise("bruit_04_spam.eml", at(3, 30, 3, 17), "spam")
    noise("bruit_05_invitation.eml", at(4, 2, 10, 0), "invite")
    noise("bruit_06_accuse_lecture.eml", at(4, 3, 12, 30), "receipt", f"Sinistre {o[1].claim} - rendez-vous",
          ooo_sender="r.besnard@allianz-demo.fr", ooo_name="Romain BESNARD")
    noise("bruit_07_catalogue.eml", at(5, 11, 6, 45), "supplier")
    noise("bruit_08_absence_agence.eml", at(6, 18, 9, 0), "ooo", f"ODM sinistre {a[6].claim_written}",
          ooo_sender="assistante.sinistres@courtage-hermine-demo.fr", ooo_name="Gwenaëlle LE ROUX")

    # --- One small mbox: a broker's order, the broker's reminder, an out-of-office
    m1 = c.order("courriers_divers.mbox#1", "allianz_courtage", "water_damage", at(10, 2, 9, 15), cause=True,
                 occupancy="tenant", dwelling="apartment")
    c.add(m1, brk())
    mbox_fu = Case(file="courriers_divers.mbox#2", kind="follow_up", channel="allianz_courtage", claim=m1.claim,
                   claim_written=m1.claim_written, insured=m1.insured, sent=at(10, 9, 10, 2),
                   message_id="<relance.mbox2@courtage-demo.fr>")
    br = c.broker_of(m1)
    c.add(mbox_fu, lambda case, rng: others.follow_up_mail(case, rng, "reminder", br.email, br.person.title(),
                                                           f"{br.person}\n{br.firm}"))
    c.add(Case(file="courriers_divers.mbox#3", kind="noise", channel="unknown", sent=at(10, 9, 10, 3),
               message_id="<ooo.mbox3@noise>", extra={"ooo_sender": "j.martin@free.fr", "ooo_name": "Jacques MARTIN"}),
          lambda case, rng: others.noise_mail(case, rng, "ooo", f"Sinistre {m1.claim_written}"))

    # --- Unreadable files: still a record each
    c.add(Case(file="fax_20260120_0000_vide.tif", kind="unreadable"), lambda case, rng: (b"", []))
    c.add(Case(file="odm_corrompu.pdf", kind="unreadable"),
          lambda case, rng: (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R" +
                             bytes(rng.randrange(256) for _ in range(600)), []))
    return c
