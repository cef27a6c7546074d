"""The Microsoft Graph door, for Microsoft 365 tenants with neither IMAP nor basic auth (`kind: graph`):
each folder's mail into the store, exactly once, with the IMAP door's order of operations:
  1. list the folder's messages (`GET /users/{id}/mailFolders/{folder}/messages`, following
     `@odata.nextLink` to the end before anything moves, since moving shifts the pages);
  2. fetch each message's MIME (`GET /users/{id}/messages/{id}/$value`) and store the raw bytes, de-duplicated
     by sha256 in the raw ledger, COMMIT;
  3. only then move it to `move_to` (`POST /users/{id}/messages/{id}/move`).
A crash between 2 and 3 leaves stored mail in the folder: the next poll fetches it again, finds its bytes in
the ledger and only moves it. The token is the app's (client credentials through msal, intake/oauth.py,
scope https://graph.microsoft.com/.default, stored encrypted and refreshed before it expires); a 401 mid-run
(a token revoked or expired early) gets one fresh token and the request again. Plain httpx: a handful of
documented REST calls, where the official msgraph-sdk would bring kiota and an async stack for nothing.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any, Optional
from urllib.parse import quote

import httpx

from foundation.errors import MailboxError
from foundation.models import SourceRef
from intake.mailboxes import MailboxConfig
from intake.sources.imap import FolderResult

log = logging.getLogger(__name__)

LIST_FIELDS = "id,internetMessageId,receivedDateTime"


class GraphPoller:
    def __init__(self, box: MailboxConfig, store: Any, state: Any, stop: Optional[threading.Event] = None,
                 client: Optional[httpx.Client] = None):
        self.box, self.store, self.state = box, store, state
        self.stop = stop or threading.Event()
        verify: Any = box.ca_file or box.verify
        self.client = client or httpx.Client(timeout=box.timeout_s, verify=verify, follow_redirects=False)
        self.user_url = f"{box.graph_url.rstrip('/')}/users/{quote(box.user, safe='@')}"
        self._token: Optional[str] = None

    # ----------------------------------------------------------------- HTTP

    def _tokens(self):
        from intake.oauth import TokenManager
        return TokenManager(self.store, self.box.authority(), self.box.oauth2, self.box.label)

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        for attempt in (1, 2):
            if self._token is None:
                self._token = self._tokens().access_token()
            headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
            try:
                response = self.client.request(method, url, headers=headers, **kwargs)
            except httpx.HTTPError as error:
                raise MailboxError(f"{self.box.label}: Graph unreachable: {type(error).__name__}: {error}") from None
            if response.status_code == 401 and attempt == 1:
                # Expired or revoked before its time: forget it (stored too) and ask for a fresh one, once.
                log.warning("Graph token refused: refreshing", extra={"mailbox": self.box.label})
                self.store.save_oauth_token(self.box.authority(), access_token=None, expires_at=None)
                self._token = None
                continue
            if response.status_code >= 400:
                raise MailboxError(f"{self.box.label}: Graph {method} {url.split('?')[0]} answered "
                                   f"{response.status_code}: {response.text[:300]}")
            return response
        raise AssertionError("unreachable")

    # ----------------------------------------------------------------- folders

    def folder_id(self, name: str) -> str:
        """The id of the child folder of the mailbox's root called `name`, created when missing."""
        escaped = name.replace("'", "''")
        found = self._request("GET", f"{self.user_url}/mailFolders",
                              params={"$filter": f"displayName eq '{escaped}'", "$select": "id,displayName"})
        for folder in found.json().get("value", []):
            if folder.get("displayName") == name:
                return folder["id"]
        return self._request("POST", f"{self.user_url}/mailFolders", json={"displayName": name}).json()["id"]

    def listing(self, folder: str) -> list[dict[str, Any]]:
        """Every message of the folder, oldest first, through every page."""
        url: Optional[str] = f"{self.user_url}/mailFolders/{quote(folder, safe='')}/messages"
        params: Optional[dict[str, Any]] = {"$select": LIST_FIELDS, "$orderby": "receivedDateTime asc",
                                            "$top": str(self.box.batch_size)}
        items: list[dict[str, Any]] = []
        while url and not self.stop.is_set():
            page = self._request("GET", url, params=params).json()
            items += page.get("value", [])
            url, params = page.get("@odata.nextLink"), None   # the link carries its own query
        return items

    # ----------------------------------------------------------------- one folder

    def poll_folder(self, folder: str, result: Optional[FolderResult] = None) -> FolderResult:
        key = self.box.state_key(folder)
        result = result or FolderResult(key=key)
        destination = self.folder_id(self.box.move_to or "Processed")
        items = self.listing(folder)
        result.seen += len(items)
        for item in items:
            if self.stop.is_set():
                break
            raw = self._request("GET", f"{self.user_url}/messages/{quote(item['id'], safe='')}/$value").content
            self.store_raw(raw, key, folder, item, result)
            self.move(item["id"], destination)
            result.finished += 1
        return result

    def store_raw(self, raw: bytes, key: str, folder: str, item: dict[str, Any], result: FolderResult) -> bool:
        from foundation.record import sha256_hex
        from parsers.headers import peek

        if self.store.has_raw(sha256_hex(raw)):
            result.duplicates += 1          # stored before a crash or a failed move: only moved now
            return False
        _message_id, date_header = peek(raw)
        received = _when(item.get("receivedDateTime"))
        uri = f"{key};id={quote(item['id'], safe='')}"
        _raw_id, created = self.store.add_raw(raw, SourceRef(uri=uri, received_at=received), kind="imap",
                                              mailbox=key, date_header=date_header)
        if created:
            result.stored += 1
            log.info("stored", extra={"uri": uri, "size": len(raw)})
        else:
            result.duplicates += 1
        return created

    def move(self, message_id: str, destination: str) -> None:
        """Overridable: tests stop here to play a crash between the commit and the move."""
        self._request("POST", f"{self.user_url}/messages/{quote(message_id, safe='')}/move",
                      json={"destinationId": destination})

    def close(self) -> None:
        self.client.close()


def _when(text: Optional[str]) -> Optional[datetime]:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def poll_graph(box: MailboxConfig, store: Any, state: Any, stop: Optional[threading.Event] = None,
               progress: Optional[dict[str, FolderResult]] = None,
               poller: Optional[GraphPoller] = None) -> list[FolderResult]:
    """Poll every folder of one Graph mailbox once, recording each poll (time, error) in `mailbox_state`."""
    poller = poller or GraphPoller(box, store, state, stop=stop)
    results: dict[str, FolderResult] = progress if progress is not None else {}
    try:
        for folder in box.folders:
            key = box.state_key(folder)
            try:
                poller.poll_folder(folder, results.setdefault(key, FolderResult(key=key)))
            except Exception as error:
                state.polled(key, error=f"{type(error).__name__}: {error}"[:500])
                raise
            state.polled(key, None)
            log.info("folder polled", extra={"mailbox": key, "stored": results[key].stored,
                                             "duplicates": results[key].duplicates})
    finally:
        poller.close()
    return list(results.values())
