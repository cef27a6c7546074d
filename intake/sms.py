"""Sending an SMS to the insured, behind a small adapter so another provider can be plugged in.

`KannelGateway` speaks Kannel's smsbox `sendsms` HTTP interface (GET /cgi-bin/sendsms with username,
password, from, to, text, charset=UTF-8; coding=0 for the GSM alphabet, 2 for UCS-2 when a character needs it): 202 "0: Accepted for
delivery" or "3: Queued for later delivery" is success; anything else (403 "Authorization failed", 4xx/5xx,
no answer) is a failure with the gateway's text. Settings from the environment:
INTAKE_SMS_KANNEL_URL, INTAKE_SMS_USERNAME, INTAKE_SMS_PASSWORD, INTAKE_SMS_SENDER.
Numbers are normalised to E.164 (phonenumbers, region FR) and only mobiles get an SMS.
"""
from __future__ import annotations

from typing import NamedTuple, Optional, Protocol

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class SmsResult(NamedTuple):
    ok: bool
    detail: str            # the gateway's answer, or why nothing was sent


class SmsGateway(Protocol):
    def send(self, to: str, text: str) -> SmsResult: ...


class SmsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_SMS_", extra="ignore")

    kannel_url: Optional[str] = None        # e.g. http://127.0.0.1:13013/cgi-bin/sendsms
    username: Optional[str] = None
    password: Optional[SecretStr] = None
    sender: str = "Intake"
    timeout_s: float = 10.0


def mobile_e164(number: Optional[str], region: str = "FR") -> Optional[str]:
    """The number in E.164 when it is a valid mobile number, else None (no SMS to a landline)."""
    import phonenumbers
    if not number:
        return None
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    kind = phonenumbers.number_type(parsed)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# GSM 03.38 default alphabet (and its extension table): a text of these characters goes as 7-bit, 160 characters
# a part; anything else (ê, â, œ, emoji...) as UCS-2, 70 a part.
GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
           "¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€")


def coding_for(text: str) -> str:
    """Kannel's `coding`: 0 (GSM 7-bit) when every character fits, else 2 (UCS-2)."""
    return "0" if set(text) <= GSM7 else "2"


class KannelGateway:
    def __init__(self, url: str, username: str, password: str, sender: str = "Intake", timeout_s: float = 10.0):
        import httpx
        self.url, self.username, self.password, self.sender = url, username, password, sender
        self.client = httpx.Client(timeout=timeout_s, follow_redirects=False)

    def send(self, to: str, text: str) -> SmsResult:
        import httpx
        params = {"username": self.username, "password": self.password, "from": self.sender, "to": to,
                  "text": text, "charset": "UTF-8", "coding": coding_for(text)}
        try:
            response = self.client.get(self.url, params=params)
        except httpx.HTTPError as error:
            return SmsResult(False, f"{type(error).__name__}: {error}"[:300])
        answer = response.text.strip()[:200]
        ok = response.status_code == 202 and answer[:2] in ("0:", "3:")
        return SmsResult(ok, answer if ok else f"HTTP {response.status_code}: {answer}")

    def close(self) -> None:
        self.client.close()


def gateway_from_env(settings: Optional[SmsSettings] = None) -> Optional[KannelGateway]:
    """The configured gateway, or None (then SMS are recorded as not sent, with the reason)."""
    settings = settings or SmsSettings()
    if not settings.kannel_url or not settings.username or settings.password is None:
        return None
    return KannelGateway(settings.kannel_url, settings.username, settings.password.get_secret_value(),
                         settings.sender, settings.timeout_s)
