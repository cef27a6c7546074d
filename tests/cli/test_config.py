"""Strict configuration: a mistyped key anywhere is refused with its file, line and the nearest known key;
`intake config check` and `intake config show` (secrets masked)."""
from __future__ import annotations

import json

import pytest

from foundation.errors import ConfigError, ExitCode
from tests.cli.helpers import MSG, run_intake

TYPOS = """\
version: "1"
rules:
  trust_treshold: 0.99
limits:
  document_timout_s: 5
rulez: {}
classifiers:
  confidence:
    labeled: 0.9
portal:
  refuse_reason: [x]
calibration:
  enabeld: false
"""


def test_config_check_names_every_unknown_key_with_file_line_and_nearest(tmp_path):
    bad = tmp_path / "operator.yaml"
    bad.write_text(TYPOS, encoding="utf-8")
    result = run_intake("config", "check", str(bad), cwd=tmp_path)
    assert result.returncode == ExitCode.config
    lines = result.stderr
    assert f"{bad}:3: unknown key rules.trust_treshold (did you mean trust_threshold?)" in lines
    assert f"{bad}:5: unknown key limits.document_timout_s (did you mean document_timeout_s?)" in lines
    assert f"{bad}:6: unknown key rulez (did you mean rules?)" in lines
    assert f"{bad}:9: unknown key classifiers.confidence.labeled (did you mean labelled?)" in lines
    assert f"{bad}:11: unknown key portal.refuse_reason (did you mean refuse_reasons?)" in lines
    assert f"{bad}:13: unknown key calibration.enabeld (did you mean enabled?)" in lines
    as_json = json.loads(run_intake("config", "check", "--json", str(bad), cwd=tmp_path).stdout)
    assert as_json["valid"] is False and len(as_json["problems"]) == 6


def test_shipped_defaults_and_a_correct_override_pass(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("rules:\n  trust_threshold: 0.8\nlimits:\n  document_timeout_s: 30\n", encoding="utf-8")
    for args in (["config", "check"], ["config", "check", str(good)], ["config", "check", "--config", str(good)]):
        result = run_intake(*args, cwd=tmp_path)
        assert result.returncode == ExitCode.ok, result.stderr
        assert "configuration OK" in result.stdout


def test_a_wrong_type_is_reported_with_its_line(tmp_path):
    bad = tmp_path / "t.yaml"
    bad.write_text("limits:\n  max_pdf_pages: many\n", encoding="utf-8")
    result = run_intake("config", "check", str(bad), cwd=tmp_path)
    assert result.returncode == ExitCode.config
    assert f"{bad}:2: limits.max_pdf_pages:" in result.stderr


def test_commands_refuse_a_mistyped_configuration_before_reading(tmp_path):
    bad = tmp_path / "operator.yaml"
    bad.write_text("rules:\n  trust_treshold: 0.99\n", encoding="utf-8")
    (tmp_path / "a.eml").write_bytes(MSG % b"a")
    db = tmp_path / "i.db"
    for command in (["extract"], ["ingest", "--database", f"sqlite:///{db}"]):
        result = run_intake(*command, "--workers", "0", "--config", str(bad), str(tmp_path / "a.eml"), cwd=tmp_path)
        assert result.returncode == ExitCode.config, result.stderr
        assert "unknown key rules.trust_treshold (did you mean trust_threshold?)" in result.stderr
        assert result.stdout == ""
    assert not db.exists()


def test_config_show_merges_and_masks_secrets(tmp_path):
    override = tmp_path / "o.yaml"
    override.write_text("rules:\n  trust_threshold: 0.81\nmailboxes:\n  - host: 127.0.0.1\n    user: odm\n"
                        "    password: hunter2-secret\n    security: plain\n", encoding="utf-8")
    result = run_intake("config", "show", "--json", str(override), cwd=tmp_path)
    assert result.returncode == ExitCode.ok, result.stderr
    data = json.loads(result.stdout)
    assert data["rules"]["trust_threshold"] == 0.81
    assert data["rules"]["always_review"]["allianz_cs2i"]["queue"] == "allianz_team"          # the defaults are still there
    assert data["mailboxes"][0]["password"] == "********"
    assert "hunter2" not in result.stdout
    text = run_intake("config", "show", str(override), cwd=tmp_path)
    assert "trust_threshold: 0.81" in text.stdout and "hunter2" not in text.stdout


def test_a_stage_settings_view_reports_unknown_keys_even_when_loaded_lazily():
    from foundation.config import Config, section_view
    from rulestage.settings import RuleSettings
    config = Config.model_validate({"rules": {"trust_treshold": 0.5}})
    with pytest.raises(ConfigError, match=r"unknown key rules.trust_treshold \(did you mean trust_threshold\?\)"):
        section_view(config, "rules", RuleSettings.model_validate)


def test_a_mistyped_mailbox_key_is_named_with_its_line_and_no_password(tmp_path):
    bad = tmp_path / "boxes.yaml"
    bad.write_text("mailboxes:\n  - host: 127.0.0.1\n    user: odm\n    password: s3cret-value\n"
                   "    security: plain\n    foldres: [INBOX]\n", encoding="utf-8")
    result = run_intake("config", "check", str(bad), cwd=tmp_path)
    assert result.returncode == ExitCode.config
    assert f"{bad}:6: unknown key mailboxes.0.foldres (did you mean folders?)" in result.stderr
    assert "s3cret-value" not in result.stderr + result.stdout


def test_demo_takes_the_operator_configuration_and_refuses_a_bad_one_before_storing(tmp_path):
    """`intake demo --config`: a mistyped key stops it before any database exists; a good file is what the
    samples are read under (here: no review reason is left to the CS2I rule once the channel's review is off)."""
    bad = tmp_path / "bad.yaml"
    bad.write_text('version: "1"\nrules:\n  trust_treshold: 0.99\n', encoding="utf-8")
    db_file = tmp_path / "demo.db"
    result = run_intake("demo", "--no-serve", "--json", "--config", str(bad), "--database", f"sqlite:///{db_file}",
                        cwd=tmp_path)
    assert result.returncode == ExitCode.config
    assert "trust_treshold" in result.stderr
    assert not db_file.exists()
    good = tmp_path / "good.yaml"
    good.write_text('version: "1"\nrules:\n  trust_threshold: 0.999\n', encoding="utf-8")
    result = run_intake("demo", "--no-serve", "--json", "--config", str(good), "--database", f"sqlite:///{db_file}",
                        cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])["samples"]
    default_db = tmp_path / "default.db"
    result = run_intake("demo", "--no-serve", "--json", "--database", f"sqlite:///{default_db}", cwd=tmp_path)
    default = json.loads(result.stdout.strip().splitlines()[-1])["samples"]
    # a stricter trust threshold opens fewer dossiers by itself than the defaults do
    assert summary["decisions"].get("auto_open", 0) < default["decisions"].get("auto_open", 0)
