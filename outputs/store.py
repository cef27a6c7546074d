"""The store: the database behind intake, one API for every door (ingest, IMAP poller, fax folder, batch,
tasks) and for the portal. It is built of rooms, one module each, each the only writer of its tables:

| room | module | keeps |
|---|---|---|
| raw ledger | `outputs/ledger.py` | the bytes of every message, before anything reads them; reading status |
| records and routing | `outputs/records.py` | records routed against known dossiers, documents, export, counts |
| review actions | `outputs/review.py` | corrections, open / attach / refuse, dossier status |
| mailbox state and leases | `outputs/mailboxes.py` | where each folder's polling stopped; who polls it now |
| integrations | `outputs/integrations.py` | webhook deliveries of the outbox, API tokens |
| follow-up | `outputs/followups.py` | the insured's follow-up after opening: state, messages sent |

They share `outputs/base.py` (engine, transactions, the append-only timeline). The portal's own tables
(users, teams, tokens) are declared in `outputs/portal_tables.py`, on the same Base, so one Alembic history
covers both and no migration imports web code.
"""
from __future__ import annotations

from outputs.base import InvalidCorrection, NotFoundError, normalise_claim
from outputs.followups import FollowupRoom
from outputs.integrations import IntegrationRoom
from outputs.ledger import FailedRaw, RawLedger, StoredRaw
from outputs.mailboxes import MailboxRoom, StateTables, holder_id
from outputs.records import DbIndex, RecordRoom, SavedRecord
from outputs.review import ReviewRoom

__all__ = ["Store", "NotFoundError", "InvalidCorrection", "normalise_claim", "StoredRaw", "FailedRaw", "SavedRecord",
           "StateTables", "holder_id", "DbIndex"]


class Store(RecordRoom, RawLedger, ReviewRoom, MailboxRoom, IntegrationRoom, FollowupRoom):
    """The database behind intake. Opening it brings the schema up to date (Alembic), unless upgrade=False."""
