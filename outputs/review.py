"""Reviewers' actions on records and dossiers: corrections, opening, attaching, refusing, closing and
reopening. Every action is a timeline event. (The insured's follow-up after opening: outputs/followups.py.)

- after `open_dossier` the record's `dossier_id` is the dossier the reviewer opened, after `attach` the
  dossier chosen, after `refuse` null (no dossier exists for it; the refused dossier row stays for the
  timeline).
"""
from __future__ import annotations

import copy
from typing import Any, Optional

from pydantic import ValidationError
from sqlalchemy import select

from foundation.fields import EDITABLE_FIELDS as TOP_EDITABLE
from foundation.fields import INSURED_FIELDS
from foundation.models import MissionRecord
from outputs.base import InvalidCorrection, NotFoundError, StoreBase, _txt, normalise_claim
from outputs.tables import Dossier, FieldCorrection, RecordRow, now_utc
from rulestage.routing import dossier_id_for


class ReviewRoom(StoreBase):
    def correct_field(self, record_id: int, name: str, value: Any, user: str) -> None:
        """Replace one field's value (top level, or `insured.<x>` / `<x>` for the insured's fields)."""
        short = name[len("insured."):] if name.startswith("insured.") else name
        if short in INSURED_FIELDS:
            in_insured = True
        elif short in TOP_EDITABLE and not name.startswith("insured."):
            in_insured = False
        else:
            raise InvalidCorrection(f"field {name!r} cannot be corrected")
        if isinstance(value, str):
            value = value.strip() or None
        if short == "claim_number":
            value = normalise_claim(value)
        elif short == "last_name" and isinstance(value, str):
            value = value.upper()
        with self.session() as s:
            row = self._record(s, record_id)
            current = copy.deepcopy(row.current_json)
            target = current.setdefault("insured", {}) if in_insured else current
            old = target.get(short)
            target[short] = value
            field = dict(current.setdefault("fields", {}).get(short) or {})
            field.update(confidence=1.0, corrected_by=user)
            field.setdefault("evidence", None)
            current["fields"][short] = field
            try:
                checked = MissionRecord.model_validate(current).to_json_dict()
            except ValidationError as error:
                problem = "; ".join(e["msg"] for e in error.errors()[:3])
                raise InvalidCorrection(f"{name}: {value!r} is not accepted ({problem})") from error
            row.current_json = checked
            row.claim_number = _txt(checked.get("claim_number"), 100)
            row.last_name = _txt((checked.get("insured") or {}).get("last_name"), 255)
            row.document_type = checked["document_type"]
            row.channel = checked["channel"]
            row.updated_at = now_utc()
            new = (checked.get("insured") or {}).get(short) if in_insured else checked.get(short)
            s.add(FieldCorrection(record_id=record_id, name=short, old_value=old, new_value=new,
                                  user=_txt(user, 320) or "unknown", at=now_utc()))
            dossier = s.get(Dossier, row.dossier_id) if row.dossier_id else None
            if dossier is not None and dossier.opening_record_id == row.id:
                dossier.claim_number = row.claim_number
                dossier.last_name = row.last_name
                dossier.peril = checked.get("peril")
                dossier.channel = checked["channel"]
            self._event(s, "corrected", raw_message_id=row.raw_message_id, record_id=record_id,
                        dossier_id=row.dossier_id, actor=user, field=short, old=old, new=new)

    def _set_dossier(self, row: RecordRow, dossier_id: Optional[str]) -> None:
        current = copy.deepcopy(row.current_json)
        current["dossier_id"] = dossier_id
        row.current_json = current
        row.dossier_id = dossier_id
        row.updated_at = now_utc()

    def open_dossier(self, record_id: int, user: str, missing: Sequence[str] = (),
                     reason: Optional[str] = None) -> str:
        """The reviewer accepts the order: its dossier is opened (created when the record had none).
        `missing`/`reason`: required fields the reviewer chose to open without, and why (kept in the event)."""
        with self.session() as s:
            row = self._record(s, record_id)
            dossier = s.get(Dossier, row.dossier_id) if row.dossier_id else None
            if dossier is None or dossier.opening_record_id != row.id:
                record = MissionRecord.model_validate(row.current_json)
                dossier_id = dossier_id_for(record)
                dossier = s.get(Dossier, dossier_id)
                if dossier is None:
                    dossier = Dossier(id=dossier_id, claim_number=row.claim_number, channel=row.channel,
                                      status="pending_review", opening_record_id=row.id, last_name=row.last_name,
                                      peril=record.peril, created_at=now_utc(), extra={})
                    s.add(dossier)
                    s.flush()
            dossier.status = "open"
            dossier.opened_at = dossier.opened_at or now_utc()
            dossier.closed_at = None
            self._set_dossier(row, dossier.id)
            row.review_status = "accepted"
            row.decided_by, row.decided_at = _txt(user, 320), now_utc()
            extra = {"missing": list(missing), "reason": _txt(reason, 500)} if missing else {}
            self._event(s, "opened", raw_message_id=row.raw_message_id, record_id=row.id, dossier_id=dossier.id,
                        actor=user, status="open", **extra)
            return dossier.id

    def attach(self, record_id: int, dossier_id: str, user: str) -> None:
        """The reviewer attaches the message to an existing dossier.

        A dossier this record had put in review (and that nobody opened) is closed, and what was attached to
        it follows to the chosen dossier.
        """
        with self.session() as s:
            row = self._record(s, record_id)
            target = s.get(Dossier, dossier_id)
            if target is None:
                raise NotFoundError(f"no dossier {dossier_id}")
            own = s.get(Dossier, row.dossier_id) if row.dossier_id else None
            if own is not None and own.id != target.id and own.opening_record_id == row.id \
                    and own.status == "pending_review":
                own.status, own.closed_at = "closed", now_utc()
                self._event(s, "closed", record_id=row.id, dossier_id=own.id, actor=user, merged_into=target.id)
                for other in s.scalars(select(RecordRow).where(RecordRow.dossier_id == own.id,
                                                               RecordRow.id != row.id)).all():
                    self._set_dossier(other, target.id)
                    self._event(s, "attached", raw_message_id=other.raw_message_id, record_id=other.id,
                                dossier_id=target.id, actor=user, moved_from=own.id)
            self._set_dossier(row, target.id)
            row.review_status = "attached"
            row.decided_by, row.decided_at = _txt(user, 320), now_utc()
            self._event(s, "attached", raw_message_id=row.raw_message_id, record_id=row.id, dossier_id=target.id,
                        actor=user)

    def refuse(self, record_id: int, reason: str, user: str) -> None:
        """The reviewer refuses the order (reason from the portal's list): no dossier for it."""
        if not reason or not str(reason).strip():
            raise InvalidCorrection("a refusal needs a reason")
        with self.session() as s:
            row = self._record(s, record_id)
            own = s.get(Dossier, row.dossier_id) if row.dossier_id else None
            if own is not None and own.opening_record_id == row.id and own.status == "pending_review":
                own.status, own.closed_at = "refused", now_utc()
            self._event(s, "refused", raw_message_id=row.raw_message_id, record_id=row.id,
                        dossier_id=row.dossier_id, actor=user, reason=_txt(reason, 1000))
            current = copy.deepcopy(row.current_json)
            current["dossier_id"] = None
            row.current_json = current
            row.review_status = "refused"
            row.refuse_reason = _txt(reason, 4000)
            row.decided_by, row.decided_at = _txt(user, 320), now_utc()
            row.updated_at = now_utc()

    def close_dossier(self, dossier_id: str, user: str) -> None:
        self._dossier_status(dossier_id, "closed", "closed", user)

    def reopen_dossier(self, dossier_id: str, user: str) -> None:
        self._dossier_status(dossier_id, "open", "reopened", user)

    def _dossier_status(self, dossier_id: str, status: str, kind: str, user: str) -> None:
        with self.session() as s:
            dossier = s.get(Dossier, dossier_id)
            if dossier is None:
                raise NotFoundError(f"no dossier {dossier_id}")
            before = dossier.status
            dossier.status = status
            dossier.closed_at = now_utc() if status == "closed" else None
            if status == "open":
                dossier.opened_at = dossier.opened_at or now_utc()
            self._event(s, kind, dossier_id=dossier_id, actor=user, before=before)
