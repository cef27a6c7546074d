"""Where mail and faxes come from: mailboxes, folders, fax drop folders, polling intervals.

Read from the environment (INTAKE_MAILBOXES as a JSON list, INTAKE_FAX_DIRS as a JSON list or a
`:`-separated list of paths) or from the `mailboxes:` / `fax_dirs:` sections of the business YAML
(`--config FILE`). Both are merged: YAML entries first, then the environment's. Secrets are `SecretStr`
so they never show up in a log line, a repr or an error message.
"""
from __future__ import annotations

import ipaddress
import json
import os
from typing import Any, Literal, Optional
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from foundation.errors import ConfigError
from intake.oauth import OAuthConfig

Security = Literal["tls", "starttls", "plain"]


def is_loopback(host: str) -> bool:
    """Plain IMAP (no TLS) is only allowed to this machine: a password must never cross a network in clear."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


GRAPH_SCOPES = ["https://graph.microsoft.com/.default"]


class MailboxConfig(BaseModel):
    """One IMAP account, or one Microsoft 365 mailbox read through Microsoft Graph (`kind: graph`:
    intake/sources/graph.py), and the folders to take mission orders from."""
    model_config = ConfigDict(extra="forbid")

    kind: Literal["imap", "graph"] = "imap"
    name: Optional[str] = None               # a label for logs and `intake status`; default user@host
    host: str = ""                           # IMAP: required; Graph: the host of graph_url
    graph_url: str = "https://graph.microsoft.com/v1.0"   # Graph: the service root (national clouds, tests)
    port: Optional[int] = None               # default 993 for tls, 143 for starttls/plain
    security: Security = "tls"
    user: str
    password: Optional[SecretStr] = None
    password_env: Optional[str] = None       # or: the name of an environment variable holding the password
    oauth2_token: Optional[SecretStr] = None  # XOAUTH2 access token (used instead of the password)
    oauth2: Optional[OAuthConfig] = None     # or: tokens obtained and refreshed here (intake/oauth.py)
    folders: list[str] = Field(default_factory=lambda: ["INBOX"])
    move_to: Optional[str] = "Processed"     # folder to move taken mail to; None = leave it in place
    flag: Optional[str] = None               # flag or keyword set on taken mail (e.g. "$Intake", "\\Flagged")
    batch_size: int = Field(50, ge=1, le=1000)
    batch_bytes: int = Field(64_000_000, ge=1_000_000)  # stop a fetch batch past this many bytes
    interval_s: float = Field(60.0, gt=0)
    idle: bool = True                        # IMAP IDLE where the server offers it (intake/sources/imap_idle.py)
    timeout_s: float = Field(60.0, gt=0)
    ca_file: Optional[str] = None            # trust this CA / self-signed certificate
    verify: bool = True                      # certificate and host name checks (keep them on)

    @field_validator("folders")
    @classmethod
    def _folders(cls, value: list[str]) -> list[str]:
        if not value or any(not f.strip() for f in value):
            raise ValueError("folders must be a non-empty list of folder names")
        return value

    @model_validator(mode="after")
    def _check(self) -> "MailboxConfig":
        if self.kind == "graph":
            return self._graph()
        if not self.host:
            raise ValueError("an IMAP mailbox needs its host")
        if self.security == "plain" and not is_loopback(self.host):
            raise ValueError(f"security 'plain' is only allowed on a loopback host, not {self.host!r}: "
                             "use 'tls' or 'starttls'")
        if self.password is None and self.password_env:
            value = os.environ.get(self.password_env)
            if value is None:
                raise ValueError(f"password_env {self.password_env} is not set")
            self.password = SecretStr(value)
        if self.password is None and self.oauth2_token is None and self.oauth2 is None:
            raise ValueError("a mailbox needs a password (or password_env), an oauth2_token or an oauth2 block")
        if self.move_to is not None and self.move_to in self.folders:
            raise ValueError("move_to must not be one of the polled folders")
        return self

    def _graph(self) -> "MailboxConfig":
        from urllib.parse import urlsplit
        parts = urlsplit(self.graph_url)
        if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(parts.hostname or "")):
            raise ValueError("graph_url must be https (plain http only on a loopback host)")
        if self.oauth2 is None or self.oauth2.provider != "microsoft" or self.oauth2.flow != "client_credentials":
            raise ValueError("a graph mailbox needs an oauth2 block with provider microsoft and flow "
                             "client_credentials (an app with Mail.ReadWrite)")
        if self.password is not None or self.password_env or self.oauth2_token is not None:
            raise ValueError("a graph mailbox logs in with its oauth2 block only (no password, no oauth2_token)")
        if self.move_to is None:
            raise ValueError("a graph mailbox needs move_to: the folder taken mail goes to")
        if self.oauth2.scopes is None:
            self.oauth2.scopes = list(GRAPH_SCOPES)
        self.host = self.host or parts.hostname or "graph.microsoft.com"
        self.idle = False                    # no IDLE: polled at interval_s
        return self

    @property
    def effective_port(self) -> int:
        return self.port or (993 if self.security == "tls" else 143)

    @property
    def label(self) -> str:
        return self.name or f"{self.user}@{self.host}"

    def authority(self) -> str:
        """`user@host[:port]` as in an IMAP URL (RFC 5092): the port only when it is not the default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 993 if self.security == "tls" else 143
        port = "" if self.effective_port == default else f":{self.effective_port}"
        return f"{quote(self.user, safe='')}@{host}{port}"

    def state_key(self, folder: str) -> str:
        """The `mailbox_state` key of one folder of this account."""
        if self.kind == "graph":
            return f"graph://{quote(self.user, safe='@')}/{quote(folder, safe='')}"
        return f"imap://{self.authority()}/{quote(folder, safe='/')}"

    def message_uri(self, folder: str, uidvalidity: int, uid: int) -> str:
        """The contract's source URI: imap://user@host/MAILBOX;UIDVALIDITY=v/;UID=n"""
        return f"{self.state_key(folder)};UIDVALIDITY={uidvalidity}/;UID={uid}"

    def __repr__(self) -> str:  # SecretStr already masks; keep the repr short for logs
        return f"MailboxConfig({self.label!r}, folders={self.folders!r})"


