"""Usage errors are refused, not stored: a missing PATH, a database a reading command was only asked to read."""
from __future__ import annotations

import json

from foundation.errors import ExitCode
from tests.cli.helpers import MSG, run_intake


def test_extract_of_a_missing_path_is_a_usage_error(tmp_path):
    good = tmp_path / "a.eml"
    good.write_bytes(MSG % b"a")
    result = run_intake("extract", "--workers", "0", str(good), str(tmp_path / "nonexistent.eml"), cwd=tmp_path)
    assert result.returncode == ExitCode.usage
    assert result.stdout == ""  # not even the good file: the whole command is refused
    assert "no such file or folder" in result.stderr and "nonexistent.eml" in result.stderr


def test_ingest_of_a_missing_path_stores_nothing(tmp_path):
    db = tmp_path / "intake.db"
    result = run_intake("ingest", "--workers", "0", "--database", f"sqlite:///{db}", str(tmp_path / "gone.eml"),
                        cwd=tmp_path)
    assert result.returncode == ExitCode.usage, result.stderr
    assert "gone.eml" in result.stderr
    assert not db.exists()
    # An empty file that does exist is still read (and stored) as unreadable input, not skipped as a duplicate.
    (tmp_path / "empty.eml").write_bytes(b"")
    result = run_intake("ingest", "--workers", "0", "--database", f"sqlite:///{db}",
                        str(tmp_path / "empty.eml"), cwd=tmp_path)
    assert result.returncode == ExitCode.ok, result.stderr
    exported = run_intake("export", "--database", f"sqlite:///{db}", cwd=tmp_path)
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [r["source"]["uri"] for r in records] == [str(tmp_path / "empty.eml")]


def test_reading_commands_never_create_a_database(tmp_path):
    for command in (["status"], ["export"], ["export", "--format", "csv"], ["db", "current"]):
        result = run_intake(*command, "--database", "sqlite:///intake.db", cwd=tmp_path)
        assert result.returncode == ExitCode.database, (command, result.stderr)
        assert "no database at" in result.stderr
        assert list(tmp_path.iterdir()) == [], command
