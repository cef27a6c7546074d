"""The `portal`, `api` and `operations` sections of the business configuration (foundation/default_config.yaml),
strictly typed."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from foundation.config import register_section


class PortalConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refuse_reasons: list[str] = Field(default_factory=list)   # the list a reviewer picks from when refusing


register_section("portal", PortalConfig)


class ApiConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rate_limit_per_minute: int = Field(default=120, ge=1)   # per API token
    page_size: int = Field(default=50, ge=1, le=1000)


class OperationsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    poll_stale_s: float = Field(default=600.0, gt=0)   # /healthz answers 503 when a source's last good poll is older


register_section("api", ApiConfig)
register_section("operations", OperationsConfig)
