"""The insured's follow-up after opening (seed 003, DOMAIN.md): for remote assessment (télévaluation) the
call centre calls the insured; with no answer, three reminder calls; after the third, an SMS asking the
insured to call back, and the dossier *waiting for client* for one week; then it goes back to a person.

The steps, delays, text and the numbers to give the client per channel are in the `followup:` section of
the YAML configuration (validated strictly here). The state is stored (outputs/followups.py), so the
follow-up survives a restart; the scheduler's `reminders` job runs `FollowupEngine.run` every few minutes.

    to_call --no answer after reminder_every_h--> reminder_1 --> reminder_2 --> reminder_3
      --> SMS + waiting_for_client (dossier status too) for waiting_for_client_days --> closed (dossier open)
    any state --a person records the answer (store.followup_answered)--> answered

An SMS goes only to a valid mobile number (E.164); its row is written before it is sent (at most once to a
person); the gateway's answer or refusal is kept with it. No gateway configured: the row says so.
Where the SMS goes, a mail to the insured's address goes too (`mail: also`), or instead of it when the
insured has an address (`mail: instead`; without one the SMS goes as before), or never (`mail: off`):
SMTP through intake/insured_mail.py, texts `mail_subject` / `mail_text`, recorded like the SMS.
"""
from __future__ import annotations

import logging
import string
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from foundation.config import register_section
from foundation.errors import ConfigError
from intake.insured_mail import MailGateway, valid_email
from intake.sms import SmsGateway, mobile_e164

log = logging.getLogger("intake.followup")

PLACEHOLDERS = {"claim_number", "last_name", "first_name", "callback", "platform_followup", "dossier_id"}


class ChannelPhones(BaseModel):
    model_config = ConfigDict(extra="forbid")
    callback: str = Field(min_length=6)                 # "pour rappel suite à une télévaluation"
    platform_followup: Optional[str] = None              # "pour suivi de dossier" (C2S platform)


class FollowupSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    channels: list[str] = Field(default_factory=lambda: ["allianz_c2s", "allianz_agence", "allianz_courtage"])
    first_call_after_h: float = Field(0.0, ge=0)
    reminder_every_h: float = Field(24.0, gt=0)
    reminders: int = Field(3, ge=1, le=3)
    waiting_for_client_days: float = Field(7.0, gt=0)
    start_window_days: float = Field(2.0, gt=0)          # dossiers opened longer ago are not followed up
    sms_text: str = Field(min_length=10, max_length=480)
    mail: Literal["also", "instead", "off"] = "also"     # a mail to the insured's address where the SMS goes
    mail_subject: str = Field("Votre sinistre {claim_number}", min_length=3, max_length=200)
    mail_text: str = Field("Bonjour, merci de nous rappeler au {callback}.", min_length=10, max_length=5000)
    phones: dict[str, ChannelPhones] = Field(default_factory=dict)   # per channel, and "default"

    @field_validator("sms_text", "mail_subject", "mail_text")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        used = {name for _, name, _, _ in string.Formatter().parse(value) if name}
        unknown = used - PLACEHOLDERS
        if unknown:
            raise ValueError(f"unknown placeholder(s) {sorted(unknown)}; known: {sorted(PLACEHOLDERS)}")
        return value

    @model_validator(mode="after")
    def _phones(self) -> "FollowupSettings":
        missing = [c for c in self.channels if c not in self.phones and "default" not in self.phones]
        if missing:
            raise ValueError(f"no phone numbers to give the client for {missing} (phones.<channel> or phones.default)")
        return self

    def phones_for(self, channel: Optional[str]) -> ChannelPhones:
        return self.phones.get(channel or "") or self.phones["default"]


register_section("followup", FollowupSettings)


def followup_settings(config: Any) -> FollowupSettings:
    raw = config.section("followup") if config is not None else None
    try:
        return FollowupSettings.model_validate(raw or {})
    except ValidationError as error:
        raise ConfigError(f"invalid followup configuration: {error}") from error


@dataclass(frozen=True)
class Step:
    """What happens when a follow-up's next step falls due (pure: computed from the state and the clock)."""
    state: str
    next_at: Optional[datetime]
    send_sms: bool = False
    waiting_until: Optional[datetime] = None
    dossier_status: Optional[str] = None
    name: str = ""


def plan(state: str, now: datetime, settings: FollowupSettings) -> Step:
    every = timedelta(hours=settings.reminder_every_h)
    if state == "to_call":
        return Step("reminder_1", now + every, name="call_unanswered")
    if state.startswith("reminder_"):
        number = int(state.rsplit("_", 1)[1])
        if number < settings.reminders:
            return Step(f"reminder_{number + 1}", now + every, name=f"reminder_{number}_unanswered")
        until = now + timedelta(days=settings.waiting_for_client_days)
        return Step("waiting_for_client", until, send_sms=True, waiting_until=until,
                    dossier_status="waiting_for_client", name="sms_and_wait")
    if state == "waiting_for_client":
        return Step("closed", None, dossier_status="open", name="waiting_over")
    raise ValueError(f"no step after follow-up state {state!r}")


