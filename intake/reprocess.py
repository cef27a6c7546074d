"""Reprocessing: archives through the same exactly-once ingest, and stored records decided again.

- `reprocess_paths`: mbox, Maildir, .zip, .tar(.gz), folders of .eml/PDF/TIFF. Every message is stored
  first (a message already stored is not stored twice), then those not read yet are read by the same
  pipeline; a message that fails gets its reason (raw `failed`) and the run goes on (`intake.ingest`).
- `redecide`: stored records decided again under a configuration, from the parse cached in the store
  (outputs.reprocess_room) - classification and rules only, no reading - or read again (`reread`, or when
  the cache has no parse for this reader version). Dry run: nothing is written. Otherwise each change is
  a new record version with its event; records a reviewer touched, opened dossiers and refusals are kept.
"""
from __future__ import annotations

import copy
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from classifiers import classify
from foundation.config import Config
from foundation.models import MissionRecord, ParsedMessage
from intake.executor import Task
from intake.pipeline import decide_parsed, process
from outputs.reprocess_room import Candidate

log = logging.getLogger(__name__)

# Top-level record values compared between versions (insured.* compared one by one); routing keys apart.
ROUTING_KEYS = ("decision", "queue", "reasons", "dossier_id")
SKIPPED_KEYS = {"source", "fields", "record_version", *ROUTING_KEYS}
THRESHOLDS = tuple(round(0.5 + 0.05 * i, 2) for i in range(11))  # 0.50 .. 1.00

Tick = Callable[[], None]


@dataclass
class Filters:
    since: Optional[datetime] = None
    channel: Optional[str] = None
    decision: Optional[str] = None
    reason: Optional[str] = None
    record_ids: Optional[list[int]] = None


@dataclass
class Change:
    """One stored record under the new configuration."""
    record_id: int
    uri: str
    channel_before: str
    channel_after: str
    decision_before: str
    decision_after: str
    fields: list[str] = field(default_factory=list)   # values that differ (insured.last_name, claim_number...)
    kept: Optional[str] = None                        # why it is not changed (reviewer, opened dossier, refusal)
    outcome: str = "unchanged"                        # unchanged | changed | applied | kept

    @property
    def changed(self) -> bool:
        return self.decision_before != self.decision_after or bool(self.fields)


@dataclass
class Redecision:
    changes: list[Change] = field(default_factory=list)
    cached: int = 0           # decided from the parse cache
    reread: int = 0           # read again (forced, or no cached parse for this reader version)
    failed: list[tuple[int, str]] = field(default_factory=list)   # (record id, reason)
    curve: dict[float, list[int]] = field(default_factory=dict)  # threshold -> [auto-opened, mission orders]
    config: Optional[str] = None
    dry_run: bool = True

    def per_channel(self) -> dict[str, Counter]:
        """channel (before) -> counts: records, decision (decisions changed), to_review (auto-open to review),
        to_auto (review to auto-open), fields (records whose values change), kept, applied."""
        out: dict[str, Counter] = defaultdict(Counter)
        for c in self.changes:
            row = out[c.channel_before]
            row["records"] += 1
            row["decision"] += c.decision_before != c.decision_after
            row["to_review"] += c.decision_before == "auto_open" and c.decision_after == "manual_review"
            row["to_auto"] += c.decision_before == "manual_review" and c.decision_after == "auto_open"
            row["fields"] += bool(c.fields)
            row["kept"] += c.outcome == "kept"
            row["applied"] += c.outcome == "applied"
        return dict(sorted(out.items()))


