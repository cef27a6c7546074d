"""Typed view of the `rules` section of the business configuration: thresholds, queues, required fields,
claim formats and the 04P expertise notes. Texts and numbers live in YAML, not in code."""
from __future__ import annotations

import re
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

from foundation.config import register_section, section_view


class ExpertiseRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str
    limit_eur: Optional[float] = None
    limit_from_order: bool = False     # the limit the insurer states replaces limit_eur (keys); {limit} in note


class TeamReview(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str                        # the reason every order of the channel carries (cs2i_allianz_team)
    queue: Optional[str] = None        # the team's queue


class RuleSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    trust_threshold: float = 0.75
    review_queue: Optional[str] = None
    always_review: dict[str, TeamReview] = Field(default_factory=dict)   # per channel: never auto-opened
    required_fields: dict[str, list[str]] = Field(default_factory=lambda: {"unknown": ["claim_number"]})
    missing_reasons: dict[str, str] = Field(default_factory=dict)   # field -> reason when absent (else missing_<field>)
    untrusted_sender_reason: str = "low_confidence"                 # an order from a sender its channel does not trust
    trusted_fields: list[str] = Field(default_factory=lambda: ["claim_number", "intermediary_code"])
    claim_number_formats: dict[str, str] = Field(default_factory=dict)
    unknown_channel_order: str = "manual_review"
    expertise: dict[str, ExpertiseRule] = Field(default_factory=dict)

    def claim_format(self, channel: str) -> Optional[re.Pattern[str]]:
        pattern = self.claim_number_formats.get(channel)
        return re.compile(pattern) if pattern else None


register_section("rules", RuleSettings)


def rule_settings(config: Any) -> RuleSettings:
    """The rules section of this Config, validated once per config object."""
    return section_view(config, "rules", RuleSettings.model_validate)
