"""Dovecot configured for OAuth2 bearer tokens (XOAUTH2, OAUTHBEARER): its oauth2 passdb asks a local
token-introspection endpoint (RFC 7662 shape: POST token=... -> {"active": true, "username": ...}) whether a
token is valid, as it would ask Microsoft's or Google's. Users still come from the passwd file (home, uid).
"""
from __future__ import annotations

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from tests.dovecot import Dovecot


class Introspection:
    """token -> user: the tokens the test's token endpoint handed out."""

    def __init__(self):
        self.valid: dict[str, str] = {}
        self.asked: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers.get("Content-Length") or 0))
                                                      .decode()).items()}
                token = form.get("token", "")
                owner.asked.append(token)
                user = owner.valid.get(token)
                body = json.dumps({"active": True, "username": user} if user else {"active": False}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class OAuthDovecot(Dovecot):
    def __init__(self, introspection: Introspection):
        super().__init__()
        conf = self.conf.read_text()
        conf = conf.replace("auth_mechanisms = plain login", "auth_mechanisms = plain login xoauth2 oauthbearer")
        (self.dir / "oauth2.conf.ext").write_text(
            f"introspection_mode = post\nintrospection_url = http://127.0.0.1:{introspection.port}/introspect\n"
            "username_attribute = username\nactive_attribute = active\nactive_value = true\n")
        conf = conf.replace("passdb {", f"passdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
                                         f"  args = {self.dir}/oauth2.conf.ext\n}}\npassdb {{", 1)
        self.conf.write_text(conf)
        subprocess.run(["doveadm", "-c", str(self.conf), "reload"], check=True, capture_output=True)
