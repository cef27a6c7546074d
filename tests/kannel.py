"""A throwaway Kannel for tests and benches: bearerbox + smsbox from Debian's `kannel`, with the fake SMSC
of `kannel-extras` (/usr/lib/kannel/test/fakesmsc) connected, all on loopback ports of their own.

`sent()` reads what reached the SMSC (fakesmsc prints `Got message N: <from to type text>`).
Every process is ended by `stop()`, by its own pid.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

FAKESMSC = Path("/usr/lib/kannel/test/fakesmsc")
USER, PASSWORD = "intake", "sendsms-test-password"

CONF = """group = core
admin-port = {admin}
admin-password = admin-test-password
smsbox-port = {box}
box-allow-ip = 127.0.0.1
log-file = "{d}/bearerbox.log"
log-level = 0

group = smsc
smsc = fake
smsc-id = FAKE
port = {smsc}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {box}
sendsms-port = {sendsms}
log-file = "{d}/smsbox.log"
log-level = 0

group = sendsms-user
username = {user}
password = {password}
max-messages = 3
concatenation = true

group = sms-service
keyword = default
text = "No service"
catch-all = true
"""


def available() -> bool:
    return bool(shutil.which("bearerbox") or Path("/usr/sbin/bearerbox").exists()) and FAKESMSC.exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"Kannel did not listen on {port}")


class Kannel:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="kannel-"))
        self.ports = {name: _free_port() for name in ("admin", "box", "smsc", "sendsms")}
        self.conf = self.dir / "kannel.conf"
        self.conf.write_text(CONF.format(d=self.dir, user=USER, password=PASSWORD, **self.ports))
        self.smsc_log = self.dir / "fakesmsc.out"
        bearerbox = shutil.which("bearerbox") or "/usr/sbin/bearerbox"
        smsbox = shutil.which("smsbox") or "/usr/sbin/smsbox"
        self.procs: list[subprocess.Popen] = []
        try:
            self.procs.append(subprocess.Popen([bearerbox, str(self.conf)], stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL))
            _wait_port(self.ports["smsc"])
            _wait_port(self.ports["box"])
            self._smsc_out = self.smsc_log.open("wb")
            self.procs.append(subprocess.Popen([str(FAKESMSC), "-H", "127.0.0.1", "-r", str(self.ports["smsc"]),
                                                "-m", "0", "1 2 text nop"], stdout=self._smsc_out,
                                               stderr=subprocess.STDOUT))
            self.procs.append(subprocess.Popen([smsbox, str(self.conf)], stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL))
            _wait_port(self.ports["sendsms"])
            self._wait_smsc_online()
        except Exception:
            self.stop()
            raise

    def _wait_smsc_online(self, timeout: float = 10.0) -> None:
        import urllib.request
        url = f"http://127.0.0.1:{self.ports['admin']}/status.txt?password=admin-test-password"
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                if "online" in urllib.request.urlopen(url, timeout=2).read().decode():
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the fake SMSC never came online")

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['sendsms']}/cgi-bin/sendsms"

    def sent(self) -> list[tuple[str, str, str]]:
        """(sender, receiver, text) of every message the SMSC got, the parts of a long one put together.

        fakesmsc prints `<from to text TEXT>` for a 7-bit single message and `<from to udh UDH data DATA>` for
        each part of a concatenated one (UDH 05 00 03 ref total seq; DATA url-encoded, UCS-2 or 7-bit text).
        """
        out: list[tuple[str, str, str]] = []
        parts: dict[tuple[str, str, int], dict[int, str]] = {}
        for line in self.smsc_log.read_bytes().decode("utf-8", "replace").splitlines():
            if "Got message" not in line or "<" not in line:
                continue
            body = line.split("<", 1)[1].rsplit(">", 1)[0]
            sender, receiver, kind, rest = (body.split(" ", 3) + [""])[:4]
            if kind == "text":
                out.append((sender, receiver, rest))
                continue
            if kind != "udh":
                continue
            udh_text, _, data = rest.partition(" data ")
            udh = urllib.parse.unquote_to_bytes(udh_text)
            raw = urllib.parse.unquote_to_bytes(data.replace("+", "%20"))
            text = raw.decode("utf-16-be", "replace") if b"\x00" in raw else raw.decode("utf-8", "replace")
            ref, total, seq = udh[3], udh[4], udh[5]
            got = parts.setdefault((sender, receiver, ref), {})
            got[seq] = text
            if len(got) == total:
                out.append((sender, receiver, "".join(got[i] for i in sorted(got))))
        return out

    def wait_sent(self, count: int, timeout: float = 10.0) -> list[tuple[str, str, str]]:
        end = time.monotonic() + timeout
        while time.monotonic() < end and len(self.sent()) < count:
            time.sleep(0.1)
        return self.sent()

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if getattr(self, "_smsc_out", None):
            self._smsc_out.close()
        shutil.rmtree(self.dir, ignore_errors=True)
