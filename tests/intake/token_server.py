"""A local HTTPS stand-in for the OAuth2 token endpoints, speaking their documented request and response shapes:

- Microsoft identity platform v2.0: `GET /{tenant}/v2.0/.well-known/openid-configuration` (discovery, as msal
  reads it) and `POST /{tenant}/oauth2/v2.0/token` (form: grant_type=client_credentials | refresh_token,
  client_id, client_secret, scope[, refresh_token]) answering `{"token_type": "Bearer", "expires_in": 3599,
  "ext_expires_in": 3599, "access_token": ...}` (+ a rotated `refresh_token`), or 400 `{"error":
  "invalid_grant", "error_description": "AADSTS65001: ...", "error_codes": [65001]}` once consent is revoked.
- Google: `POST /token` (form: grant_type=refresh_token, client_id, client_secret, refresh_token) answering
  `{"access_token": ..., "expires_in": 3599, "scope": ..., "token_type": "Bearer"}`, or 400 `{"error":
  "invalid_grant", "error_description": "Token has been expired or revoked."}`.
TLS with a throwaway self-signed certificate (msal only takes https authorities); `ca_file` trusts it.
"""
from __future__ import annotations

import itertools
import json
import ssl
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

CLIENT_ID, CLIENT_SECRET, TENANT = "11111111-2222-3333-4444-555555555555", "client-secret-value", "contoso-tenant"


class TokenServer:
    def __init__(self, expires_in: int = 3599):
        self.dir = Path(tempfile.mkdtemp(prefix="oauth-"))
        self.ca_file = str(self.dir / "cert.pem")
        key = self.dir / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-keyout", str(key), "-out", self.ca_file], check=True, capture_output=True)
        self.expires_in = expires_in
        self.revoked = False
        self.requests: list[dict] = []
        self._serial = itertools.count(1)
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                if self.path.split("?")[0] == f"/{TENANT}/v2.0/.well-known/openid-configuration":
                    base = f"https://127.0.0.1:{owner.port}/{TENANT}"
                    return self._json(200, {"token_endpoint": f"{base}/oauth2/v2.0/token",
                                            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                                            "issuer": f"{base}/v2.0", "token_endpoint_auth_methods_supported":
                                            ["client_secret_post", "private_key_jwt", "client_secret_basic"]})
                self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                path = self.path.split("?")[0]
                owner.requests.append({"path": path, **form})
                microsoft = path == f"/{TENANT}/oauth2/v2.0/token"
                if not microsoft and path != "/token":
                    return self._json(404, {"error": "not_found"})
                if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                    return self._json(401, {"error": "invalid_client", "error_description":
                                            "AADSTS7000215: Invalid client secret provided."})
                if owner.revoked and form.get("grant_type") == "refresh_token":
                    if microsoft:
                        return self._json(400, {"error": "invalid_grant", "error_codes": [65001],
                                                "error_description": "AADSTS65001: The user or administrator "
                                                "has not consented to use the application."})
                    return self._json(400, {"error": "invalid_grant",
                                            "error_description": "Token has been expired or revoked."})
                n = next(owner._serial)
                body = {"token_type": "Bearer", "expires_in": owner.expires_in, "access_token": f"access-{n}",
                        "scope": form.get("scope", "https://mail.google.com/")}
                if microsoft:
                    body["ext_expires_in"] = owner.expires_in
                    if form.get("grant_type") == "refresh_token":
                        body["refresh_token"] = f"rotated-refresh-{n}"
                self._json(200, body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.ca_file, str(key))
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
