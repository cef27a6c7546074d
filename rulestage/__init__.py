"""The rules stage: decision (auto_open, manual_review, attach, ignore) with reason codes, from configuration."""
from __future__ import annotations


def decide(msg, extraction, config):
    """ParsedMessage + Extraction + Config -> foundation.models.Decision. Implemented in rulestage.rules."""
    from rulestage.rules import decide as _decide
    return _decide(msg, extraction, config)
