"""Webhook delivery: the worker that pushes the store's outbox (outputs/outbox.py) to the case-management
system's URLs.

At least once, nothing lost: an event is in the outbox as soon as its transaction commits; the worker
fans it out to every configured target (one `webhook_deliveries` row each), POSTs it, and marks it
delivered only on a 2xx answer. A failure (refused connection, timeout, non-2xx) is retried with
exponential back-off (`backoff_base_s`, doubling, capped at `backoff_cap_s`); after `max_attempts` the
delivery is `dead`, kept with its last error for a person (`intake webhooks retry` puts it back). While a
target fails, the rest of its due deliveries wait for the next round (one request per round to a
receiver that is down). A receiver can see an event twice (a 2xx lost on the way back): it de-duplicates
on the event's `id`, sent as `Idempotency-Key` and `X-Intake-Event-Id`.

Signature: `X-Intake-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`; the receiver
recomputes it over the raw body and refuses an old `t` (replay). Secrets come from the environment
variable each target names (`secret_env`), never from the YAML; a target without one is refused.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Optional
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from foundation.config import register_section
from foundation.errors import ConfigError
from intake.mailboxes import is_loopback
from intake.sources.imap import backoff_delay
from outputs.metrics import WEBHOOK_ATTEMPTS

log = logging.getLogger("intake.webhooks")

MIN_SECRET_CHARS = 16
SIGNATURE_HEADER = "X-Intake-Signature"
ACK_BATCH = 50


class WebhookTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    url: str
    secret_env: str = Field(min_length=1, pattern=r"^[A-Z_][A-Z0-9_]*$")
    kinds: list[str] = Field(default_factory=lambda: ["opened", "attached", "refused", "corrected"])

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http(s) URL")
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            raise ValueError("plain http is only allowed to this machine: use https")
        return value

    def secret(self) -> bytes:
        value = os.environ.get(self.secret_env, "")
        if len(value) < MIN_SECRET_CHARS:
            raise ConfigError(f"webhook target {self.name!r}: environment variable {self.secret_env} must hold "
                              f"a secret of at least {MIN_SECRET_CHARS} characters")
        return value.encode("utf-8")


class WebhookSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    targets: list[WebhookTarget] = Field(default_factory=list)
    every_s: float = Field(default=5.0, gt=0)
    timeout_s: float = Field(default=10.0, gt=0)
    backoff_base_s: float = Field(default=10.0, ge=0)
    backoff_cap_s: float = Field(default=3600.0, ge=0)
    max_attempts: int = Field(default=25, ge=1)
    batch: int = Field(default=100, ge=1)


register_section("webhooks", WebhookSettings)


def webhook_settings(config: Any) -> WebhookSettings:
    """The `webhooks:` section, validated strictly; every target's secret is checked at once."""
    raw = config.section("webhooks") if config is not None else None
    try:
        settings = WebhookSettings.model_validate(raw or {})
    except ValidationError as error:
        raise ConfigError(f"invalid webhooks configuration: {error}") from error
    names = [t.name for t in settings.targets]
    if len(set(names)) != len(names):
        raise ConfigError("webhook target names must be unique")
    for target in settings.targets:
        target.secret()
    return settings


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret, str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(secret: bytes, header: str, body: bytes, now: Optional[float] = None,
                     tolerance_s: float = 300.0) -> bool:
    """What a receiver does (kept here for receivers written in Python, and for the tests)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > tolerance_s:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), header)


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass
class RoundResult:
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    skipped: int = 0          # kind not wanted by the target: marked delivered without a request

    def as_dict(self) -> dict[str, int]:
        return {"delivered": self.delivered, "retried": self.retried, "dead": self.dead, "skipped": self.skipped}


class WebhookWorker:
    """One round = fan out new outbox events, then POST what is due. Stateless between rounds."""

    def __init__(self, store: Any, settings: WebhookSettings, client: Any = None):
        import httpx
        self.store = store
        self.settings = settings
        self.targets = {t.name: t for t in settings.targets}
        self.secrets = {t.name: t.secret() for t in settings.targets}
        self.client = client or httpx.Client(timeout=settings.timeout_s, follow_redirects=False,
                                             headers={"User-Agent": "intake-webhooks/1"})

    def close(self) -> None:
        self.client.close()

    def run_round(self, stop: Optional[threading.Event] = None) -> RoundResult:
        result = RoundResult()
        if not self.targets:
            return result
        self.store.fan_out(list(self.targets))
        down: set[str] = set()
        done: list[tuple[int, int]] = []          # acknowledged, written together (ACK_BATCH at a time)
        due = self.store.due_deliveries(datetime.now(timezone.utc), limit=self.settings.batch,
                                        targets=list(self.targets))
        try:
            for delivery in due:
                if stop is not None and stop.is_set():
                    break
                if delivery.target in down:
                    continue
                target = self.targets[delivery.target]
                if delivery.kind not in target.kinds:
                    done.append((delivery.id, 0))
                    result.skipped += 1
                elif not self._deliver(target, delivery, result, done):
                    down.add(delivery.target)
                if len(done) >= ACK_BATCH:
                    self.store.deliveries_done(done)
                    done.clear()
        finally:
            self.store.deliveries_done(done)
        if result.delivered or result.retried or result.dead:
            log.info("webhooks delivered", extra=result.as_dict())
        return result

    def _deliver(self, target: WebhookTarget, delivery: Any, result: RoundResult,
                 done: list[tuple[int, int]]) -> bool:
        import httpx
        body = body_of(delivery.payload)
        attempt = delivery.attempts + 1
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": delivery.event_key,
            "X-Intake-Event-Id": delivery.event_key,
            "X-Intake-Event": str(delivery.payload.get("type", delivery.kind)),
            "X-Intake-Delivery-Attempt": str(attempt),
            SIGNATURE_HEADER: signature(self.secrets[target.name], int(time.time()), body),
        }
        status: Optional[int] = None
        try:
            response = self.client.post(target.url, content=body, headers=headers)
            status = response.status_code
            if 200 <= status < 300:
                done.append((delivery.id, status))
                WEBHOOK_ATTEMPTS.labels(target=target.name, outcome="delivered").inc()
                result.delivered += 1
                return True
            error = f"HTTP {status}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        WEBHOOK_ATTEMPTS.labels(target=target.name, outcome="failed").inc()
        if attempt >= self.settings.max_attempts:
            self.store.delivery_failed(delivery.id, status, error, None)
            result.dead += 1
            log.error("webhook delivery given up", extra={"target": target.name, "event": delivery.event_key,
                                                          "attempts": attempt, "error": error})
        else:
            delay = backoff_delay(attempt, base=self.settings.backoff_base_s, cap=self.settings.backoff_cap_s)
            self.store.delivery_failed(delivery.id, status, error,
                                       datetime.now(timezone.utc) + timedelta(seconds=delay))
            result.retried += 1
            log.warning("webhook delivery failed; retried later", extra={
                "target": target.name, "event": delivery.event_key, "attempts": attempt, "error": error,
                "retry_in_s": delay})
        return False
