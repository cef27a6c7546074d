"""What every request and response passes through: the security headers (errors and 500s included), a bound
on request bodies enforced before anything parses them, ids checked before they reach the database, and an
access log whose lines never carry a one-time token."""
from __future__ import annotations

import logging
import re

from fastapi import HTTPException
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; object-src 'none'; img-src 'self' data:; style-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
MAX_DB_ID = 2 ** 63 - 1
TOKEN_PATH = re.compile(r"(/(?:activate|password/reset)/)[^/?\s\"]+")


def found_id(value: int) -> int:
    """An id the database can hold; anything else is a page that does not exist (not a 500)."""
    if not 0 < value <= MAX_DB_ID:
        raise HTTPException(404, "Page introuvable.")
    return value


def redact(text: str) -> str:
    return TOKEN_PATH.sub(r"\1[jeton]", text)


class RedactTokens(logging.Filter):
    """On uvicorn's access logger: the request line keeps its path, not the token in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_log_redaction() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactTokens) for f in logger.filters):
        logger.addFilter(RedactTokens())


def add_security_headers(path: str, headers) -> None:
    for name, value in SECURITY_HEADERS.items():
        if name == "Cache-Control" and path.startswith("/static/"):
            continue
        if name not in headers:
            headers[name] = value


class SecurityHeaders:
    """Pure ASGI, outermost: also the server's own 500 answer gets the headers."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                from starlette.datastructures import MutableHeaders
                add_security_headers(path, MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyTooLarge(Exception):
    pass


class LimitBody:
    """Refuse a body longer than `limit` bytes: at once on its Content-Length, else while it streams in,
    before a form parser writes any of it to disk."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers") or []:
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    await self._refuse(scope, receive, send)
                    return
        seen = 0
        overflow = False
        started = False

        async def counted() -> Message:
            nonlocal seen, overflow
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    overflow = True
                    raise BodyTooLarge()
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            if overflow:
                return                      # the inner error page for our own exception is not sent
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except BodyTooLarge:
            pass
        if overflow and not started:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = PlainTextResponse("Requête trop volumineuse.", status_code=413, headers={"Connection": "close"})
        await response(scope, receive, send)
