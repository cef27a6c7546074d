"""A tiny deterministic MIME writer: fixed boundaries, chosen charsets and transfer encodings.

The standard library picks random boundaries; the corpus must be byte-identical on every run, and must show
the encodings real mail uses (8bit, quoted-printable, base64; utf-8, iso-8859-1, windows-1252)."""
from __future__ import annotations

import base64
import quopri
from email.header import Header
from email.utils import format_datetime
from typing import Optional


def header(value: str, charset: str = "utf-8") -> str:
    """An RFC 2047 encoded header value when it is not plain ASCII."""
    try:
        value.encode("ascii")
        return value
    except UnicodeEncodeError:
        return Header(value, charset).encode()


def address(name: Optional[str], addr: str, charset: str = "utf-8") -> str:
    if not name:
        return addr
    try:
        name.encode("ascii")
        return f'"{name}" <{addr}>'
    except UnicodeEncodeError:
        return f"{Header(name, charset).encode()} <{addr}>"


def _b64(data: bytes) -> str:
    return base64.encodebytes(data).decode("ascii")


class Part:
    """A leaf or multipart MIME entity, serialised with CRLF line ends."""

    def __init__(self, headers: list[tuple[str, str]], body: str = "", parts: Optional[list["Part"]] = None,
                 boundary: Optional[str] = None):
        self.headers = headers
        self.body = body
        self.parts = parts or []
        self.boundary = boundary

    def render(self) -> str:
        lines = [f"{k}: {v}" for k, v in self.headers]
        out = "\r\n".join(lines) + "\r\n\r\n"
        if self.parts:
            out += "This is a multi-part message in MIME format.\r\n"
            for part in self.parts:
                out += f"\r\n--{self.boundary}\r\n" + part.render()
            out += f"\r\n--{self.boundary}--\r\n"
        else:
            out += self.body.replace("\r\n", "\n").replace("\n", "\r\n")
        return out


def text_part(text: str, subtype: str = "plain", charset: str = "utf-8", cte: str = "quoted-printable") -> Part:
    raw = text.replace("\n", "\r\n").encode(charset, errors="replace")
    if cte == "base64":
        body = _b64(raw)
    elif cte == "quoted-printable":
        body = quopri.encodestring(raw).decode("ascii")
    else:  # 8bit: the bytes as they are (decoded with latin-1 to keep one byte per char in the str)
        body = raw.decode("latin-1")
    return Part([("Content-Type", f'text/{subtype}; charset="{charset}"'), ("Content-Transfer-Encoding", cte)], body)


def binary_part(data: bytes, content_type: str, filename: Optional[str], inline: bool = False,
                name_param: bool = True) -> Part:
    headers = []
    if filename is not None and name_param:
        headers.append(("Content-Type", f'{content_type}; name="{header(filename)}"'))
    else:
        headers.append(("Content-Type", content_type))
    headers.append(("Content-Transfer-Encoding", "base64"))
    if filename is not None:
        headers.append(("Content-Disposition", f'{"inline" if inline else "attachment"}; filename="{header(filename)}"'))
    return Part(headers, _b64(data))


def rfc822_part(message: bytes, filename: Optional[str] = None) -> Part:
    headers = [("Content-Type", "message/rfc822")]
    if filename:
        headers.append(("Content-Disposition", f'attachment; filename="{filename}"'))
    return Part(headers, message.decode("latin-1"))


def multipart(subtype: str, boundary: str, parts: list[Part]) -> Part:
    return Part([("Content-Type", f'multipart/{subtype}; boundary="{boundary}"')], parts=parts, boundary=boundary)


def message(top: Part, *, sender: str, to: str, subject: str, date, message_id: str,
            extra: Optional[list[tuple[str, str]]] = None, charset: str = "utf-8") -> bytes:
    """A whole message: the top part's headers follow the envelope headers."""
    envelope = [("From", sender), ("To", to), ("Subject", header(subject, charset)),
                ("Date", format_datetime(date)), ("Message-ID", message_id), ("MIME-Version", "1.0")]
    envelope += extra or []
    top = Part(envelope + top.headers, top.body, top.parts, top.boundary)
    return top.render().encode("latin-1")
