"""The portal's reprocessing engine, provided by the doors above it (the portal may not import `intake`).

`intake` installs `intake.reprocess.portal_reprocessor` when its command line starts (intake/cmd_reprocess.py);
a test or another host may set `app.state.reprocessor` instead. The engine is called as
`engine(store, dry_run=..., actor=..., config=..., record_ids=..., channel=..., decision=..., reason=...)`
(`config`: the portal's business configuration, app.state.config) and returns
an object with `changes` (each: record_id, uri, channel_before, channel_after, decision_before,
decision_after, fields, outcome, kept, changed), `failed` ([(record id, reason)]) and `per_channel()`
(channel -> counts: records, decision, to_review, to_auto, fields, kept, applied).
"""
from __future__ import annotations

from typing import Any, Callable, Optional

Reprocessor = Callable[..., Any]
_installed: Optional[Reprocessor] = None


def install(engine: Reprocessor) -> None:
    global _installed
    _installed = engine


def engine_for(app) -> Optional[Reprocessor]:
    return getattr(app.state, "reprocessor", None) or _installed
