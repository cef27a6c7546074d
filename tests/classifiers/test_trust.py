"""Sender trust (classifiers.trust): forged and look-alike senders, and the platform's listed senders."""
from __future__ import annotations

import pytest

from classifiers.settings import classifier_settings
from classifiers.trust import authentication, forged, looks_alike, sender_trust
from foundation.models import ParsedMessage


def msg(sender, **headers):
    return ParsedMessage(kind="email", sender=sender, headers=headers)


def test_authentication_results_are_read():
    h = {"Authentication-Results": "mx.example.fr; spf=pass smtp.mailfrom=allianz.fr; dkim=fail; dmarc=fail (p=reject)"}
    assert authentication(h) == {"spf": "pass", "dkim": "fail", "dmarc": "fail"}
    assert forged(h) == "DMARC fail"
    assert forged({"Received-SPF": "softfail (domain does not designate)"}).startswith("SPF softfail")
    assert forged({"Authentication-Results": "mx; spf=fail; dkim=pass header.d=allianz.fr"}) is None


@pytest.mark.parametrize("domain, alike", [
    ("allianz.fr", False), ("mail.allianz.fr", False), ("agents.allianz.fr", False), ("allianz-creteil.fr", False),
    ("allianz-c2s-missions.com", True), ("a11ianz.fr", True), ("allianz.fr-secure.net", True), ("garnier-assurances.fr", False),
])
def test_look_alike_domains(config, domain, alike):
    assert looks_alike(domain, classifier_settings(config)) is alike


def test_verdicts_per_channel(config):
    cs = classifier_settings(config)
    assert sender_trust(msg("noreply-sinistres@allianz.fr"), "allianz_c2s", cs).verdict == "trusted"
    # the platform lists its senders; a broker's domain is fine for a broker order, not for a platform order
    assert sender_trust(msg("contact@roux-courtage.fr"), "allianz_c2s", cs).verdict == "untrusted"
    assert sender_trust(msg("contact@roux-courtage.fr"), "allianz_courtage", cs).verdict == "trusted"
    assert sender_trust(msg(None), "allianz_agence", cs).verdict == "unchecked"
    spoofed = msg("noreply@allianz.fr", **{"Authentication-Results": "mx; spf=fail; dkim=none; dmarc=fail"})
    verdict = sender_trust(spoofed, "allianz_c2s", cs)
    assert verdict.verdict == "untrusted" and "DMARC" in verdict.reason