def _values(settings: FollowupSettings, due: Any) -> dict[str, str]:
    phones = settings.phones_for(due.channel)
    return {"claim_number": due.claim_number or "", "last_name": due.last_name or "",
            "first_name": due.first_name or "", "callback": phones.callback,
            "platform_followup": phones.platform_followup or phones.callback, "dossier_id": due.dossier_id}


def sms_text(settings: FollowupSettings, due: Any) -> str:
    return " ".join(settings.sms_text.format_map(_values(settings, due)).split())


def mail_parts(settings: FollowupSettings, due: Any) -> tuple[str, str]:
    """(subject, body) of the mail to the insured; the body keeps its lines."""
    values = _values(settings, due)
    subject = " ".join(settings.mail_subject.format_map(values).split())
    return subject, settings.mail_text.format_map(values).strip() + "\n"


MAIL_SUBJECT = "Objet : "   # a mail's stored text: "Objet : <subject>", a blank line, the body


def outgoing(settings: FollowupSettings, due: Any, detail: dict[str, Any]) -> list[Any]:
    """The messages a `send_sms` step sends the insured, per `settings.mail`; why one is not sent goes in detail."""
    from outputs.followups import OutgoingMessage
    messages = []
    email = valid_email(due.email) if settings.mail != "off" else None
    if email:
        subject, body = mail_parts(settings, due)
        messages.append(OutgoingMessage("mail", email, f"{MAIL_SUBJECT}{subject}\n\n{body}"))
    elif settings.mail != "off":
        detail["mail"] = "no email address for the insured"
    if settings.mail != "instead" or not email:
        to = mobile_e164(due.phone)
        if to is None:
            detail["sms"] = "no mobile number for the insured"
        else:
            messages.append(OutgoingMessage("sms", to, sms_text(settings, due)))
    return messages


class FollowupEngine:
    def __init__(self, store: Any, settings: FollowupSettings, gateway: Optional[SmsGateway],
                 mailer: Optional[MailGateway] = None):
        self.store, self.settings, self.gateway, self.mailer = store, settings, gateway, mailer

    def run(self, now: Optional[datetime] = None, stop: Optional[threading.Event] = None) -> int:
        """Start follow-ups for newly opened dossiers, take every step that is due; returns the steps taken."""
        if not self.settings.enabled:
            return 0
        now = now or datetime.now(timezone.utc)
        self.store.start_followups(self.settings.channels, now - timedelta(days=self.settings.start_window_days),
                                   timedelta(hours=self.settings.first_call_after_h))
        taken = 0
        for due in self.store.due_followups(now):
            if stop is not None and stop.is_set():
                break
            step = plan(due.state, now, self.settings)
            detail: dict[str, Any] = {"step": step.name}
            messages = outgoing(self.settings, due, detail) if step.send_sms else []
            ids = self.store.advance_followup(due.dossier_id, due.state, step.state, step.next_at,
                                              waiting_until=step.waiting_until,
                                              dossier_status=step.dossier_status, messages=messages, **detail)
            taken += 1
            for message_id, message in zip(ids or [], messages):
                self._send(message_id, message)
        return taken

    def _send(self, message_id: int, message: Any) -> None:
        if message.medium == "mail":
            self._mail(message_id, message)
            return
        if self.gateway is None:
            self.store.message_result(message_id, False, "no SMS gateway configured (INTAKE_SMS_KANNEL_URL)")
            log.warning("SMS not sent: no gateway configured", extra={"message_id": message_id})
            return
        result = self.gateway.send(message.recipient, message.text)
        self.store.message_result(message_id, result.ok, result.detail)
        (log.info if result.ok else log.error)("SMS to the insured", extra={
            "message_id": message_id, "ok": result.ok, "detail": result.detail})

    def _mail(self, message_id: int, message: Any) -> None:
        if self.mailer is None:
            self.store.message_result(message_id, False, "no SMTP server configured (INTAKE_SMTP_HOST)")
            log.warning("mail not sent: no SMTP server configured", extra={"message_id": message_id})
            return
        head, _, body = message.text.partition("\n\n")
        result = self.mailer.send(message.recipient, head[len(MAIL_SUBJECT):], body)
        self.store.message_result(message_id, result.ok, result.detail)
        (log.info if result.ok else log.error)("mail to the insured", extra={
            "message_id": message_id, "ok": result.ok, "detail": result.detail})
