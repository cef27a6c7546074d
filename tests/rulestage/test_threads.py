"""Whole folders of related messages (orders, resends, follow-ups, noise) routed as `intake extract DIR` does.

Each folder under threads/ holds messages and an expected.json written from DOMAIN.md before the
product was run: per message its type, channel, claim, decision, reasons (a set), on-site expertise,
and the message whose dossier it joins ("same_dossier_as"). Bare fax files get their arrival time
from expected.json's "mtimes" (a fresh clone's mtimes are clone time). Slow: the faxes are OCRed.
"""
from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from intake.executor import Executor
from intake.sources.files import read_tasks
from rulestage.routing import route_batch

THREADS = Path(__file__).parent / "threads"
FOLDERS = sorted(p.name for p in THREADS.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
FIELDS = ("document_type", "channel", "claim_number", "decision", "reasons", "expertise_on_site")


def route_folder(folder: Path, config) -> tuple[dict, dict]:
    """Copy the folder, set fax arrival times, run every message in-process and route the batch."""
    expected = json.loads((folder / "expected.json").read_text())
    for name, stamp in expected["mtimes"].items():
        ts = datetime.fromisoformat(stamp).timestamp()
        os.utime(folder / name, (ts, ts))
    with Executor(config, workers=0) as executor:
        records = [p.record for p in executor.map(read_tasks([str(folder)]))]
    routed = {Path(r.source.uri).name: r for r in route_batch(records)}
    return expected["messages"], routed


def observed(record) -> dict:
    d = record.to_json_dict()
    return {k: (sorted(d[k]) if k == "reasons" else d[k]) for k in FIELDS}


@pytest.mark.slow
@pytest.mark.parametrize("name", FOLDERS)
def test_thread_folder(name, config, tmp_path, monkeypatch):
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    folder = tmp_path / name
    shutil.copytree(THREADS / name, folder)
    expected, routed = route_folder(folder, config)
    assert sorted(routed) == sorted(expected), "one record per message"
    wrong = {}
    for fname, want in expected.items():
        got = observed(routed[fname])
        diff = {k: (got[k], want[k]) for k in FIELDS if got[k] != want[k]}
        first = want["same_dossier_as"]
        dossier = routed[fname].dossier_id
        if first is None:
            # Opens (or touches) no one else's dossier: no other "first" message shares its id.
            clash = [f for f, r in routed.items() if f != fname and dossier and r.dossier_id == dossier
                     and expected[f]["same_dossier_as"] is None]
            if clash:
                diff["same_dossier_as"] = (clash, None)
        elif dossier is None or dossier != routed[first].dossier_id:
            diff["same_dossier_as"] = (dossier, routed[first].dossier_id)
        if diff:
            wrong[fname] = diff
    assert not wrong, json.dumps(wrong, ensure_ascii=False, indent=1, default=str)
