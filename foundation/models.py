"""Typed models at the seams of the pipeline.

raw bytes --parsers--> ParsedMessage --classifiers--> Extraction --rulestage--> Decision
          --foundation.record--> MissionRecord (the export contract, ../shared/contract)
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, NamedTuple, Optional

from pydantic import BaseModel, ConfigDict, Field, model_serializer

DocumentType = Literal["mission_order", "follow_up", "other"]
Channel = Literal["allianz_c2s", "allianz_agence", "allianz_courtage", "allianz_cs2i", "unknown"]
Peril = Literal[
    "water_damage", "glass_breakage", "vehicle_impact", "key_loss", "leak_search",
    "fire", "burglary", "storm", "electrical_damage", "other",
]
Occupancy = Literal["owner_occupier", "tenant", "non_occupying_owner"]
Dwelling = Literal["house", "apartment"]
DecisionKind = Literal["auto_open", "manual_review", "attach", "ignore"]

CHANNELS: tuple[str, ...] = ("allianz_c2s", "allianz_agence", "allianz_courtage", "allianz_cs2i", "unknown")


# --------------------------------------------------------------------------- parsing


class Word(BaseModel):
    """One word on a page, with its box (PDF points for text layers, pixels for OCR)."""
    model_config = ConfigDict(frozen=True)
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    conf: Optional[float] = None  # OCR confidence in [0, 1]; None for a text layer


class Page(BaseModel):
    number: int  # 1-based
    text: str
    words: list[Word] = Field(default_factory=list)
    width: Optional[float] = None
    height: Optional[float] = None
    ocr: bool = False
    ocr_confidence: Optional[float] = None  # mean word confidence in [0, 1]
    notes: list[str] = Field(default_factory=list)  # what was done to the page before OCR (page_rotated: 180,
                                                    # photo_corrected): copied to Document.notes by the readers


class Document(BaseModel):
    """A readable unit of a message: the mail body, or one attachment (PDF, image, text...)."""
    name: str                      # "body" for the mail body, else the attachment's file name (or a made-up one)
    filename: Optional[str] = None  # as declared by the sender, decoded
    content_type: str              # detected from the bytes (declared type when nothing better)
    declared_type: Optional[str] = None
    sha256: str
    size: int
    pages: list[Page] = Field(default_factory=list)
    ocr: bool = False              # any text of this document came from OCR
    is_body: bool = False
    error: Optional[str] = None    # why it could not be read: a `foundation.errors.ReadReason` code, maybe ": detail"
    notes: list[str] = Field(default_factory=list)  # what was read only in part (pages past a limit, a page OCR
                                   # gave up on): ReadReason codes with their detail, shown to reviewers
    page_count: Optional[int] = None  # pages the file has (PDF), when more than were read
    # forwarded / attached mail headers, when this document is the body of a message/rfc822 part
    forwarded_subject: Optional[str] = None
    forwarded_sender: Optional[str] = None
    forwarded_sender_name: Optional[str] = None   # the display name of the attached mail's From
    forwarded_date: Optional[datetime] = None

    @property
    def text(self) -> str:
        return "\n\f\n".join(p.text for p in self.pages)


class ParsedMessage(BaseModel):
    """Everything read from one raw message or file, before any business knowledge."""
    kind: Literal["email", "pdf", "image", "text", "unknown"]
    message_id: Optional[str] = None
    subject: Optional[str] = None
    sender: Optional[str] = None        # address only, lower-case
    sender_name: Optional[str] = None
    recipients: list[str] = Field(default_factory=list)
    date: Optional[datetime] = None     # Date header (timezone-aware when given)
    in_reply_to: Optional[str] = None
    references: list[str] = Field(default_factory=list)
    headers: dict[str, str] = Field(default_factory=dict)  # selected headers, decoded (Auto-Submitted, Precedence, X-Autoreply, Content-Type, Return-Path, ...)
    automatic: Optional[str] = None     # why this looks like automatic mail: "bounce", "read_receipt", "auto_replied", "auto_generated", "bulk", else None
    body: Optional[Document] = None     # plain text body (HTML converted to text when no plain part)
    html: Optional[str] = None          # the raw HTML body, when there is one (kept for the portal, never executed)
    attachments: list[Document] = Field(default_factory=list)
    defects: list[str] = Field(default_factory=list)  # parse problems that did not stop reading
    unreadable: Optional[str] = None    # set when nothing usable could be read: a short reason

    def documents(self) -> list[Document]:
        return ([self.body] if self.body else []) + list(self.attachments)


# --------------------------------------------------------------------------- classification / extraction


class FieldValue(BaseModel):
    """One extracted value with how sure we are and where it was read."""
    value: Any = None
    confidence: float = 0.0
    evidence: Optional[str] = None   # the text span it was read from
    part: Optional[str] = None       # "body", or the attachment's name
    page: Optional[int] = None
    corrected_by: Optional[str] = None
    raw_confidence: Optional[float] = None  # the classifier's own score, before calibration (classifiers.calibration)
    reason: Optional[str] = None     # why the confidence is low (FIELD_REASONS), for the reviewer


class Signal(BaseModel):
    """A reason a classifier decided what it decided (kept for the reviewer)."""
    name: str          # e.g. "subject_keyword", "sender_domain", "layout_c2s"
    detail: str = ""
    weight: float = 0.0


class Extraction(BaseModel):
    document_type: DocumentType = "other"
    channel: Channel = "unknown"
    peril: Optional[Peril] = None
    signals: list[Signal] = Field(default_factory=list)
    # keys: claim_number, order_number, intermediary_code, civility, last_name, first_name, phone, email,
    # street, postcode, city, occupancy, dwelling, loss_date, amount_eur, cause_repaired, description,
    # leak_repair_requested, aesthetic_repair_requested, management_limit_eur, gestion_integrale_05i, ...
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    # values that conflict (e.g. claim number in the subject differs from the form)
    conflicts: dict[str, list[FieldValue]] = Field(default_factory=dict)

    def value(self, name: str) -> Any:
        f = self.fields.get(name)
        return f.value if f is not None else None


class Decision(BaseModel):
    decision: DecisionKind
    queue: Optional[str] = None
    reasons: list[str] = Field(default_factory=list)
    expertise_on_site: bool = False
    expertise_note: Optional[str] = None
    management_limit_eur: Optional[float] = None
    dossier_id: Optional[str] = None


# --------------------------------------------------------------------------- the export contract


class SourceRef(BaseModel):
    """Where a raw message came from (set by the door that read it)."""
    uri: str
    received_at: Optional[datetime] = None   # arrival time: IMAP INTERNALDATE, file mtime
    filename: Optional[str] = None           # the file name, used to guess the kind when the bytes do not tell


class AttachmentOut(BaseModel):
    filename: Optional[str] = None
    content_type: str
    sha256: str
    pages: Optional[int] = None
    ocr: bool = False
    # why it could not be read (a ReadReason: "archive_refused: ...", "corrupt_file: ..."); absent when read
    error: Optional[str] = Field(default=None, exclude_if=lambda v: v is None)


class SourceOut(BaseModel):
    uri: str
    message_id: Optional[str] = None
    received_at: Optional[str] = None  # ISO 8601 date-time
    sha256: str
    subject: Optional[str] = None
    sender: Optional[str] = None
    attachments: list[AttachmentOut] = Field(default_factory=list)


class Insured(BaseModel):
    civility: Optional[str] = None
    last_name: Optional[str] = None
    first_name: Optional[str] = None
    phone: Optional[str] = None
    email: Optional[str] = None
    street: Optional[str] = None
    postcode: Optional[str] = None
    city: Optional[str] = None


# why a field's confidence is low, as a code (the portal shows it in French beside the field)
FIELD_REASONS = ("ocr_uncertain", "ocr_word_low", "subject_attachment_mismatch", "subject_body_mismatch",
                 "conflicting_values", "weak_label", "unlabelled", "guessed")


class FieldOut(BaseModel):
    confidence: float
    evidence: Optional[str] = None
    part: Optional[str] = None
    page: Optional[int] = None
    corrected_by: Optional[str] = None
    # an extension key the contract's open field entries allow; written only when there is a reason, so records
    # without one are exactly as before
    reason: Optional[str] = None

    @model_serializer(mode="wrap")
    def _without_empty_reason(self, handler: Any) -> dict[str, Any]:
        data = handler(self)
        if data.get("reason") is None:
            data.pop("reason", None)
        return data


class MissionRecord(BaseModel):
    """Serialises exactly to ../shared/contract/mission-record.schema.json."""
    model_config = ConfigDict(extra="forbid")

    record_version: Literal["1"] = "1"
    source: SourceOut
    document_type: DocumentType
    channel: Channel
    claim_number: Optional[str] = None
    order_number: Optional[str] = None
    intermediary_code: Optional[str] = None
    peril: Optional[Peril] = None
    insured: Insured = Field(default_factory=Insured)
    occupancy: Optional[Occupancy] = None
    dwelling: Optional[Dwelling] = None
    loss_date: Optional[date] = None
    amount_eur: Optional[float] = None
    cause_repaired: Optional[bool] = None
    description: Optional[str] = None
    expertise_on_site: bool = False
    expertise_note: Optional[str] = None
    management_limit_eur: Optional[float] = None
    decision: DecisionKind
    queue: Optional[str] = None
    reasons: list[str] = Field(default_factory=list)
    dossier_id: Optional[str] = None
    fields: dict[str, FieldOut] = Field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class Processed(NamedTuple):
    """What the pipeline hands to the store: the record, and the parsed message it was read from (its texts
    and pages, kept for the portal and for re-deciding without re-reading)."""
    record: MissionRecord
    message: Optional[ParsedMessage] = None
