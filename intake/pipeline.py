"""The one pipeline: raw bytes of one message -> one mission record.

Pure: no database, no network, no files written. Every door (extract, ingest, IMAP, fax folder, batch)
calls `process_message`; routing against known dossiers (`rulestage.routing`) and storage happen at the edges.
"""
from __future__ import annotations

import logging

from classifiers import classify
from foundation.config import Config
from foundation.errors import ReadReason, UnreadableInput
from foundation.models import MissionRecord, Processed, SourceRef
from foundation.record import build_record, sha256_hex, unreadable_record
from parsers import parse_message
from rulestage import decide

log = logging.getLogger(__name__)


def process(raw: bytes, source: SourceRef, config: Config) -> Processed:
    digest = sha256_hex(raw)
    if len(raw) > config.limits.max_message_bytes:
        return Processed(unreadable_record(source, digest, ReadReason.message_too_large.detail(f"{len(raw)} bytes")))
    try:
        msg = parse_message(raw, filename=source.filename, limits=config.limits)
    except UnreadableInput as error:
        return Processed(unreadable_record(source, digest, str(error)))
    if msg.unreadable:
        return Processed(unreadable_record(source, digest, msg.unreadable, msg), msg)
    extraction = classify(msg, config)
    decision = decide(msg, extraction, config)
    return Processed(build_record(source, digest, msg, extraction, decision), msg)


def process_message(raw: bytes, source: SourceRef, config: Config) -> MissionRecord:
    """The record alone."""
    return process(raw, source, config).record


def warm_up(config: Config) -> None:
    """Load models once per process (before forking workers, so they share the pages)."""
    from classifiers import warm_up as warm_classifiers
    warm_classifiers(config)
