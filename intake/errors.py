"""Failures as exceptions that carry an exit code (after OCRmyPDF's exceptions.py)."""
from __future__ import annotations


class ExitCode:
    ok = 0
    usage = 2
    input_file = 3
    config = 4
    database = 5
    mailbox = 6
    other = 15


class IntakeError(Exception):
    """Base error: the message is shown to the user, the exit code ends the command."""
    exit_code = ExitCode.other


class UsageError(IntakeError):
    exit_code = ExitCode.usage


class ConfigError(IntakeError):
    exit_code = ExitCode.config


class InputFileError(IntakeError):
    exit_code = ExitCode.input_file


class DatabaseError(IntakeError):
    exit_code = ExitCode.database


class MailboxError(IntakeError):
    exit_code = ExitCode.mailbox


class UnreadableInput(IntakeError):
    """Raised by a parser when a message or document cannot be read at all; `reason` is short and stable."""
    exit_code = ExitCode.input_file

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
