"""The time budget of the message being parsed, shared by the readers without threading it through calls.

The executor kills a worker past limits.document_timeout_s and the message is lost as unreadable; we would
rather stop OCR a little earlier and keep the text read so far. `parse_message` opens the budget; readers
ask `expired()` before starting an expensive step and `ocr_timeout()` for a Tesseract call.
"""
from __future__ import annotations

import contextlib
import contextvars
import time
from typing import Iterator, Optional

SHARE = 0.75      # OCR stops once this share of document_timeout_s is spent
_deadline: contextvars.ContextVar[Optional[float]] = contextvars.ContextVar("intake_parse_deadline", default=None)


@contextlib.contextmanager
def opened(seconds: float) -> Iterator[None]:
    token = _deadline.set(time.monotonic() + seconds * SHARE)
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> Optional[float]:
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


def expired() -> bool:
    left = remaining()
    return left is not None and left <= 0


def ocr_timeout(configured: float) -> float:
    """A Tesseract call's timeout: the configured one, shortened to what is left of the budget (min 1 s)."""
    left = remaining()
    return configured if left is None else max(1.0, min(configured, left))
