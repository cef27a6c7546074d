"""Structured logs: one line per event, key=value (or JSON with INTAKE_LOG_JSON=1). Secrets never logged."""
from __future__ import annotations

import json
import logging
import sys

_RESERVED = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class KeyValueFormatter(logging.Formatter):
    def __init__(self, as_json: bool = False):
        super().__init__()
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        extra = {k: v for k, v in record.__dict__.items() if k not in _RESERVED}
        if self.as_json:
            payload = {"ts": self.formatTime(record), "level": record.levelname, "logger": record.name,
                       "msg": record.getMessage(), **extra}
            if record.exc_info:
                payload["exc"] = self.formatException(record.exc_info)
            return json.dumps(payload, ensure_ascii=False, default=str)
        tail = " ".join(f"{k}={v}" for k, v in extra.items())
        line = f"{self.formatTime(record)} {record.levelname} {record.name}: {record.getMessage()}"
        if tail:
            line += " " + tail
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


# Libraries that log at DEBUG/INFO what only their developers need (Pillow dumps every TIFF tag at DEBUG):
# kept at WARNING unless -vv asks for them.
QUIET_LOGGERS = ("PIL", "pdfminer", "pypdf", "fontTools", "urllib3", "httpx", "httpcore", "asyncio", "multipart",
                 "python_multipart", "passlib", "kombu", "amqp", "chardet", "charset_normalizer",
                 "extract_msg", "olefile", "matplotlib", "spacy", "filelock", "watchfiles", "sqlalchemy")


def setup_logging(verbose: int | bool = False) -> None:
    from intake.settings import get_settings
    settings = get_settings()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(KeyValueFormatter(as_json=settings.log_json))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else getattr(logging, settings.log_level.upper(), logging.INFO))
    if int(verbose) < 2:
        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
    if not verbose:  # migrations say what they do at INFO on every start: only worth reading when asked
        logging.getLogger("alembic").setLevel(logging.WARNING)