def value_changes(before: dict, after: dict) -> list[str]:
    """Names of the record values that differ, routing keys apart."""
    names = []
    for key in sorted(set(before) | set(after)):
        if key in SKIPPED_KEYS:
            continue
        old, new = before.get(key), after.get(key)
        if isinstance(old, dict) or isinstance(new, dict):
            old, new = old or {}, new or {}
            names += [f"{key}.{k}" for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
        elif old != new:
            names.append(key)
    if before.get("queue") != after.get("queue"):
        names.append("queue")
    if sorted(before.get("reasons") or []) != sorted(after.get("reasons") or []):
        names.append("reasons")
    return names


def threshold_configs(config: Config, thresholds: Iterable[float] = THRESHOLDS) -> dict[float, Config]:
    """The configuration with each trust threshold (rules.trust_threshold) in turn."""
    out = {}
    for t in thresholds:
        data = copy.deepcopy(config.model_dump())  # a fresh dict each time: Config keeps extra sections by reference
        data.setdefault("rules", {})["trust_threshold"] = t
        variant = Config.model_validate(data)
        variant.source_path = config.source_path
        out[t] = variant
    return out


class NotCached(Exception):
    """No parse of this message in the cache, and reading is not allowed here (the portal)."""


def _parsed(store, candidate: Candidate, config: Config, reread: bool, executor, dry_run: bool,
            result: Redecision, read_missing: bool = True) -> tuple[Optional[ParsedMessage], Optional[MissionRecord]]:
    """The cached parse, else a new reading (cached unless dry run); or the unreadable record."""
    msg = None if reread else store.cached_parse(candidate.sha256)
    if msg is not None:
        result.cached += 1
        return msg, None
    if not reread and "unreadable_input" in (candidate.machine_json.get("reasons") or []):
        # bytes that could not be read at all left no parse: the same bytes give the same record, whatever
        # the configuration (until a new reader: --reread)
        result.cached += 1
        return None, MissionRecord.model_validate(candidate.machine_json)
    if not read_missing:
        raise NotCached("not in the parse cache (stored before it, or another reader version): "
                        "run `intake reprocess --from-store --record ID` once")
    result.reread += 1
    raw, source = store.load_raw(candidate.raw_id)
    if executor is not None:
        done = next(iter(executor.map([Task(raw=raw, source=source)])))
    else:
        done = process(raw, source, config)
    if done.message is None:
        return None, done.record
    if not dry_run:
        store.cache_parse(candidate.sha256, done.message)
    return done.message, None


def redecide(store, config: Config, filters: Filters = Filters(), *, dry_run: bool = True, reread: bool = False,
             executor=None, actor: str = "reprocess", tick: Optional[Tick] = None,
             curve: bool = True, read_missing: bool = True) -> Redecision:
    """Decide the selected stored records again under `config`; apply the changes unless `dry_run`.
    `read_missing=False`: a record without a cached parse fails instead of being read here (the portal
    process must not parse hostile files outside the sandboxed readers)."""
    result = Redecision(config=config.source_path, dry_run=dry_run)
    variants = threshold_configs(config) if curve else {}
    result.curve = {t: [0, 0] for t in variants}
    for candidate in list(store.reprocess_candidates(**vars(filters))):
        try:
            change = _one(store, candidate, config, variants, result, dry_run, reread, executor, actor, read_missing)
        except Exception as error:  # noqa: BLE001 - one record's failure is reported, the run goes on
            log.warning("reprocessing record %s failed: %s", candidate.record_id, error)
            result.failed.append((candidate.record_id, f"{type(error).__name__}: {error}"))
        else:
            result.changes.append(change)
        if tick:
            tick()
    return result


def _one(store, candidate: Candidate, config: Config, variants: dict[float, Config], result: Redecision,
         dry_run: bool, reread: bool, executor, actor: str, read_missing: bool) -> Change:
    msg, record = _parsed(store, candidate, config, reread, executor, dry_run, result, read_missing)
    if msg is not None:
        extraction = None if msg.unreadable else classify(msg, config)
        record = decide_parsed(msg, candidate.source, candidate.sha256, config, extraction)
        for t, variant in variants.items():
            if record.document_type == "mission_order":
                again = decide_parsed(msg, candidate.source, candidate.sha256, variant, extraction)
                result.curve[t][0] += again.decision == "auto_open"
                result.curve[t][1] += 1
    routed = store.replay_route(candidate.record_id, record)
    after = routed.to_json_dict()
    before = candidate.machine_json
    change = Change(candidate.record_id, candidate.source.uri, before.get("channel", "unknown"), routed.channel,
                    before.get("decision", "?"), routed.decision, value_changes(before, after))
    if not change.changed:
        return change
    change.kept = candidate.kept
    if change.kept:
        change.outcome = "kept"
    elif dry_run:
        change.outcome = "changed"
    else:
        change.outcome = store.apply_version(candidate.record_id, routed, actor, config.source_path, change.fields)
        if change.outcome == "kept":
            change.kept = "changed by a reviewer meanwhile"
    return change


def portal_reprocessor(store, *, dry_run: bool, actor: str, config=None, **filters) -> Redecision:
    """What the portal's admin action runs (reviewdesk.reprocess_hook): the portal's configuration (the one
    `intake serve/run --config` loaded; INTAKE_CONFIG's without one), cached parses only, no threshold curve."""
    from foundation.config import load_config
    from intake.settings import get_settings

    return redecide(store, config if config is not None else load_config(get_settings().config), Filters(**filters),
                    dry_run=dry_run, actor=actor, curve=False, read_missing=False)


def message_sources(paths: Iterable[str]) -> Iterator[Task]:
    """Tasks from files, folders, mbox, archives and Maildir folders (a Maildir is read as one mailbox)."""
    from intake.sources.archives import is_maildir, read_archive
    from intake.sources.files import read_tasks

    for name in paths:
        path = Path(name)
        if is_maildir(path):
            for raw, source in read_archive(path):
                yield Task(raw=raw, source=source)
        else:
            yield from read_tasks([name])
