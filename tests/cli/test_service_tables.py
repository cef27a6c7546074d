"""`intake poll` ends with a table per mailbox folder and fax folder (new, stored, duplicates, errors), `--json` for
machines; `serve` and `run` start with what they serve (issue 8). Run as the installed command."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time

from tests.cli.helpers import INTAKE, REPO, run_intake

FAX = REPO / "samples" / "messages" / "FAX_20260715_1620.TIF"


def _fax_folder(tmp_path, copies: int):
    folder = tmp_path / "fax-in"
    folder.mkdir()
    for n in range(copies):
        shutil.copy(FAX, folder / f"fax{n}.tif")
        old = time.time() - 600          # complete files (not being written)
        os.utime(folder / f"fax{n}.tif", (old, old))
    return folder


def test_poll_ends_with_a_table_per_source(tmp_path):
    folder = _fax_folder(tmp_path, 2)            # the same fax twice: one stored, one duplicate
    db = f"sqlite:///{tmp_path}/poll.db"
    done = run_intake("poll", "--database", db, env={"INTAKE_FAX_DIRS": str(folder), "INTAKE_MAILBOXES": ""})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["mailbox", "folder", "new", "stored", "duplicates", "errors"]
    fax = next(line.split() for line in lines if line.startswith("fax "))
    assert fax == ["fax", str(folder), "2", "1", "1", "0"]
    assert lines[-1].split() == ["total", "2", "1", "1", "0"]


def test_poll_json_and_an_empty_folder(tmp_path):
    folder = _fax_folder(tmp_path, 0)
    done = run_intake("poll", "--database", f"sqlite:///{tmp_path}/p.db", "--json",
                      env={"INTAKE_FAX_DIRS": str(folder), "INTAKE_MAILBOXES": ""})
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["sources"] == [{"source": "fax", "folder": str(folder), "new": 0, "stored": 0, "duplicates": 0,
                                  "errors": 0}]
    assert report["total"]["stored"] == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _first_lines(args: list[str], env: dict, wanted: int) -> list[str]:
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **env}
    full_env.pop("INTAKE_CONFIG", None)
    proc = subprocess.Popen([str(INTAKE), *args], env=full_env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, text=True)
    try:
        return [proc.stdout.readline().rstrip("\n") for _ in range(wanted)]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_serve_starts_with_its_table(tmp_path):
    port = _free_port()
    db = f"sqlite:///{tmp_path}/serve.db"
    lines = _first_lines(["serve", "--database", db, "--port", str(port)], {"INTAKE_SECRET_KEY": "x" * 40}, 3)
    assert lines[0] == "intake serve"
    assert lines[1].split() == ["portal", f"http://127.0.0.1:{port}"]
    assert lines[2].split()[0] == "database" and str(tmp_path) in lines[2]


def test_run_starts_with_its_table_as_json(tmp_path):
    folder = _fax_folder(tmp_path, 0)
    db = f"sqlite:///{tmp_path}/run.db"
    env = {"INTAKE_FAX_DIRS": str(folder), "INTAKE_MAILBOXES": "", "INTAKE_WORKERS": "3"}
    line = _first_lines(["run", "--database", db, "--no-portal", "--json"], env, 1)[0]
    info = json.loads(line)
    assert info == {"command": "run", "url": None, "database": db, "mailboxes": [], "fax_dirs": [str(folder)],
                    "workers": 3}
