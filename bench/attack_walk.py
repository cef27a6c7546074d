"""Attack walk of issue 7 against a really served portal: `intake serve` in a subprocess, plain HTTP.

Runs every attack of the issue against the code of a checkout (default: this one) and prints one line per
attack: BREACH (the attack worked) or held. To compare with the code before the fix:

    git archive main | tar -x -C /tmp/intake-old       # (or any older commit)
    .venv/bin/python bench/attack_walk.py --code /tmp/intake-old
    .venv/bin/python bench/attack_walk.py

Three portals are started, each on its own SQLite file seeded through the checkout's own modules:
  A  SMTP to a local aiosmtpd sink, no INTAKE_PUBLIC_URL, no INTAKE_SECRET_KEY (a default install)
  B  SMTP to the sink and INTAKE_PUBLIC_URL set (reset flows)
  C  no SMTP host, INTAKE_PUBLIC_URL set (what reaches the log)
Clients come from 127.0.0.1, 127.0.0.2 and 127.0.0.3 (loopback addresses) to play different machines.
Exit status: the number of breaches.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

import httpx
import pyotp

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
OLD_DEFAULT_KEY = "change-me-in-production"
PASSWORD = "correct horse battery"

SEED = r'''
import json, sys
from outputs.store import Store
from reviewdesk import security, users
from reviewdesk.sampledata import add_message
store = Store(sys.argv[1])
out = {"accounts": {}}
mine = add_message(store, subject="ODM agence", body="Sinistre B1111111", channel="allianz_agence", claim="B1111111",
                   last_name="MARTIN")
hidden = add_message(store, subject="Objet confidentiel CS2I", body="Sinistre B1111111", channel="allianz_cs2i",
                     claim="B1111111", last_name="MARTIN")
dossier = store.open_dossier(mine, "chef@walk.test")
store.attach(hidden, dossier, "chef@walk.test")
out.update(mine=add_message(store, subject="A corriger", body="x", channel="allianz_agence", claim="B2222222"),
           other=add_message(store, subject="Autre canal", body="x", channel="allianz_cs2i", claim="C3333333"),
           dossier=dossier)
names = ["admin"] + [f"rev{i}" for i in range(1, 10)]
with store.session() as session:
    for name in names:
        secret = security.new_totp_secret()
        user = users.create_user(session, f"{name}@walk.test", name, [] if name == "admin" else ["allianz_agence"],
                                 name == "admin")
        user.password_hash = security.hash_password(sys.argv[2])
        user.totp_secret = secret
        user.active = True
        session.flush()
        out["accounts"][name] = {"id": user.id, "email": user.email, "secret": secret}
store.close()
print(json.dumps(out))
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    def __init__(self):
        self.bodies: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        import email
        import email.policy
        self.bodies.append(email.message_from_bytes(envelope.content, policy=email.policy.default).get_content())
        return "250 OK"


class Portal:
    """One `intake serve` of the checkout on its own database."""

    def __init__(self, code: Path, workdir: Path, name: str, env: dict[str, str]):
        self.db = workdir / f"{name}.db"
        self.url = f"sqlite:///{self.db}"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"{name}.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
        self.env.update(PYTHONPATH=str(code), **env)
        seeded = subprocess.run([PYTHON, "-c", SEED, self.url, PASSWORD], env=self.env, capture_output=True,
                                text=True, cwd=workdir, check=True)
        self.seed = json.loads(seeded.stdout.strip().splitlines()[-1])
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([PYTHON, "-m", "intake", "serve", "--database", self.url, "--host",
                                         "127.0.0.1", "--port", str(self.port)], env=self.env, cwd=workdir,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(200):
            try:
                httpx.get(f"{self.base}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        self.uses: dict[str, int] = {}

    def account(self, name: str) -> dict:
        return self.seed["accounts"][name]

    def client(self, source: str = "127.0.0.1", **kw) -> httpx.Client:
        return httpx.Client(base_url=self.base, transport=httpx.HTTPTransport(local_address=source),
                            follow_redirects=False, timeout=30, **kw)

    def code(self, name: str) -> str:
        n = self.uses.get(name, 0)
        self.uses[name] = n + 1
        return pyotp.TOTP(self.account(name)["secret"]).at(time.time() + 30 * n)

    def login(self, client: httpx.Client, name: str, password: str = PASSWORD) -> bool:
        page = client.get("/login")
        r = client.post("/login", data={"email": self.account(name)["email"], "password": password,
                                        "csrf_token": csrf(page.text)})
        if r.headers.get("location") != "/login/totp":
            return False
        page = client.get("/login/totp")
        r = client.post("/login/totp", data={"code": self.code(name), "csrf_token": csrf(page.text)})
        return r.headers.get("location") == "/queue"

    def forgot(self, client: httpx.Client, email: str, host: Optional[str] = None) -> httpx.Response:
        headers = {"host": host} if host else {}
        page = client.get("/password/forgot", headers=headers)
        return client.post("/password/forgot", data={"email": email, "csrf_token": csrf(page.text)}, headers=headers)

    def sql(self, query: str, *args):
        with sqlite3.connect(self.db) as conn:
            return conn.execute(query, args).fetchall()

    def logged(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return match.group(1) if match else ""


def login_error(html: str) -> str:
    match = re.search(r'id="login-error">([^<]*)<', html)
    return match.group(1).strip() if match else html[:80]


# --------------------------------------------------------------------------- the attacks: True = breach

def forged_cookie(a: Portal, sink: Sink) -> tuple[bool, str]:
    from itsdangerous import TimestampSigner
    payload = base64.b64encode(json.dumps({"uid": a.account("admin")["id"]}).encode())
    cookie = TimestampSigner(OLD_DEFAULT_KEY).sign(payload).decode()
    r = a.client(cookies={"intake_session": cookie}).get("/admin/users")
    return r.status_code == 200, f"GET /admin/users with a cookie signed by the old default key: {r.status_code}"


def host_poisoning(a: Portal, sink: Sink) -> tuple[bool, str]:
    before = len(sink.bodies)
    r = a.forgot(a.client(), a.account("rev1")["email"], host="evil.example")
    time.sleep(0.5)
    poisoned = [b for b in sink.bodies[before:] if "evil.example" in b]
    return bool(poisoned), f"forgot with Host: evil.example: {r.status_code}, poisoned mails: {len(poisoned)}"


def replay_after_logout(a: Portal, sink: Sink) -> tuple[bool, str]:
    c = a.client()
    if not a.login(c, "rev2"):
        return False, "login failed"
    copied = dict(c.cookies)
    c.post("/logout", data={"csrf_token": csrf(c.get("/queue").text)})
    r = a.client(cookies=copied).get("/queue")
    return r.status_code == 200, f"copied cookie after logout: GET /queue {r.status_code}"


def replay_after_reset(b: Portal, sink: Sink) -> tuple[bool, str]:
    c = b.client()
    if not b.login(c, "rev3"):
        return False, "login failed"
    copied = dict(c.cookies)
    link = reset_link(b, sink, "rev3")
    if link is None:
        return False, "no reset mail"
    r = b.client()
    page = r.get(link)
    new = "plume ardoise cerisier 1987"
    r.post(link, data={"password": new, "confirm": new, "csrf_token": csrf(page.text)})
    replay = b.client(cookies=copied).get("/queue")
    return replay.status_code == 200, f"copied cookie after a password reset: GET /queue {replay.status_code}"


def reset_link(portal: Portal, sink: Sink, name: str) -> Optional[str]:
    """Ask for a reset of `name` and return the path of the link the sink caught (the walk follows only the path)."""
    before = len(sink.bodies)
    portal.forgot(portal.client(), portal.account(name)["email"])
    time.sleep(0.5)
    links = [m.group(1) for body in sink.bodies[before:] for m in [re.search(r"https?://[^/\s]+(/\S+)", body)] if m]
    return links[-1] if links else None


def lockout_dos(a: Portal, sink: Sink) -> tuple[bool, str]:
    stranger = a.client("127.0.0.2")
    for _ in range(6):
        page = stranger.get("/login")
        stranger.post("/login", data={"email": a.account("rev4")["email"], "password": "guess",
                                      "csrf_token": csrf(page.text)})
    ok = a.login(a.client("127.0.0.1"), "rev4")
    return not ok, f"owner from another address logs in after a stranger's 6 failures: {ok}"


def enumeration(a: Portal, sink: Sink) -> tuple[bool, str]:
    c = a.client("127.0.0.3")
    answers = {}
    for email in (a.account("rev5")["email"], "nobody@walk.test"):
        for _ in range(6):
            page = c.get("/login")
            r = c.post("/login", data={"email": email, "password": "guess", "csrf_token": csrf(page.text)})
        answers[email] = login_error(r.text)
    known, unknown = answers.values()
    return known != unknown, f"after 6 failures, known: {known!r} / unknown: {unknown!r}"


def weak_password(b: Portal, sink: Sink) -> tuple[bool, str]:
    link = reset_link(b, sink, "rev6")
    if link is None:
        return False, "no reset mail"
    c = b.client()
    page = c.get(link)
    r = c.post(link, data={"password": "aaaaaaaaaaaa", "confirm": "aaaaaaaaaaaa", "csrf_token": csrf(page.text)})
    return r.status_code == 303, f"reset to 'aaaaaaaaaaaa': {r.status_code}"


def links_in_logs(c_portal: Portal, sink: Sink) -> tuple[bool, str]:
    c_portal.forgot(c_portal.client(), c_portal.account("rev1")["email"])
    c_portal.client().get("/password/reset/SeenInTheLogWalk123")
    time.sleep(0.5)
    log = c_portal.logged()
    mailed = re.search(r"/password/reset/(?!SeenInTheLogWalk123)[\w-]{20,}", log)
    access = "SeenInTheLogWalk123" in log
    line = "GET /password/reset/" in log                # the access log is on: the request line is there
    made = "mail" in log.lower()
    return bool(mailed or access), f"reset link in the log: {bool(mailed)}; token path in the access log: {access} " \
                                   f"(request line logged: {line}, mail noted: {made})"


def channel_move(a: Portal, sink: Sink) -> tuple[bool, str]:
    c = a.client()
    if not a.login(c, "rev7"):
        return False, "login failed"
    record = a.seed["mine"]
    page = c.get(f"/records/{record}")
    r = c.post(f"/records/{record}/fields", data={"channel": "allianz_cs2i", "csrf_token": csrf(page.text)})
    channel = a.sql("SELECT channel FROM records WHERE id = ?", record)[0][0]
    return channel == "allianz_cs2i", f"reviewer of allianz_agence moves a record to allianz_cs2i: {r.status_code}, " \
                                      f"channel now {channel}"


def id_probing(a: Portal, sink: Sink) -> tuple[bool, str]:
    c = a.client()
    if not a.login(c, "rev8"):
        return False, "login failed"
    hidden = c.get(f"/records/{a.seed['other']}").status_code
    missing = c.get("/records/987654").status_code
    huge = c.get("/records/99999999999999999999")
    bare = "content-security-policy" not in huge.headers
    breach = hidden != missing or huge.status_code >= 500 or bare
    return breach, f"other channel {hidden} vs missing {missing}; /records/99999999999999999999 {huge.status_code}" \
                   f"{' without security headers' if bare else ''}"


def dossier_leak(a: Portal, sink: Sink) -> tuple[bool, str]:
    c = a.client()
    if not a.login(c, "rev9"):
        return False, "login failed"
    r = c.get(f"/dossiers/{a.seed['dossier']}")
    leaked = "Objet confidentiel" in r.text
    return leaked, f"dossier page {r.status_code}; subject of a cs2i message shown to an agence reviewer: {leaked}"


def big_body(a: Portal, sink: Sink) -> tuple[bool, str]:
    size = 50_000_000
    started = time.perf_counter()
    try:
        r = a.client().post("/login", content=b"x" * size,
                            headers={"content-type": "multipart/form-data; boundary=zz"})
        status = r.status_code
    except httpx.HTTPError as error:
        status = f"connection closed ({type(error).__name__})"
    took = time.perf_counter() - started
    return status != 413, f"50 MB POST /login: {status} in {took:.1f} s"


def totp_in_clear(a: Portal, sink: Sink) -> tuple[bool, str]:
    account = a.account("admin")
    stored = a.sql("SELECT totp_secret FROM users WHERE id = ?", account["id"])[0][0]
    return stored == account["secret"], f"users.totp_secret is {'the clear secret' if stored == account['secret'] else 'sealed'}"


def admin_ends_sessions(a: Portal, sink: Sink) -> tuple[bool, str]:
    admin, victim = a.client(), a.client()
    if not (a.login(admin, "admin") and a.login(victim, "rev1")):
        return False, "login failed"
    page = admin.get("/admin/users")
    r = admin.post(f"/admin/users/{a.account('rev1')['id']}/sessions/end", data={"csrf_token": csrf(page.text)})
    still = victim.get("/queue").status_code == 200
    return still, f"admin 'end sessions': {r.status_code}; the user's session still works: {still}"


def first_user(a: Portal, sink: Sink) -> tuple[bool, str]:
    r = subprocess.run([PYTHON, "-m", "intake", "users", "--database", a.url, "add", "first@walk.test", "--admin"],
                       env=a.env, capture_output=True, text=True, cwd=a.db.parent)   # cwd: not this checkout
    made = r.returncode == 0 and "/activate/" in r.stdout
    return not made, f"intake users add --admin: exit {r.returncode}"


ATTACKS: list[tuple[str, str, Callable]] = [
    ("1 forged admin cookie (old default key)", "A", forged_cookie),
    ("2 reset link follows the Host header", "A", host_poisoning),
    ("3 cookie replay after logout", "A", replay_after_logout),
    ("3 cookie replay after password reset", "B", replay_after_reset),
    ("3 admin cannot end a user's sessions", "A", admin_ends_sessions),
    ("4 stranger locks an account", "A", lockout_dos),
    ("4 enumeration by the blocked message", "A", enumeration),
    ("5 weak password accepted", "B", weak_password),
    ("6 reset links in the logs", "C", links_in_logs),
    ("7 TOTP secret stored in clear", "A", totp_in_clear),
    ("7 reviewer moves a record out of their channels", "A", channel_move),
    ("7 ids probed (403/404, overflow 500)", "A", id_probing),
    ("7 dossier shows hidden messages", "A", dossier_leak),
    ("7 big body read before the CSRF check", "A", big_body),
    ("8 no way to create the first user", "A", first_user),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=REPO, help="checkout whose portal is attacked")
    args = parser.parse_args()
    from aiosmtpd.controller import Controller
    sink = Sink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    portals: dict[str, Portal] = {}
    breaches = 0
    with tempfile.TemporaryDirectory(prefix="attack-walk-") as tmp:
        try:
            work = Path(tmp)
            smtp = {"INTAKE_SMTP_HOST": "127.0.0.1", "INTAKE_SMTP_PORT": str(smtp_port)}
            portals["A"] = Portal(args.code.resolve(), work, "a", smtp)
            # B's links carry no port: the walk follows only their path, on B's own address.
            portals["B"] = Portal(args.code.resolve(), work, "b", {**smtp, "INTAKE_PUBLIC_URL": "http://127.0.0.1"})
            portals["C"] = Portal(args.code.resolve(), work, "c", {"INTAKE_PUBLIC_URL": "http://127.0.0.1"})
            print(f"attack walk against {args.code.resolve()}\n")
            print(f"{'attack':<50} {'result':<7} detail")
            for name, which, attack in ATTACKS:
                try:
                    breach, detail = attack(portals[which], sink)
                except Exception as error:  # noqa: BLE001 - a crashing attack is reported, the walk goes on
                    breach, detail = False, f"attack could not run: {type(error).__name__}: {error}"
                breaches += bool(breach)
                print(f"{name:<50} {'BREACH' if breach else 'held':<7} {detail}")
        finally:
            for portal in portals.values():
                portal.stop()
            controller.stop()
    print(f"\n{breaches} breach(es) of {len(ATTACKS)} attacks")
    return breaches


if __name__ == "__main__":
    sys.exit(main())
