"""Run the installed `intake` command as a user would, with this checkout's packages first."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INTAKE = Path(sys.executable).with_name("intake")
MSG = (b"From: gestion@assureur.example\nTo: odm@cabinet.example\nSubject: Ordre de mission sinistre 2026-001\n"
       b"Date: Mon, 02 Mar 2026 10:00:00 +0100\nMessage-ID: <%s@example>\n\nMerci de missionner un expert.\n")


def run_intake(*args: str, cwd: Path | None = None, env: dict | None = None,
               timeout: float = 300) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    full_env.pop("INTAKE_CONFIG", None)
    return subprocess.run([str(INTAKE), *args], cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
