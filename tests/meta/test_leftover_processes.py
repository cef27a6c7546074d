"""The suite's own guard: a test run that leaves a child process running fails, naming the module and process."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO

LEAKY = '''
import subprocess

def test_leaves_a_sleeper():
    subprocess.Popen(["sleep", "120"])

def test_cleans_up():
    proc = subprocess.Popen(["sleep", "120"])
    proc.kill()
    proc.wait()
'''
CLEAN = '''
import subprocess

def test_cleans_up():
    proc = subprocess.Popen(["sleep", "120"])
    proc.kill()
    proc.wait()
'''


def _run(tmp_path, body: str) -> subprocess.CompletedProcess:
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["tests.conftest"]\n')
    (tmp_path / "test_probe.py").write_text(body)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_probe.py"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def test_a_leftover_child_fails_the_run_and_is_killed(tmp_path):
    import psutil
    result = _run(tmp_path, LEAKY)
    assert result.returncode != 0, result.stdout
    assert "tests left child processes running" in result.stdout
    assert "test_probe: pid" in result.stdout and "sleep 120" in result.stdout
    pid = int(result.stdout.split("test_probe: pid ")[1].split()[0])
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_a_run_that_ends_its_processes_passes(tmp_path):
    result = _run(tmp_path, CLEAN)
    assert result.returncode == 0, result.stdout
