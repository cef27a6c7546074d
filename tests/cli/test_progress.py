"""Long commands show progress (a bar on a terminal, a line per N messages elsewhere) and end with a summary;
every command has a human table and --json; --version; help shows defaults; library loggers stay quiet."""
from __future__ import annotations

import json
import os
import pty
import subprocess
import threading
from importlib.metadata import version

from tests.cli.helpers import INTAKE, MSG, REPO, run_intake


def _messages(folder, count: int) -> None:
    folder.mkdir()
    for n in range(count):
        (folder / f"m{n}.eml").write_bytes(MSG % str(n).encode())
    (folder / "vide.eml").write_bytes(b"")


def test_extract_off_a_terminal_prints_a_line_every_n_messages_and_a_summary(tmp_path):
    _messages(tmp_path / "in", 4)
    result = run_intake("extract", "--workers", "0", str(tmp_path / "in"), cwd=tmp_path,
                        env={"INTAKE_PROGRESS_EVERY": "2"})
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 5                      # the records, untouched, on stdout
    progress = [line for line in result.stderr.splitlines() if line.startswith("extract: ")]
    assert [line.split(" messages")[0] for line in progress] == ["extract: 2/5", "extract: 4/5", "extract: 5/5"]
    assert ("/s" in progress[0] or "/min" in progress[0]) and "left" in progress[0] and "done in" in progress[-1]
    assert "by decision" in result.stderr and "by channel" in result.stderr
    assert f"unreadable inputs: 1\n  {tmp_path / 'in' / 'vide.eml'}: empty_input" in result.stderr
    quiet = run_intake("extract", "-q", "--workers", "0", str(tmp_path / "in"), cwd=tmp_path)
    assert quiet.stderr == "" and quiet.stdout.count("\n") == 5


def test_extract_on_a_terminal_shows_a_rich_progress_bar(tmp_path):
    _messages(tmp_path / "in", 3)
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "120"}
    proc = subprocess.Popen([str(INTAKE), "extract", "--workers", "0", str(tmp_path / "in")], stdout=subprocess.PIPE,
                            stderr=slave, stdin=subprocess.DEVNULL, env=env, cwd=tmp_path)
    os.close(slave)
    chunks: list[bytes] = []

    def drain() -> None:  # the terminal must be read while the bar redraws, or the child blocks on a full pty
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        out, _ = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(10)
    os.close(master)
    screen = b"".join(chunks)
    text = screen.decode("utf-8", "replace")
    assert proc.returncode == 0 and out.count(b"\n") == 4
    assert "━" in text and "/4" in text and "left" in text           # rich bar: count, rate, time left
    assert "by decision" in text


def test_ingest_prints_a_table_by_default_and_json_when_asked(tmp_path):
    _messages(tmp_path / "in", 2)
    db = f"sqlite:///{tmp_path / 'i.db'}"
    first = run_intake("ingest", "--workers", "0", "--database", db, str(tmp_path / "in"), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "newly stored" in first.stdout and "by decision" in first.stdout and "vide.eml: empty_input" in first.stdout
    assert "message read" not in first.stderr                          # no log line per message
    again = run_intake("ingest", "--json", "--workers", "0", "--database", db, str(tmp_path / "in"), cwd=tmp_path)
    data = json.loads(again.stdout)
    assert data["messages"] == 3 and data["new"] == 0 and data["skipped"] == 3
    status = json.loads(run_intake("status", "--json", "--database", db, cwd=tmp_path).stdout)
    assert status["records"] == 3 and status["raw_messages"] == 3
    assert "records by decision" in run_intake("status", "--database", db, cwd=tmp_path).stdout
    revision = json.loads(run_intake("db", "current", "--json", "--database", db, cwd=tmp_path).stdout)
    assert revision["revision"]


def test_version_and_help_with_defaults(tmp_path):
    result = run_intake("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == f"intake {version('intake-odm')}"
    export_help = run_intake("export", "--help", cwd=tmp_path).stdout
    assert "(default: jsonl)" in export_help and "--excel" in export_help
    extract_help = run_intake("extract", "--help", cwd=tmp_path).stdout
    assert "mbox" in extract_help and "folder" in extract_help
    assert "(default: 8000)" in run_intake("serve", "--help", cwd=tmp_path).stdout


def test_pillow_debug_lines_only_with_vv(tmp_path):
    from PIL import Image
    Image.new("1", (400, 200), 1).save(tmp_path / "fax.tif", compression="group4")
    verbose = run_intake("-v", "extract", "--workers", "0", str(tmp_path / "fax.tif"), cwd=tmp_path)
    assert verbose.returncode == 0, verbose.stderr
    assert " PIL." not in verbose.stderr and "records: 1" in verbose.stderr
    very = run_intake("-vv", "extract", "--workers", "0", str(tmp_path / "fax.tif"), cwd=tmp_path)
    assert "DEBUG PIL.TiffImagePlugin" in very.stderr                # asked for: the library's own lines


def test_export_excel_is_bom_semicolon_decimal_comma(tmp_path):
    import io

    from outputs.exporters import write_csv
    out = io.StringIO()
    write_csv([{"source": {"uri": "a.eml"}, "amount_eur": 1234.5, "claim_number": "B123", "reasons": ["x", "a"]}],
              out, excel=True)
    text = out.getvalue()
    assert text.startswith("\ufeffsource.uri;") and text.endswith("\r\n")
    assert ";1234,5;" in text and ";a;x;" not in text and '"a;x"' in text  # a ';' inside a cell is quoted
    _messages(tmp_path / "in", 1)
    db = f"sqlite:///{tmp_path / 'i.db'}"
    run_intake("ingest", "-q", "--workers", "0", "--database", db, str(tmp_path / "in"), cwd=tmp_path)
    exported = subprocess.run([str(INTAKE), "export", "--excel", "--database", db], capture_output=True,
                              env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=tmp_path)
    assert exported.stdout.startswith(b"\xef\xbb\xbfsource.uri;source.message_id;")
    assert exported.stdout.count(b"\r\n") == 3
