"""May this sender send this channel's orders? Evidence for the rules stage, never a verdict on its own.

Three checks, each from configuration (`classifiers.trust` and each channel's `trusted_senders`):
  1. the receiving server's Authentication-Results: a DMARC failure, or SPF failing with no passing DKIM,
     means the From address is forged;
  2. a look-alike: a domain that carries the insurer's name (brand_tokens, after folding digits that imitate
     letters) but is none of the domains allowed to carry it (brand_domains);
  3. a channel that lists its senders (the platform) accepts only those.
A fax file has no sender: nothing to check ("unchecked"). A colleague's forward (internal_domains) is judged on
the original sender of the forwarded message.
"""
from __future__ import annotations

import re
from typing import Literal, Optional

from pydantic import BaseModel

from classifiers.settings import Compiled
from foundation.models import ParsedMessage

Verdict = Literal["trusted", "untrusted", "unchecked"]

_IMITATIONS = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a"})
_RESULT = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*([a-z]+)", re.IGNORECASE)


class SenderTrust(BaseModel):
    verdict: Verdict
    reason: str                 # what a reviewer reads: why the sender is (not) believed
    sender: Optional[str] = None


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip().strip(">").lower()


def authentication(headers: dict[str, str]) -> dict[str, str]:
    """{"spf": "pass", "dkim": "fail", "dmarc": "fail"} from the receiving server's Authentication-Results."""
    found: dict[str, str] = {}
    for method, result in _RESULT.findall(headers.get("Authentication-Results", "")):
        found.setdefault(method.lower(), result.lower())
    spf = headers.get("Received-SPF", "").strip().split(" ", 1)[0].lower()
    if spf and "spf" not in found:
        found["spf"] = spf
    return found


def forged(headers: dict[str, str]) -> Optional[str]:
    auth = authentication(headers)
    if auth.get("dmarc") == "fail":
        return "DMARC fail"
    if auth.get("spf") in ("fail", "softfail") and auth.get("dkim") != "pass":
        return f"SPF {auth['spf']} without a valid DKIM signature"
    return None


def looks_alike(domain: str, cs: Compiled) -> bool:
    """The domain claims the insurer's name without being one of the domains allowed to carry it."""
    plain = domain.translate(_IMITATIONS).replace("-", "").replace(".", "")
    if not any(token.lower() in plain for token in cs.s.trust.brand_tokens):
        return False
    return not any(p.search(domain) for p in cs.brand_domains)


def _judged_sender(msg: ParsedMessage, cs: Compiled) -> Optional[str]:
    sender = (msg.sender or "").lower()
    if sender and any(p.search(_domain(sender)) for p in cs.internal_domains):
        forwarded = [d.forwarded_sender for d in msg.attachments if d.forwarded_sender]
        return forwarded[0].lower() if forwarded else None
    return sender or None


def sender_trust(msg: ParsedMessage, channel: str, cs: Compiled) -> SenderTrust:
    sender = _judged_sender(msg, cs)
    if not sender:
        return SenderTrust(verdict="unchecked", reason="no sender address (fax file or internal forward)")
    if cs.s.trust.authentication:
        why = forged(msg.headers)
        if why:
            return SenderTrust(verdict="untrusted", reason=f"{why} for {_domain(sender)}", sender=sender)
    domain = _domain(sender)
    if looks_alike(domain, cs):
        return SenderTrust(verdict="untrusted", reason=f"{domain} imitates the insurer's domain", sender=sender)
    profile = cs.s.channels.get(channel)
    if profile is not None and profile.trusted_re and not any(p.search(sender) for p in profile.trusted_re):
        return SenderTrust(verdict="untrusted", reason=f"{sender} is not among the senders of {channel}", sender=sender)
    return SenderTrust(verdict="trusted", reason="sender allowed for the channel", sender=sender)
