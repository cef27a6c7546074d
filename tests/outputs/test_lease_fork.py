"""A SQLite lease (an flock beside the database) is free once released, even when a process forked while it
was held still lives: the reader workers are forked inside the read lease (found by bench/bench_load.py,
where the second `intake run` could never read while the first one's workers lived)."""
from __future__ import annotations

import os
import signal

from outputs.leases import file_lock


def test_a_released_lease_is_free_although_a_child_forked_under_it_lives(tmp_path):
    database = str(tmp_path / "intake.db")
    held = file_lock(database, "process-pending", "first")
    assert held is not None
    assert file_lock(database, "process-pending", "second") is None     # held: a second holder is refused
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:                      # the worker: keeps every inherited descriptor until told to go
        os.close(write_end)
        os.read(read_end, 1)
        os._exit(0)
    os.close(read_end)
    try:
        held.release()
        again = file_lock(database, "process-pending", "second")
        assert again is not None, "the lease stayed held by the forked child"
        again.release()
    finally:
        os.close(write_end)             # the child's read returns: it exits
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(child, 0)
