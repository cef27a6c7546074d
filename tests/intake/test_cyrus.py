"""The mailbox door against a second IMAP implementation, Cyrus IMAP 3.6 (issue 12): exactly once, moved
after commit, and the SIGKILL + immediate restart test. Cyrus announces MOVE, UIDPLUS, CONDSTORE, QRESYNC and
OBJECTID (Dovecot 2.3: MOVE, UIDPLUS, CONDSTORE, QRESYNC, no OBJECTID). With `suppress_capabilities` the
same server runs the poller's fallbacks: without MOVE, COPY + \\Deleted + UID EXPUNGE (UIDPLUS); without
MOVE and UIDPLUS, COPY + \\Deleted + EXPUNGE."""
from __future__ import annotations

import pytest

from foundation.models import SourceRef
from intake.mailboxes import MailboxConfig
from intake.sources.imap import MailboxPoller
from outputs.mailboxes import StateTables
from tests.cyrus import Cyrus, available
from tests.intake.test_imap import EIGHT_BIT, mail, stored
from tests.intake.test_survival import kill_then_poll_again

FALLBACKS = {"native": (), "no-move": ("MOVE",), "no-move-no-uidplus": ("MOVE", "UIDPLUS")}


@pytest.fixture(params=list(FALLBACKS))
def cyrus(request):
    if not available():
        pytest.skip("cyrus-imapd is not installed (the setup script installs cyrus-imapd and sasl2-bin)")
    server = Cyrus(suppress=FALLBACKS[request.param])
    server.variant = request.param
    yield server
    server.stop()


def test_capabilities_announced_as_configured(cyrus):
    caps = cyrus.capabilities()
    assert "CONDSTORE" in caps
    assert ("MOVE" in caps) == (cyrus.variant == "native")
    assert ("UIDPLUS" in caps) == (cyrus.variant != "no-move-no-uidplus")


def test_every_message_once_moved_after_commit_on_cyrus(cyrus, store):
    batch = [mail(i) for i in range(12)] + [mail(3), EIGHT_BIT]     # the same bytes twice, 8-bit headers
    cyrus.append(batch)
    box = MailboxConfig(**cyrus.mailbox_config(batch_size=5))
    result = MailboxPoller(box, store, StateTables(store.engine)).poll()[0]
    assert (result.stored, result.duplicates, result.finished) == (13, 1, 14)
    assert len(stored(store)) == 13
    assert cyrus.count("INBOX") == 0 and cyrus.count("Processed") == 14
    cyrus.append([mail(50)])
    assert MailboxPoller(box, store, StateTables(store.engine)).poll()[0].stored == 1   # resumes at last UID
    assert cyrus.count("INBOX") == 0


@pytest.mark.slow
def test_sigkill_mid_batch_then_immediate_poll_on_cyrus(cyrus, db_url, tmp_path):
    kill_then_poll_again(cyrus, db_url, tmp_path)


def test_a_copy_interrupted_before_its_expunge_is_not_copied_twice(cyrus, store):
    """Without MOVE, a crash between COPY and EXPUNGE leaves a message in both folders, marked by us: the next
    poll stores nothing new, copies nothing again, and only removes it from the inbox."""
    if cyrus.variant == "native":
        pytest.skip("MOVE is one step")
    from intake.sources.imap import COPY_MARK
    message = mail(7)
    cyrus.append([message])
    box = MailboxConfig(**cyrus.mailbox_config())
    with cyrus.client() as client:         # what the crashed poll had done: marked, copied, not expunged
        if not client.folder_exists(box.move_to):
            client.create_folder(box.move_to)
        client.select_folder("INBOX")
        uids = client.search(["ALL"])
        client.add_flags(uids, [COPY_MARK])
        client.copy(uids, box.move_to)
    store.add_raw(message, SourceRef(uri="imap://crashed"), kind="imap")   # it was stored before the crash
    result = MailboxPoller(box, store, StateTables(store.engine)).poll()[0]
    assert (result.stored, result.duplicates) == (0, 1)
    assert cyrus.count("INBOX") == 0 and cyrus.count(box.move_to) == 1
