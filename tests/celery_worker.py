"""A throwaway Celery worker (prefork) on its own queue, for tests and benches, that ends every process it
started: the pool children and the sandboxed readers they fork when their first task arrives."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]


class CeleryWorker:
    def __init__(self, log_path: Path, children: int = 2, loglevel: str = "INFO"):
        self.queue = "intake-test-" + uuid.uuid4().hex[:8]
        self.log_path = log_path
        self.children = children
        env = {**os.environ, "PYTHONPATH": str(REPO), "INTAKE_CELERY_QUEUE": self.queue, "OMP_THREAD_LIMIT": "1",
               "INTAKE_BROKER_URL": os.environ.get("INTAKE_BROKER_URL", "redis://127.0.0.1:6379/0")}
        self._log = open(log_path, "w")  # a file, not a pipe: a full pipe would block the worker
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "intake.tasks", "worker", "--pool=prefork", "-c", str(children),
             "-Q", self.queue, "--without-gossip", "--without-mingle", f"--loglevel={loglevel}"],
            env=env, cwd=REPO, stdout=self._log, stderr=subprocess.STDOUT)
        self._seen: dict[int, psutil.Process] = {}
        self.leaked: list[psutil.Process] = []

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _collect(self) -> list[psutil.Process]:
        try:
            for p in psutil.Process(self.proc.pid).children(recursive=True):
                self._seen.setdefault(p.pid, p)
        except psutil.NoSuchProcess:
            pass
        return list(self._seen.values())

    def wait_ready(self, seconds: float = 120) -> list[psutil.Process]:
        """The pool children, once every one of them is up."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.alive():
            if len(self._collect()) >= self.children:
                return list(self._seen.values())
            time.sleep(0.5)
        return list(self._seen.values())

    def stop(self) -> list[psutil.Process]:
        """End the worker; returns the descendants still alive 30 s later (then killed): [] when clean."""
        self._collect()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        _gone, alive = psutil.wait_procs(list(self._seen.values()), timeout=30)
        self.leaked = list(alive)
        for child in alive:          # only the descendants of the worker started here
            child.kill()
        psutil.wait_procs(alive, timeout=10)
        self._log.close()
        return self.leaked

    def __enter__(self) -> "CeleryWorker":
        return self

    def __exit__(self, *exc) -> None:
        if self.proc.returncode is None:
            self.stop()
