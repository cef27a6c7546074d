"""A reviewer's actions on one record, shared by the portal's forms (reviewdesk/routes/queue.py) and the JSON
API (reviewdesk/routes/api.py), so both apply the same rules: corrections validated all together (nothing
stored unless every one is valid; moving a record to a channel one has no right on is refused), a verdict
only on a pending record, a dossier opened without a required field only with a reason, attached only to a
dossier one may see, refused only with a reason from the configured list.

`user` is a portal User or an API client (outputs.integrations.ApiClient): both have `email` (the actor in
the timeline), `is_admin`, `channels` and `team_id`. The caller has already checked the record is visible
(a record one may not see answers 404). The store writes the timeline event, and with it the webhook
outbox row, in its own transaction: the request's session is committed first (SQLite allows one writer).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from sqlalchemy.orm import Session

from foundation.config import Config
from outputs.store import NotFoundError
from outputs.tables import RecordRow
from reviewdesk import queries, validation
from reviewdesk.actions import assign_to_team

INSURED = ("civility", "last_name", "first_name", "phone", "email", "street", "postcode", "city")


class ActionRefused(Exception):
    """The action is not allowed on this record now: an HTTP status and the message shown."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class MissingRequired(ActionRefused):
    """Opening without a required field needs a reason (the portal's rule)."""

    def __init__(self, missing: list[str]):
        super().__init__(422, "Champs obligatoires manquants : " + ", ".join(missing)
                         + ". Indiquez pourquoi le dossier est ouvert sans eux.")
        self.missing = missing


class InvalidFields(ActionRefused):
    def __init__(self, errors: dict[str, str]):
        super().__init__(422, "Correction refusée : " + "; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class CorrectionPlan:
    changes: dict[str, Any] = field(default_factory=dict)   # field -> validated value (differs from the record)
    errors: dict[str, str] = field(default_factory=dict)    # field -> message


def refuse_reasons(config: Config) -> list[str]:
    section = config.section("portal") or {}
    return [str(r) for r in section.get("refuse_reasons") or []] or ["Autre"]


def field_value(record: dict[str, Any], name: str) -> Any:
    return (record.get("insured") or {}).get(name) if name in INSURED else record.get(name)


def display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def same_text(value: str) -> str:
    """A submitted value as compared and stored: browsers send CRLF in a textarea, the record holds LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def missing_required(record: dict[str, Any], config: Config) -> list[str]:
    """The fields a dossier cannot be opened without (rules.required_fields of the record's channel, and a known
    channel and insured's name), that the record lacks."""
    from rulestage.settings import rule_settings
    channel = record.get("channel") or "unknown"
    required = rule_settings(config).required_fields
    names = list(required.get(channel, required.get("unknown", [])))
    names += [n for n in ("channel", "last_name") if n not in names]
    return [n for n in names if field_value(record, n) in (None, "", "unknown")]


def plan_corrections(record: dict[str, Any], submitted: Mapping[str, str], user: Any) -> CorrectionPlan:
    """Validate every submitted value; unchanged ones are no correction."""
    plan = CorrectionPlan()
    channel = submitted.get("channel") or record.get("channel")
    for name, raw_value in submitted.items():
        if name not in validation.RECORD_FIELDS:
            plan.errors[name] = "Champ inconnu."
            continue
        current = field_value(record, name)
        if raw_value == same_text(display(current)):
            continue
        try:
            value = validation.validate_field(name, raw_value, channel)
        except validation.FieldError as error:
            plan.errors[name] = str(error)
            continue
        if value != current:  # "06 12 34 56 78" for a stored +33612345678 is no correction
            plan.changes[name] = value
    if "channel" in plan.changes and not user.is_admin and plan.changes["channel"] not in user.channels:
        plan.errors["channel"] = "Vous n'avez pas de droit sur ce canal : le message ne peut pas y être déplacé."
        plan.changes.pop("channel")
    return plan


def correct(session: Session, store: Any, user: Any, row: RecordRow, submitted: Mapping[str, str]) -> CorrectionPlan:
    """Store the corrections when every one is valid (InvalidFields otherwise, nothing stored)."""
    plan = plan_corrections(row.current_json or {}, submitted, user)
    if plan.errors:
        raise InvalidFields(plan.errors)
    assign_to_team(session, row.id, user)
    session.commit()   # end our transaction before the store writes (SQLite allows one writer)
    for name, value in plan.changes.items():
        store.correct_field(row.id, name, value, user.email)   # InvalidCorrection: the record model refused it
    return plan


def require_pending(row: RecordRow) -> None:
    if row.review_status != "pending":
        raise ActionRefused(409, "Ce message a déjà été traité.")


def open_record(session: Session, store: Any, user: Any, row: RecordRow, reason: Optional[str], config: Config) -> str:
    """Open the record's dossier; returns its id. Required fields missing and no reason: MissingRequired."""
    require_pending(row)
    missing = missing_required(row.current_json or {}, config)
    reason = same_text(reason or "")
    if missing and not reason:
        raise MissingRequired(missing)
    assign_to_team(session, row.id, user)
    session.commit()
    return store.open_dossier(row.id, user.email, missing=missing, reason=reason or None)


def attach_record(session: Session, store: Any, user: Any, row: RecordRow, dossier_id: str) -> None:
    require_pending(row)
    if not dossier_id:
        raise ActionRefused(400, "Choisissez un dossier.")
    if not queries.can_see_dossier(session, user, dossier_id[:40]):
        raise ActionRefused(404, "Dossier introuvable.")
    assign_to_team(session, row.id, user)
    session.commit()
    try:
        store.attach(row.id, dossier_id, user.email)
    except NotFoundError as error:
        raise ActionRefused(404, "Dossier introuvable.") from error


def refuse_record(session: Session, store: Any, user: Any, row: RecordRow, reason: str, config: Config) -> None:
    require_pending(row)
    if reason not in refuse_reasons(config):
        raise ActionRefused(400, "Choisissez un motif de refus dans la liste.")
    assign_to_team(session, row.id, user)
    session.commit()
    store.refuse(row.id, reason, user.email)
