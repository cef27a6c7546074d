"""A throwaway Cyrus IMAP server (Debian `cyrus-imapd`), the suite's second IMAP implementation.

Own temp dir, own port on loopback, own sasldb (users alice and the admin `cyrus`, password `secret`),
started with Cyrus's `master` as the `cyrus` user. `suppress` lists capabilities the server must not
announce (Cyrus's `suppress_capabilities`), so the poller's fallback path (COPY + \\Deleted + EXPUNGE
without MOVE, or without UIDPLUS) runs against a real server.
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

from tests.dovecot import PASSWORD, ImapServer, free_port

BIN = Path("/usr/lib/cyrus/bin")                       # master, ctl_cyrusdb: package cyrus-common
# imapd: package cyrus-imapd, which Debian declares in conflict with dovecot-imapd (both "imap-server"), so it
# is unpacked beside, not installed (scripts/setup.sh: dpkg-deb -x into /opt/cyrus-imapd).
IMAPD_CANDIDATES = (Path("/opt/cyrus-imapd/usr/lib/cyrus/bin/imapd"), BIN / "imapd")

IMAPD_CONF = """configdirectory: {d}/conf
partition-default: {d}/spool
servername: localhost
admins: cyrus
allowplaintext: yes
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: {d}/sasldb2
sasl_mech_list: PLAIN LOGIN
unixhierarchysep: yes
altnamespace: yes
lmtpsocket: {d}/socket/lmtp
idlesocket: {d}/socket/idle
notifysocket: {d}/socket/notify
syslog_prefix: cyrus-test-{port}

{suppress}
"""

CYRUS_CONF = """START {{
  recover cmd="ctl_cyrusdb -r -C {d}/imapd.conf"
}}
SERVICES {{
  imap cmd="{imapd} -C {d}/imapd.conf" listen="127.0.0.1:{port}" prefork=1
}}
EVENTS {{
}}
DAEMON {{
}}
"""


def imapd() -> Path | None:
    return next((p for p in IMAPD_CANDIDATES if p.exists()), None)


def available() -> bool:
    return (BIN / "master").exists() and imapd() is not None and shutil.which("saslpasswd2") is not None


class Cyrus(ImapServer):
    """One running Cyrus with the user alice (and the admin cyrus), password `secret`."""

    def __init__(self, users: tuple[str, ...] = ("alice",), suppress: tuple[str, ...] = ()):
        self.dir = Path(tempfile.mkdtemp(prefix="cyrus-"))
        self.dir.chmod(0o755)
        self.port = free_port()
        for sub in ("conf", "spool", "socket", "conf/proc", "conf/lock"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        line = f"suppress_capabilities: {' '.join(suppress)}" if suppress else ""
        self.conf = self.dir / "imapd.conf"
        self.conf.write_text(IMAPD_CONF.format(d=self.dir, port=self.port, suppress=line))
        (self.dir / "cyrus.conf").write_text(CYRUS_CONF.format(d=self.dir, port=self.port, imapd=imapd()))
        for user in ("cyrus", *users):
            subprocess.run(["saslpasswd2", "-p", "-c", "-f", str(self.dir / "sasldb2"), "-u", "localhost", user],
                           input=PASSWORD.encode(), check=True, capture_output=True)
        subprocess.run(["chown", "-R", "cyrus:mail", str(self.dir)], check=True)
        self.proc = subprocess.Popen(
            [str(BIN / "master"), "-D", "-L", str(self.dir / "master.log"), "-C", str(self.conf), "-M", str(self.dir / "cyrus.conf"),
             "-p", str(self.dir / "master.pid")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self._wait_listening()
        admin = self.client("cyrus")
        try:
            for user in users:
                admin.create_folder(f"user/{user}")
        finally:
            admin.logout()

    def _wait_listening(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"cyrus master exited: {(self.dir / 'master.log').read_text(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("cyrus did not start listening")

    # ----------------------------------------------------------------- helpers (the others: tests.dovecot.ImapServer)

    def capabilities(self) -> set[str]:
        c = self.client()
        try:
            return {cap.decode() for cap in c.capabilities()}
        finally:
            c.logout()

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)
        except (OSError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.dir, ignore_errors=True)
