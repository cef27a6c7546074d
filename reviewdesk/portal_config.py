"""The `portal` section of the business configuration (foundation/default_config.yaml), strictly typed."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from foundation.config import register_section


class PortalConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refuse_reasons: list[str] = Field(default_factory=list)   # the list a reviewer picks from when refusing


register_section("portal", PortalConfig)
