"""Suite-wide settings: Tesseract single-threaded (2 cores, parallel workers), paths to shared material."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CONTRACT_SCHEMA = SHARED / "contract" / "mission-record.schema.json"
CORPUS = SHARED / "corpora" / "real-world"


@pytest.fixture(scope="session")
def contract_validator():
    """A jsonschema validator for the export contract (skips when ../shared is not beside the repo)."""
    import json
    import jsonschema
    if not CONTRACT_SCHEMA.exists():
        pytest.skip("../shared/contract is not beside the repository")
    return jsonschema.Draft202012Validator(json.loads(CONTRACT_SCHEMA.read_text()))


# ------------------------------------------------------------------ databases (real servers, never mocked)

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_answers() -> bool:
    try:
        import psycopg
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means: not available here
        return False


@pytest.fixture
def postgres_url():
    """A PostgreSQL URL whose search_path is a fresh schema of its own, dropped afterwards."""
    if not postgres_answers():
        pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432")
    import uuid

    import psycopg
    schema = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """The same test on a fresh SQLite file and on a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/intake.db"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(database_url):
    from outputs.store import Store
    s = Store(database_url)
    yield s
    s.close()


@pytest.fixture(scope="session")
def config():
    """The shipped configuration (foundation/default_config.yaml)."""
    from foundation.config import load_config
    return load_config()


# ------------------------------------------------------------------ tests end every process they start

_LEFTOVERS: list[str] = []


def _children() -> dict[int, "object"]:
    import psutil
    try:
        return {p.pid: p for p in psutil.Process().children(recursive=True)}
    except psutil.Error:
        return {}


def _describe(proc) -> str:
    import psutil
    try:
        return f"pid {proc.pid} {' '.join(proc.cmdline())[:160] or proc.name()}"
    except psutil.Error:
        return f"pid {proc.pid}"


def _reap(started: dict, where: str) -> None:
    """Children started since `started` that are still alive (after a short grace): recorded, then killed."""
    import psutil
    new = [p for pid, p in _children().items() if pid not in started]
    if not new:
        return
    _, alive = psutil.wait_procs(new, timeout=3)

    def running(proc) -> bool:
        try:
            return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False

    alive = [p for p in alive if running(p)]
    if not alive:
        return
    _LEFTOVERS.extend(f"{where}: {_describe(p)}" for p in alive)
    kill_and_wait(alive)


def kill_and_wait(procs: list, timeout: float = 10) -> None:
    """Kill these psutil processes and reap them (used by tests that stop a server and its children)."""
    import psutil
    for proc in procs:
        try:
            proc.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(procs, timeout=timeout)


@pytest.fixture(scope="module", autouse=True)
def _module_ends_its_processes(request):
    """Children a test module leaves running are named with the module (and killed so they harm no other)."""
    before = _children()
    yield
    _reap(before, request.module.__name__)


@pytest.fixture(scope="session", autouse=True)
def _session_ends_its_processes():
    """The run fails when any test left a child process running (checked module by module, reported here)."""
    before = _children()
    yield
    _reap(before, "session")
    if _LEFTOVERS:
        pytest.fail("tests left child processes running:\n  " + "\n  ".join(_LEFTOVERS), pytrace=False)
