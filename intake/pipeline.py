"""The one pipeline: raw bytes of one message -> one mission record, in two steps.

Pure: no database, no network, no files written. Every door (extract, ingest, IMAP, fax folder, batch)
calls `process_message` (or `process`, which also returns the parsed message); routing against known
dossiers (`rulestage.routing`) and storage happen at the edges.

The two steps are exposed separately so a stored message can be decided again without reading it again:
- `parse(raw, source, config)` -> `Parsed`: the parsed message (text, word boxes, OCR), or the record of a
  message that cannot be read;
- `decide_parsed(msg, source, digest, config)` -> the record: classification and rules only (milliseconds).
`process` is `parse` then `decide_parsed`; `intake reprocess --from-store` calls `decide_parsed` on the parse
cached in the store (outputs.cache).
"""
from __future__ import annotations

import logging
from typing import NamedTuple, Optional

from classifiers import classify
from foundation.config import Config
from foundation.errors import ReadReason, UnreadableInput
from foundation.models import Extraction, MissionRecord, ParsedMessage, Processed, SourceRef
from foundation.record import build_record, sha256_hex, unreadable_record
from parsers import parse_message
from rulestage import decide

log = logging.getLogger(__name__)


class Parsed(NamedTuple):
    """The parse step's result: `message` when there is one; `unreadable` set when nothing can be decided."""
    digest: str
    message: Optional[ParsedMessage] = None
    unreadable: Optional[MissionRecord] = None


def parse(raw: bytes, source: SourceRef, config: Config) -> Parsed:
    """Read the bytes (MIME, PDF, OCR): the costly step."""
    digest = sha256_hex(raw)
    if len(raw) > config.limits.max_message_bytes:
        return Parsed(digest, None, unreadable_record(source, digest,
                                                      ReadReason.message_too_large.detail(f"{len(raw)} bytes")))
    try:
        msg = parse_message(raw, filename=source.filename, limits=config.limits)
    except UnreadableInput as error:
        return Parsed(digest, None, unreadable_record(source, digest, str(error)))
    return Parsed(digest, msg)


def decide_parsed(msg: ParsedMessage, source: SourceRef, digest: str, config: Config,
                  extraction: Optional[Extraction] = None) -> MissionRecord:
    """Classification and rules on a parsed message: the record (before routing against dossiers).
    `extraction`: this message's classification under `config`, when the caller already has it (the shadow
    report decides one classification under several thresholds)."""
    if msg.unreadable:
        return unreadable_record(source, digest, msg.unreadable, msg)
    extraction = extraction if extraction is not None else classify(msg, config)
    decision = decide(msg, extraction, config)
    return build_record(source, digest, msg, extraction, decision)


def process(raw: bytes, source: SourceRef, config: Config) -> Processed:
    parsed = parse(raw, source, config)
    if parsed.message is None:
        return Processed(parsed.unreadable)
    return Processed(decide_parsed(parsed.message, source, parsed.digest, config), parsed.message)


def process_message(raw: bytes, source: SourceRef, config: Config) -> MissionRecord:
    """The record alone."""
    return process(raw, source, config).record


def warm_up(config: Config) -> None:
    """Load models once per process (before forking workers, so they share the pages)."""
    from classifiers import warm_up as warm_classifiers
    warm_classifiers(config)