class FaxDirConfig(BaseModel):
    """A folder a fax server drops TIFF/PDF files into."""
    model_config = ConfigDict(extra="forbid")

    path: str
    processed_dir: Optional[str] = None      # default <path>/processed
    settle_s: float = Field(2.0, ge=0)       # a file must be unchanged (size, mtime) for this long
    interval_s: float = Field(30.0, gt=0)

    @property
    def processed(self) -> str:
        return self.processed_dir or os.path.join(self.path, "processed")


class SourceSettings(BaseSettings):
    """The INTAKE_* variables of the doors (kept beside the models they fill)."""
    model_config = SettingsConfigDict(env_prefix="INTAKE_", env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore")

    mailboxes: Optional[str] = None          # JSON list of MailboxConfig objects
    fax_dirs: Optional[str] = None           # JSON list (of paths or FaxDirConfig objects) or "dir1:dir2"
    poll_interval_s: Optional[float] = None  # overrides every interval
    process_limit: int = 200                 # pending raws processed after each poll
    broker_url: str = "redis://127.0.0.1:6379/0"
    celery_queue: str = "intake"


class Sources(BaseModel):
    mailboxes: list[MailboxConfig] = Field(default_factory=list)
    fax_dirs: list[FaxDirConfig] = Field(default_factory=list)


def _json_list(text: str, what: str) -> list[Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(f"INTAKE_{what} is not valid JSON: {error.msg} at position {error.pos}") from None
    if not isinstance(value, list):
        raise ConfigError(f"INTAKE_{what} must be a JSON list")
    return value


def _fax_items(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [{"path": p} for p in value.split(os.pathsep) if p]
    return [{"path": v} if isinstance(v, str) else v for v in (value or [])]


def load_sources(config_path: Optional[str] = None) -> Sources:
    """Mailboxes and fax folders from the YAML file (when given) and the environment.

    Invalid entries raise ConfigError naming the entry, never echoing a password.
    """
    from foundation.config import load_config

    settings = SourceSettings()
    config = load_config(config_path)
    raw_mail: list[Any] = list(config.section("mailboxes") or [])
    raw_fax: list[Any] = _fax_items(config.section("fax_dirs") or [])
    if settings.mailboxes:
        raw_mail += _json_list(settings.mailboxes, "MAILBOXES")
    if settings.fax_dirs:
        text = settings.fax_dirs.strip()
        raw_fax += _fax_items(_json_list(text, "FAX_DIRS") if text.startswith("[") else text)
    marks = getattr(config, "_marks", None) or {}
    mail_yaml = len(config.section("mailboxes") or [])
    fax_yaml = len(_fax_items(config.section("fax_dirs") or []))
    mailboxes = [_validated(MailboxConfig, item, f"mailbox #{n}", settings,
                            ("mailboxes", n - 1) if n <= mail_yaml else None, marks)
                 for n, item in enumerate(raw_mail, 1)]
    faxes = [_validated(FaxDirConfig, item, f"fax folder #{n}", settings,
                        ("fax_dirs", n - 1) if n <= fax_yaml else None, marks)
             for n, item in enumerate(raw_fax, 1)]
    return Sources(mailboxes=mailboxes, fax_dirs=faxes)


def _validated(model, item: Any, label: str, settings: "SourceSettings", at: Optional[tuple] = None,
               marks: Optional[dict] = None):
    """One mailbox or fax folder entry, checked; the environment's poll interval wins over the entry's.
    `at`: where the entry sits in the YAML (("mailboxes", 0)), so errors name its file and line."""
    from foundation.yamlmarks import explain
    try:
        source = model.model_validate(item)
    except ValidationError as error:
        if at is not None and marks:
            raise ConfigError(f"{label}: " + "; ".join(explain(error, model, at, marks))) from None
        raise ConfigError(f"{label}: " + _errors(error)) from None
    if settings.poll_interval_s:
        source.interval_s = settings.poll_interval_s
    return source


def _errors(error: ValidationError) -> str:
    """Validation errors without the input values (they may hold a password)."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'entry'}: {e['msg']}" for e in error.errors())
