"""Mail to the insured in the follow-up (intake/followup.py), beside the SMS adapter (intake/sms.py) and shaped
like it: `send(...)` answers an `SmsResult` (ok, detail), never raises, so the follow-up records what the
server said. `SmtpMailer` speaks SMTP with smtplib to the installation's mail server, the one the portal
mails its links through: INTAKE_SMTP_HOST, INTAKE_SMTP_PORT, INTAKE_SMTP_FROM (reviewdesk/settings.py).
Success keeps the message's Message-ID as the provider's reference; a refusal keeps the server's answer.
"""
from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Optional, Protocol

from intake.sms import SmsResult

EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")


class MailGateway(Protocol):
    def send(self, to: str, subject: str, text: str) -> SmsResult: ...


def valid_email(address: Optional[str]) -> Optional[str]:
    """The address when it looks like one (the portal's check), lower-cased; else None."""
    if not address:
        return None
    address = address.strip()
    return address.lower() if EMAIL.fullmatch(address) else None


class SmtpMailer:
    def __init__(self, host: str, port: int = 25, sender: str = "intake@localhost", timeout_s: float = 10.0):
        self.host, self.port, self.sender, self.timeout_s = host, port, sender, timeout_s

    def send(self, to: str, subject: str, text: str) -> SmsResult:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        domain = self.sender.rsplit("@", 1)[-1] or "localhost"
        message["Message-ID"] = make_msgid("followup", domain=domain)
        message.set_content(text)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as client:
                refused = client.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            code, reason = next(iter(error.recipients.values()), (0, b""))
            return SmsResult(False, f"SMTP {code}: {reason.decode('utf-8', 'replace')}"[:300])
        except smtplib.SMTPResponseException as error:
            return SmsResult(False, f"SMTP {error.smtp_code}: {error.smtp_error.decode('utf-8', 'replace')}"[:300])
        except (OSError, smtplib.SMTPException) as error:
            return SmsResult(False, f"{type(error).__name__}: {error}"[:300])
        if refused:
            return SmsResult(False, f"refused: {refused}"[:300])
        return SmsResult(True, str(message["Message-ID"]))

    def close(self) -> None:
        """Nothing held between mails (one SMTP session a mail; follow-up mail is rare)."""


def mailer_from_env() -> Optional[SmtpMailer]:
    """The installation's SMTP server (INTAKE_SMTP_*), or None: mails are then recorded as not sent."""
    from reviewdesk.settings import portal_settings
    settings = portal_settings()
    if not settings.smtp_host:
        return None
    return SmtpMailer(settings.smtp_host, settings.smtp_port, settings.smtp_from)
