"""Outgoing mail (activation and password-reset links) through SMTP with smtplib.

Without INTAKE_SMTP_HOST nothing is sent, and the log says only that a mail was made (to whom, its subject):
never its body, which holds a one-time link. `intake users add/reset` print a link to the operator instead.
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


class NoPublicUrl(MailError):
    """INTAKE_PUBLIC_URL is not set: no link can be mailed (it would have to come from the request)."""


def public_link(settings: PortalSettings, path: str) -> str:
    """An absolute link from the configured public URL only, never from the request's Host header."""
    if not settings.public_url:
        raise NoPublicUrl("INTAKE_PUBLIC_URL n'est pas configurée : aucun lien ne peut être envoyé par e-mail.")
    return f"{settings.public_url}{path}"


def send_mail(to: str, subject: str, body: str, settings: Optional[PortalSettings] = None) -> None:
    settings = settings or portal_settings()
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if not settings.smtp_host:
        log.warning("no SMTP host configured: a mail holding a link was made and not sent (the link is not logged; "
                    "use `intake users reset` to print one)", extra={"to": to, "subject": subject})
        return
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as client:
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"mail to {to} not sent: {error}") from error
