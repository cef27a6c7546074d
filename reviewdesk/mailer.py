"""Outgoing mail (activation and password-reset links) through SMTP with smtplib.

Without INTAKE_SMTP_HOST the message is logged instead, so a demo or a development box still shows the link.
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Optional

from reviewdesk.settings import PortalSettings, portal_settings

log = logging.getLogger(__name__)


class MailError(Exception):
    """The SMTP server could not be reached or refused the message."""


def send_mail(to: str, subject: str, body: str, settings: Optional[PortalSettings] = None) -> None:
    settings = settings or portal_settings()
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if not settings.smtp_host:
        log.warning("no SMTP host configured; mail not sent", extra={"to": to, "subject": subject, "body": body})
        return
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as client:
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"mail to {to} not sent: {error}") from error
