"""Connecting to an IMAP server: TLS, STARTTLS or plain on loopback, password or XOAUTH2 (intake/oauth.py).
Refused logins raise MailboxError with the server's text only, never the password or the token."""
from __future__ import annotations

import ssl
from typing import Optional

from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from foundation.errors import MailboxError
from intake.mailboxes import MailboxConfig


def ssl_context(box: MailboxConfig) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=box.ca_file)
    if not box.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def connect(box: MailboxConfig, access_token: Optional[str] = None) -> IMAPClient:
    """A logged-in client (XOAUTH2 with `access_token` when given, see intake/oauth.py). Connection problems
    raise OSError/SSLError; refused logins raise MailboxError."""
    port = box.effective_port
    if box.security == "tls":
        client = IMAPClient(box.host, port=port, ssl=True, ssl_context=ssl_context(box), timeout=box.timeout_s)
    else:
        client = IMAPClient(box.host, port=port, ssl=False, timeout=box.timeout_s)
        if box.security == "starttls":
            client.starttls(ssl_context(box))
    client.normalise_times = False  # INTERNALDATE as an aware datetime
    try:
        if access_token is not None or box.oauth2_token is not None:
            client.oauth2_login(box.user, access_token or box.oauth2_token.get_secret_value())
        else:
            assert box.password is not None
            client.login(box.user, box.password.get_secret_value())
    except LoginError as error:
        _logout(client)
        # The server's text only: never the password or the token.
        raise MailboxError(f"{box.label}: login refused: {_text(error)}") from None
    return client


def _text(error: BaseException) -> str:
    text = str(error)
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else text


def _logout(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # noqa: BLE001 - the connection may already be gone
        try:
            client.shutdown()
        except Exception:  # noqa: BLE001
            pass
