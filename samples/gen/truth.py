"""The truth of one sample case, and the expected record derived from it by DOMAIN.md's rules.

The generator writes each message FROM a `Case`; the expected record is computed from the same `Case`
here, never by running the product, so the samples measure the product instead of mirroring it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Optional

GLASS_NOTE = "Vérifier si expertise"
VEHICLE_NOTE = "choc de véhicule si devis entre 300 et 800€ rendre le dossier si devis > 800 € = expertise"
EXPERTISE_PERILS = ("glass_breakage", "vehicle_impact", "key_loss")
# DOMAIN.md names only the CS2I queue (allianz_team); other reviews state no queue, so it is null
# (null means "not stated" in the contract; the shipped rules.review_queue is null too).
REVIEW_QUEUE = None


@dataclass
class Person:
    civility: Optional[str]
    last_name: Optional[str]          # upper-case family name with its particle
    first_name: Optional[str]
    phone: Optional[str]              # E.164
    email: Optional[str]
    street: Optional[str]
    postcode: Optional[str]
    city: Optional[str]               # upper-case


@dataclass
class Case:
    """One message of the corpus: what it is, what it says, how it is sent."""
    file: str                          # file name under samples/messages/ ("name.mbox#2" for an mbox message)
    kind: str                          # "order", "follow_up", "05i", "noise", "unreadable"
    channel: str = "unknown"
    style: str = ""                    # how it is rendered (see catalog.py)
    claim: Optional[str] = None        # the normalised claim number the expected record holds
    claim_written: Optional[str] = None  # how the message writes it
    claim_other: Optional[str] = None  # a second, different spelling (subject vs body) -> low_confidence
    order_number: Optional[str] = None
    code: Optional[str] = None         # intermediary code as written on the order (None: absent)
    peril: Optional[str] = None
    insured: Optional[Person] = None
    occupancy: Optional[str] = None
    dwelling: Optional[str] = None
    loss_date: Optional[date] = None
    loss_date_no_year: bool = False    # the message writes the date without its year
    amount: Optional[float] = None
    cause_repaired: Optional[bool] = None
    key_limit: Optional[float] = None  # a limit the insurer states for keys
    leak_repair: bool = False
    aesthetic: bool = False
    sent: Optional[datetime] = None    # Date header; None for a bare fax/PDF/txt file (arrival = file time)
    subject: Optional[str] = None
    sender: Optional[str] = None
    message_id: Optional[str] = None
    description: Optional[str] = None
    extra: dict = field(default_factory=dict)  # rendering details (agency name, broker, other phones...)

    # ------------------------------------------------------------------ rules

    def reasons(self) -> list[str]:
        """Review reasons of an order before routing (DOMAIN.md, 'Rules' and 'Precise rules')."""
        out: set[str] = set()
        if self.channel == "allianz_cs2i":
            out.add("cs2i_allianz_team")
        if not self.claim:
            out.add("missing_claim_number")
        elif self.channel == "allianz_agence" and not self.claim.startswith("B"):
            out.add("invalid_claim_number")
        if self.channel == "allianz_agence" and not self.code:
            out.add("missing_intermediary_code")
        if self.claim_other:
            out.add("low_confidence")
        if self.peril == "water_damage" and self.cause_repaired is not True:
            out.add("dde_cause_not_confirmed_repaired")
        if self.leak_repair:
            out.add("leak_repair_not_covered")
        if self.peril == "leak_search" and self.occupancy == "owner_occupier" and self.dwelling == "house":
            out.add("leak_search_owner_occupied_house")
        if self.aesthetic:
            out.add("aesthetic_repair_not_covered")
        return sorted(out)

    def intermediary(self) -> Optional[str]:
        if self.channel == "allianz_agence":
            return self.code
        if self.channel == "allianz_courtage":
            return self.code or "000"
        return None

    def order_no(self) -> Optional[str]:
        if self.channel in ("allianz_agence", "allianz_courtage"):
            return "0"
        return self.order_number

    def expertise(self) -> tuple[bool, Optional[str], Optional[float]]:
        if self.peril == "glass_breakage":
            return True, GLASS_NOTE, 300.0
        if self.peril == "vehicle_impact":
            return True, VEHICLE_NOTE, 800.0
        if self.peril == "key_loss":
            limit = self.key_limit or 800.0
            return True, f"Limite {limit:g} €TTC", limit
        return False, None, None

    def expected(self) -> dict:
        """The expected record (contract JSON) before routing; `source` is filled by the writer."""
        blank_insured = {k: None for k in ("civility", "last_name", "first_name", "phone", "email",
                                           "street", "postcode", "city")}
        rec: dict = {
            "record_version": "1", "source": {}, "document_type": "other", "channel": self.channel,
            "claim_number": None, "order_number": None, "intermediary_code": None, "peril": None,
            "insured": blank_insured, "occupancy": None, "dwelling": None, "loss_date": None,
            "amount_eur": None, "cause_repaired": None, "description": None, "expertise_on_site": False,
            "expertise_note": None, "management_limit_eur": None, "decision": "ignore", "queue": None,
            "reasons": [], "dossier_id": None,
        }
        if self.kind == "noise":
            rec.update(reasons=["not_mission_order"])
        elif self.kind == "05i":
            rec.update(claim_number=self.claim, reasons=["gestion_integrale_05i"])
        elif self.kind == "unreadable":
            rec.update(channel="unknown", decision="manual_review", reasons=["unreadable_input"])
        elif self.kind == "follow_up":
            rec.update(document_type="follow_up", claim_number=self.claim, decision="attach",
                       reasons=["follow_up"])
        else:
            on_site, note, limit = self.expertise()
            reasons = self.reasons()
            p = self.insured
            rec.update(
                document_type="mission_order", claim_number=self.claim, order_number=self.order_no(),
                intermediary_code=self.intermediary(), peril=self.peril,
                insured={k: getattr(p, k) for k in blank_insured} if p else blank_insured,
                occupancy=self.occupancy, dwelling=self.dwelling,
                loss_date=self.loss_date.isoformat() if self.loss_date else None,
                amount_eur=self.amount, cause_repaired=self.cause_repaired if self.peril == "water_damage" else None,
                description=self.description, expertise_on_site=on_site, expertise_note=note,
                management_limit_eur=limit, decision="manual_review" if reasons else "auto_open",
                queue=("allianz_team" if self.channel == "allianz_cs2i" else REVIEW_QUEUE) if reasons else None,
                reasons=reasons,
            )
        return rec


def route(cases: list[Case], records: dict[str, dict], walk_order: list[str]) -> None:
    """Duplicates and follow-ups (DOMAIN.md): in order of arrival, the first copy of a claim opens the
    dossier, later orders for the same claim are attached as duplicates, follow-ups are attached.

    Arrival is the Date header; bare files (no Date) arrive when the folder is read, so after every mail."""
    position = {name: i for i, name in enumerate(walk_order)}
    far = datetime.max

    def key(case: Case):
        sent = case.sent.astimezone(timezone.utc).replace(tzinfo=None) if case.sent else far
        return (sent, position[case.file])

    known: set[str] = set()
    for case in sorted(cases, key=key):
        rec = records[case.file]
        if rec["decision"] == "ignore" or "unreadable_input" in rec["reasons"]:
            continue
        if rec["document_type"] == "follow_up":
            continue
        if rec["document_type"] != "mission_order":
            continue
        claim = rec["claim_number"]
        if claim and claim in known:
            rec.update(decision="attach", queue=None, reasons=["duplicate"])
        elif claim:
            known.add(claim)
