"""A local stand-in for the few Microsoft Graph v1.0 mail calls intake makes, in their documented shapes:

- `GET /v1.0/users/{user}/mailFolders?$filter=displayName eq 'X'` -> `{"value": [{"id", "displayName"}]}`
- `POST /v1.0/users/{user}/mailFolders` `{"displayName"}` -> 201 the mailFolder
- `GET /v1.0/users/{user}/mailFolders/{folder}/messages?$select=...&$top=N` -> `{"@odata.context", "value":
  [{"id", "internetMessageId", "receivedDateTime"}], "@odata.nextLink": "...&$skip=N"}` (the last page has no link)
- `GET /v1.0/users/{user}/messages/{id}/$value` -> the MIME content (text/plain)
- `POST /v1.0/users/{user}/messages/{id}/move` `{"destinationId"}` -> 201 the moved message, under a new id
- a bad or expired bearer token -> 401 `{"error": {"code": "InvalidAuthenticationToken", "message": ...}}`
Plain HTTP on loopback (the poller allows http only there). `inbox` is the well-known name of the inbox.
"""
from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

USER = "odm@contoso.fr"


class GraphServer:
    def __init__(self):
        self.folders: dict[str, dict] = {"inbox": {"displayName": "Inbox", "messages": []}}
        self.expired: set[str] = set()
        self.seen_tokens: list[str] = []
        self.requests: list[tuple[str, str]] = []
        self.expire_after_value: int | None = None     # expire the current token after this many $value calls
        self._ids = itertools.count(1)
        self._values = 0
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; odata.metadata=minimal")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _auth(self) -> bool:
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                if not token.startswith("access-") or token in owner.expired:
                    self._json(401, {"error": {"code": "InvalidAuthenticationToken",
                                               "message": "Access token has expired or is not yet valid."}})
                    return False
                owner.seen_tokens.append(token)
                return True

            def _route(self, method: str) -> None:
                parts = urlsplit(self.path)
                path = [unquote(p) for p in parts.path.split("/") if p]
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                owner.requests.append((method, parts.path))
                if path[:3] != ["v1.0", "users", USER]:
                    return self._json(404, {"error": {"code": "ErrorInvalidUser", "message": "no such user"}})
                if not self._auth():
                    return
                rest = path[3:]
                body = {}
                if method == "POST":
                    length = int(self.headers.get("Content-Length") or 0)
                    body = json.loads(self.rfile.read(length) or b"{}")
                with owner.lock:
                    return self._handle(method, rest, query, body, parts)

            def _handle(self, method, rest, query, body, parts):
                if rest == ["mailFolders"] and method == "GET":
                    wanted = query.get("$filter", "").split("'")[1] if "'" in query.get("$filter", "") else None
                    return self._json(200, {"value": [{"id": k, "displayName": f["displayName"]}
                                                      for k, f in owner.folders.items()
                                                      if wanted is None or f["displayName"] == wanted]})
                if rest == ["mailFolders"] and method == "POST":
                    folder_id = f"AAMkFolder{next(owner._ids)}"
                    owner.folders[folder_id] = {"displayName": body["displayName"], "messages": []}
                    return self._json(201, {"id": folder_id, "displayName": body["displayName"]})
                if len(rest) == 3 and rest[0] == "mailFolders" and rest[2] == "messages" and method == "GET":
                    folder = owner.folders.get(rest[1].lower() if rest[1].lower() == "inbox" else rest[1])
                    if folder is None:
                        return self._json(404, {"error": {"code": "ErrorItemNotFound", "message": "no folder"}})
                    top, skip = int(query.get("$top", "10")), int(query.get("$skip", "0"))
                    page = folder["messages"][skip:skip + top]
                    answer = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('odm')/messages",
                              "value": [{"id": m["id"], "internetMessageId": m["mid"],
                                         "receivedDateTime": m["received"]} for m in page]}
                    if skip + top < len(folder["messages"]):
                        answer["@odata.nextLink"] = (f"http://127.0.0.1:{owner.port}{parts.path}?%24select="
                                                     f"{query.get('$select', '')}&%24top={top}&%24skip={skip + top}")
                    return self._json(200, answer)
                if len(rest) == 3 and rest[0] == "messages":
                    found = owner.find(rest[1])
                    if found is None:
                        return self._json(404, {"error": {"code": "ErrorItemNotFound", "message": "gone"}})
                    folder, message = found
                    if rest[2] == "$value" and method == "GET":
                        owner._values += 1
                        if owner.expire_after_value is not None and owner._values >= owner.expire_after_value:
                            owner.expired.add(owner.seen_tokens[-1])
                            owner.expire_after_value = None
                        self.send_response(200)
                        self.send_header("Content-Type", "text/plain")
                        self.send_header("Content-Length", str(len(message["raw"])))
                        self.end_headers()
                        self.wfile.write(message["raw"])
                        return None
                    if rest[2] == "move" and method == "POST":
                        target = owner.folders.get(body.get("destinationId"))
                        if target is None:
                            return self._json(404, {"error": {"code": "ErrorItemNotFound", "message": "folder"}})
                        folder["messages"].remove(message)
                        moved = {**message, "id": f"AAMkMoved{next(owner._ids)}"}
                        target["messages"].append(moved)
                        return self._json(201, {"id": moved["id"], "parentFolderId": body["destinationId"]})
                return self._json(400, {"error": {"code": "BadRequest", "message": "not in this stand-in"}})

            def do_GET(self) -> None:  # noqa: N802
                self._route("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._route("POST")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1.0"

    def deliver(self, raw: bytes, mid: str, received: str = "2026-03-02T08:00:00Z") -> None:
        with self.lock:
            self.folders["inbox"]["messages"].append({"id": f"AAMkMsg{next(self._ids)}", "mid": mid,
                                                      "received": received, "raw": raw})

    def find(self, message_id: str):
        for folder in self.folders.values():
            for message in folder["messages"]:
                if message["id"] == message_id:
                    return folder, message
        return None

    def names(self, display_name: str) -> list[str]:
        folder = next((f for f in self.folders.values() if f["displayName"] == display_name), None)
        return [m["mid"] for m in folder["messages"]] if folder else []

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
