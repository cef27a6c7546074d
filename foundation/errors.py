"""Failures as exceptions that carry an exit code (after OCRmyPDF's exceptions.py), and the stable codes of
why a message or document could not be read.

An `IntakeError`'s message is shown to the user as is and should say what to do; its `exit_code` ends the
command. `ReadReason` values are short, stable and machine-readable: they go into `Document.error`,
`ParsedMessage.unreadable` and the record's `fields.input.evidence`, where a detail may follow a colon
("read_failed: KeyError"). Compare them with `ReadReason.of(text)`, never by substring.
"""
from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Optional


class ExitCode(IntEnum):
    ok = 0
    usage = 2
    input_file = 3
    config = 4
    database = 5
    mailbox = 6
    other = 15


class ReadReason(StrEnum):
    """Why a message, a document or a page was not (fully) read."""
    empty_input = "empty_input"
    too_large = "too_large"
    message_too_large = "message_too_large"
    too_deeply_nested = "too_deeply_nested"
    parse_failed = "parse_failed"
    not_a_message = "not_a_message"
    corrupt_file = "corrupt_file"
    unsupported_format = "unsupported_format"
    unsupported_type = "unsupported_type"
    empty_attachment = "empty_attachment"
    read_failed = "read_failed"
    encrypted_pdf = "encrypted_pdf"
    corrupt_pdf = "corrupt_pdf"
    forms_unreadable = "forms_unreadable"
    pages_not_read = "pages_not_read"          # past max_pdf_pages / max_ocr_pages
    image_too_large = "image_too_large"
    truncated_image = "truncated_image"
    corrupt_image = "corrupt_image"
    frame_count_failed = "frame_count_failed"
    corrupt_tnef = "corrupt_tnef"
    empty_tnef = "empty_tnef"
    ocr_failed = "ocr_failed"
    ocr_missing = "ocr_missing"
    timeout = "timeout"
    budget_spent = "budget_spent"              # the message's time budget ran out before this page
    worker_died = "worker_died"
    memory_limit = "memory_limit"
    encrypted_file = "encrypted_file"          # a password-protected Office file or archive member
    archive_refused = "archive_refused"        # past an archive bound (size, member count, depth, ratio)
    converter_missing = "converter_missing"    # LibreOffice (soffice) is not installed
    convert_failed = "convert_failed"          # LibreOffice could not convert the file
    # not failures: what was done to a page so it could be read (kept in Document.notes for the reviewer)
    page_rotated = "page_rotated"              # turned upright before OCR ("page_rotated: page 1, 180° (osd)")
    photo_corrected = "photo_corrected"        # a photo of paper: lighting evened, perspective straightened

    def detail(self, text: object = "") -> str:
        """`code: detail` as stored in the record ("read_failed: KeyError")."""
        text = str(text).strip()
        return f"{self.value}: {text}" if text else self.value

    @classmethod
    def of(cls, text: Optional[str]) -> Optional["ReadReason"]:
        """The code at the start of a stored reason, or None when it is not one of ours."""
        if not text:
            return None
        head = str(text).split(":", 1)[0].strip()
        try:
            return cls(head)
        except ValueError:
            return None


class IntakeError(Exception):
    """Base error: the message is shown to the user, the exit code ends the command."""
    exit_code: ExitCode = ExitCode.other


class UsageError(IntakeError):
    exit_code = ExitCode.usage


class ConfigError(IntakeError):
    exit_code = ExitCode.config


class DatabaseError(IntakeError):
    exit_code = ExitCode.database


class MailboxError(IntakeError):
    exit_code = ExitCode.mailbox


class UnreadableInput(IntakeError):
    """Raised by a parser when a message or document cannot be read at all."""
    exit_code = ExitCode.input_file

    def __init__(self, reason: ReadReason | str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else str(reason))
        self.reason = str(reason)
        self.detail = detail
