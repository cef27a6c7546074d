"""Pure reading of IMAP responses (no I/O): what an IDLE wait brought back, and the identity of a FETCH result.

imapclient's `idle_check()` gives the server's untagged responses as tuples, e.g. `(3, b'EXISTS')`,
`(1, b'RECENT')`, `(2, b'EXPUNGE')`, `(5, b'FETCH', (b'FLAGS', ()))`, `(b'OK', b'Still here')`, or
`(b'BYE', b'Server shutting down')`. Kept apart from the connection code so it is tested on its own.
"""
from __future__ import annotations

from typing import Any, Iterable, NamedTuple, Optional


class IdleNews(NamedTuple):
    exists: Optional[int]      # the folder's message count after the last EXISTS, if one came
    new_mail: bool             # EXISTS or RECENT: something arrived, poll now
    expunged: int              # messages removed meanwhile (by us moving mail away, or a person)
    bye: bool                  # the server is closing the connection: reconnect


def _word(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("ascii", "replace").upper()
    return str(value).upper()


def idle_news(responses: Iterable[Any]) -> IdleNews:
    exists: Optional[int] = None
    new_mail = bye = False
    expunged = 0
    for response in responses or ():
        if not isinstance(response, tuple) or not response:
            continue
        first = response[0]
        second = _word(response[1]) if len(response) > 1 else ""
        if isinstance(first, int):
            if second == "EXISTS":
                exists, new_mail = first, True
            elif second == "RECENT":
                new_mail = new_mail or first > 0
            elif second == "EXPUNGE":
                expunged += 1
        elif _word(first) == "BYE":
            bye = True
    return IdleNews(exists, new_mail, expunged, bye)


def supports_idle(capabilities: Iterable[Any]) -> bool:
    return any(_word(c) == "IDLE" for c in capabilities or ())


# --------------------------------------------------------------------- FETCH results
def _message_id(item: dict) -> Optional[str]:
    raw = item.get(b"BODY[HEADER.FIELDS (MESSAGE-ID)]") or b""
    if isinstance(raw, str):
        raw = raw.encode()
    text = raw.decode("ascii", "replace").strip()
    return text.split(":", 1)[1].strip() if ":" in text else None


def _identity(item: dict, name: bytes) -> bytes:
    value = item.get(name)
    return value.encode() if isinstance(value, str) else bytes(str(value), "ascii") if isinstance(value, int) \
        else (value or b"").strip()
