"""Mail moved that was never stored: find it in the `move_to` folder and store it.

How it happens: a folder is deleted and recreated while a poller's session has it selected. Dovecot keeps
that session's old UIDs pointing at the *new* messages and lets it MOVE them, without a word, until it
notices and says BYE. The poller checks size and Message-ID just before each MOVE (imap.py), which closes
most of that window but not all of it. After a UIDVALIDITY change is seen, so after any such event, the
destination folder is swept: every message there whose Message-ID (or, without one, whose bytes) the
store does not know is fetched and stored from there. It costs one small FETCH of the folder's headers,
only when a UIDVALIDITY changed.
"""
from __future__ import annotations

import logging
from typing import Any

from foundation.record import sha256_hex

log = logging.getLogger(__name__)

HEADER = "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"
HEADER_KEY = b"BODY[HEADER.FIELDS (MESSAGE-ID)]"


def take_strays(poller: Any, client: Any, result: Any) -> int:
    """Store what sits in `move_to` unstored; returns how many were stored. Leaves `move_to` selected."""
    from parsers.headers import peek

    box, store = poller.box, poller.store
    folder = box.move_to
    info = client.select_folder(folder)
    uidvalidity = int(info[b"UIDVALIDITY"])
    uids = client.search(["ALL"])
    if not uids:
        return 0
    heads = client.fetch(uids, [HEADER])
    suspects = []
    for uid in sorted(heads):
        message_id = peek((heads[uid].get(HEADER_KEY) or b"") + b"\r\n")[0]
        if not message_id or not store.has_message_id(message_id):
            suspects.append(uid)
    taken = 0
    for uid in suspects:
        item = client.fetch([uid], ["BODY.PEEK[]", "INTERNALDATE"]).get(uid) or {}
        raw = item.get(b"BODY[]")
        if raw is None or store.has_raw(sha256_hex(raw)):
            continue
        key = box.state_key(folder)
        uri = box.message_uri(folder, uidvalidity, uid)
        if poller._store(raw, key, uri, item.get(b"INTERNALDATE"), True, result):
            taken += 1
    if taken:
        log.warning("moved but not stored (folder changed under a session): stored from the destination",
                    extra={"mailbox": result.key, "folder": folder, "stored": taken})
    return taken
