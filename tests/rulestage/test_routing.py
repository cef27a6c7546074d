"""Routing a batch in arrival order: duplicates, follow-ups, CS2I requests about a known claim."""
from __future__ import annotations

from foundation.models import MissionRecord, SourceOut
from rulestage.routing import route_batch


def rec(name: str, when: str, doc: str, channel: str, claim: str | None, decision: str, reasons: list[str],
        queue: str | None = None) -> MissionRecord:
    return MissionRecord(source=SourceOut(uri=name, received_at=when, sha256=(name.encode().hex() * 8)[:64]),
                         document_type=doc, channel=channel, claim_number=claim, decision=decision,
                         queue=queue, reasons=reasons)


def test_cs2i_about_a_known_claim_stays_with_the_team_and_is_linked():
    order = rec("c2s", "2026-03-12T08:00:00+01:00", "mission_order", "allianz_c2s", "S1", "auto_open", [])
    cs2i = rec("cs2i", "2026-03-16T14:00:00+01:00", "mission_order", "allianz_cs2i", "S1", "manual_review",
               ["cs2i_allianz_team"], "allianz_team")
    first, second = route_batch([cs2i, order])[::-1]
    assert first.dossier_id and second.dossier_id == first.dossier_id
    assert (second.decision, second.queue, second.reasons) == ("manual_review", "allianz_team", ["cs2i_allianz_team"])


def test_later_copy_is_a_duplicate_even_when_listed_first():
    review = rec("mail", "2026-03-13T09:00:00+01:00", "mission_order", "allianz_agence", "B1", "manual_review",
                 ["missing_intermediary_code"])
    resend = rec("resend", "2026-03-13T14:00:00+01:00", "mission_order", "allianz_agence", "B1", "auto_open", [])
    out = route_batch([resend, review])
    assert out[0].decision == "attach" and out[0].reasons == ["duplicate"]
    assert out[0].dossier_id == out[1].dossier_id and out[1].decision == "manual_review"
