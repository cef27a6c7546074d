"""A throwaway Dovecot IMAP server for tests and benches (recipe: ../shared/RECIPES.md section 1).

Each instance has its own temp dir (0755: imap runs as `nobody` and must traverse it), its own port, its
own base_dir, and optionally a STARTTLS certificate. Stop it before deleting its dir, or the master keeps
the port.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional

PASSWORD = "secret"

CONF = """protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
instance_name = imaptest-{port}
log_path = {d}/dovecot.log
ssl = {ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:~/Maildir
mail_max_userip_connections = 50
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {d}/passwd
}}
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def available() -> bool:
    return shutil.which("dovecot") is not None and shutil.which("doveadm") is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ImapServer:
    """What the tests do with any throwaway IMAP server (this Dovecot, tests.cyrus): log in, append, count."""
    port: int

    def client(self, user: str = "alice"):
        from imapclient import IMAPClient
        c = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=30)
        c.login(user, PASSWORD)
        return c

    def append(self, messages: list[bytes], folder: str = "INBOX", user: str = "alice",
               flags: tuple = ()) -> None:
        c = self.client(user)
        try:
            for raw in messages:
                c.append(folder, raw, flags=flags)
        finally:
            c.logout()

    def count(self, folder: str = "INBOX", user: str = "alice") -> int:
        c = self.client(user)
        try:
            if not c.folder_exists(folder):
                return 0
            return int(c.folder_status(folder, ["MESSAGES"])[b"MESSAGES"])
        finally:
            c.logout()

    def mailbox_config(self, user: str = "alice", **overrides) -> dict:
        """A MailboxConfig-shaped dict for this server (plain, loopback)."""
        return {"host": "127.0.0.1", "port": self.port, "security": "plain", "user": user,
                "password": PASSWORD, "folders": ["INBOX"], "move_to": "Processed", **overrides}


class Dovecot(ImapServer):
    """One running Dovecot with users alice and bob (password `secret`)."""

    def __init__(self, users: tuple[str, ...] = ("alice", "bob"), tls: bool = False):
        self.dir = Path(tempfile.mkdtemp(prefix="dovecot-"))
        self.dir.chmod(0o755)
        (self.dir / "mail").mkdir()
        shutil.chown(self.dir / "mail", "nobody", "nogroup")
        (self.dir / "passwd").write_text("".join(
            f"{u}:{{PLAIN}}{PASSWORD}:65534:65534::{self.dir}/mail/{u}\n" for u in users))
        self.port = free_port()
        self.cert: Optional[Path] = None
        self.conf = self.dir / "dovecot.conf"
        text = CONF.format(d=self.dir, port=self.port, ssl="yes" if tls else "no")
        if tls:
            self.cert, key = self.dir / "cert.pem", self.dir / "key.pem"
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                            "-keyout", str(key), "-out", str(self.cert)], check=True, capture_output=True)
            key.chmod(0o644)
            text += f"ssl_cert = <{self.cert}\nssl_key = <{key}\n"
        self.conf.write_text(text)
        subprocess.run(["dovecot", "-c", str(self.conf)], check=True)  # returns once listening

    # ----------------------------------------------------------------- helpers

    def doveadm(self, *args: str) -> str:
        return subprocess.run(["doveadm", "-c", str(self.conf), *args], check=True, capture_output=True,
                              text=True).stdout

    def uidvalidity(self, folder: str = "INBOX", user: str = "alice") -> int:
        out = self.doveadm("mailbox", "status", "-u", user, "uidvalidity", folder)
        return int(out.split("uidvalidity=")[1].split()[0])

    def stop(self) -> None:
        pid_file = self.dir / "run" / "master.pid"
        try:
            pid = int(pid_file.read_text())
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                if not os.path.exists(f"/proc/{pid}") or "zombie" in Path(f"/proc/{pid}/status").read_text():
                    break
                time.sleep(0.05)
        except (OSError, ValueError):
            pass
        shutil.rmtree(self.dir, ignore_errors=True)
