"""Prometheus metrics (prometheus-client): what the store holds, read at scrape time, plus the counters of
this process (poll errors, webhook attempts), incremented by the scheduler.

Read from the database at each scrape (so every process serving /metrics tells the same story, and a
restart loses nothing): records per decision and channel, the review queue's size and oldest age per
channel, raw messages per status, webhook deliveries per status and the oldest pending one, each polled
source's age since its last successful poll and whether its last poll failed.
"""
from __future__ import annotations

from typing import Any, Iterator

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import func, select

from outputs.integration_tables import WebhookDelivery
from outputs.tables import MailboxState, RawMessage, RecordRow, now_utc, utc

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

PROCESS = CollectorRegistry(auto_describe=True)
POLL_ERRORS = Counter("intake_poll_errors", "Failed polls of a mailbox or fax folder (this process)",
                      ["source"], registry=PROCESS)
WEBHOOK_ATTEMPTS = Counter("intake_webhook_attempts", "Webhook delivery attempts by outcome (this process)",
                           ["target", "outcome"], registry=PROCESS)


class StoreCollector:
    def __init__(self, store: Any):
        self.store = store

    def collect(self) -> Iterator[Any]:
        now = now_utc()
        with self.store.session(read=True) as s:
            records = CounterMetricFamily("intake_records", "Records stored, by routing decision and channel",
                                          labels=["decision", "channel"])
            for decision, channel, n in s.execute(select(RecordRow.decision, RecordRow.channel, func.count())
                                                  .group_by(RecordRow.decision, RecordRow.channel)).all():
                records.add_metric([decision, channel], n)
            yield records
            size = GaugeMetricFamily("intake_review_queue_size", "Records waiting for a reviewer", labels=["channel"])
            age = GaugeMetricFamily("intake_review_queue_oldest_seconds", "Age of the oldest record waiting",
                                    labels=["channel"])
            for channel, n, oldest in s.execute(
                    select(RecordRow.channel, func.count(), func.min(RecordRow.created_at))
                    .where(RecordRow.review_status == "pending").group_by(RecordRow.channel)).all():
                size.add_metric([channel], n)
                age.add_metric([channel], max(0.0, (now - utc(oldest)).total_seconds()))
            yield size
            yield age
            raws = GaugeMetricFamily("intake_raw_messages", "Raw messages by reading status", labels=["status"])
            for status, n in s.execute(select(RawMessage.status, func.count()).group_by(RawMessage.status)).all():
                raws.add_metric([status], n)
            yield raws
            hooks = GaugeMetricFamily("intake_webhook_deliveries", "Webhook deliveries by status (pending = backlog)",
                                      labels=["target", "status"])
            for target, status, n in s.execute(select(WebhookDelivery.target, WebhookDelivery.status, func.count())
                                               .group_by(WebhookDelivery.target, WebhookDelivery.status)).all():
                hooks.add_metric([target, status], n)
            yield hooks
            oldest = s.scalar(select(func.min(WebhookDelivery.created_at)).where(WebhookDelivery.status == "pending"))
            yield GaugeMetricFamily("intake_webhook_oldest_pending_seconds", "Age of the oldest undelivered webhook",
                                    value=max(0.0, (now - utc(oldest)).total_seconds()) if oldest else 0.0)
            since = GaugeMetricFamily("intake_source_last_success_seconds",
                                      "Seconds since the last successful poll of a source", labels=["source"])
            failing = GaugeMetricFamily("intake_source_failing", "1 when the last poll of a source failed",
                                        labels=["source"])
            for row in s.scalars(select(MailboxState)).all():
                last = utc(row.last_success_at) or utc(row.last_poll_at)
                if last is not None:
                    since.add_metric([row.key], max(0.0, (now - last).total_seconds()))
                failing.add_metric([row.key], 1.0 if row.last_error else 0.0)
            yield since
            yield failing


def render(store: Any) -> bytes:
    """The text exposition: the store's view, then this process's counters."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(store))
    return generate_latest(registry) + generate_latest(PROCESS)
