"""The references a channel's orders carry, read as its profile says (classifiers.channels.<name>.references).

invoice2data keeps one template per issuer; here each channel's profile states its order number (read from the
message, or a fixed value such as agencies' and brokers' `0`), which labelled codes are its intermediary code,
in what order to try them, and the default when there is none (brokers' `000`). No channel name in code.
"""
from __future__ import annotations

from typing import Optional

from classifiers import references
from classifiers.settings import Compiled, References
from classifiers.text import Hit, field_value, reading_order
from foundation.models import FieldValue

def _first(hits: list[Hit]) -> Hit:
    return min(hits, key=reading_order)


def profile_of(cs: Compiled, channel: str) -> References:
    profile = cs.s.channels.get(channel)
    return profile.references if profile is not None else cs.s.unknown_channel_references


def read(segs: list, cs: Compiled, channel: str, claim: Optional[str], fields: dict[str, FieldValue]) -> None:
    refs = profile_of(cs, channel)
    if refs.order_number is not None:
        fields["order_number"] = FieldValue(value=refs.order_number, confidence=1.0, evidence=None)
    else:
        orders = [h for h in references.order_hits(segs, cs) if h.value != claim or refs.order_may_be_claim]
        if orders:
            fields["order_number"] = field_value(_first(orders))
    for label in refs.code_labels:          # the first kind of label that reads a code wins
        codes = [h for h in references.code_hits(segs, cs, label) if h.value != claim]  # a code is never the claim
        if codes:
            fields["intermediary_code"] = field_value(_first(codes))
            return
    if refs.code_default is not None:
        fields["intermediary_code"] = FieldValue(value=refs.code_default, confidence=refs.code_default_confidence,
                                                 evidence=None)
