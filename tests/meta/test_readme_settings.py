"""Every INTAKE_* variable the code reads is documented in README.md (issue 8): the names written in the code
and the fields of the pydantic-settings classes (env_prefix + field name)."""
from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CODE = ["intake", "reviewdesk", "outputs", "foundation", "parsers", "classifiers", "rulestage"]


def _written_in_code() -> set[str]:
    files = [p for d in CODE for p in (REPO / d).rglob("*.py")] + [REPO / "scheduler.py"]
    names = {m for p in files for m in re.findall(r"INTAKE_[A-Z0-9_]+", p.read_text(encoding="utf-8"))}
    return {n for n in names if not n.endswith("_")}        # a prefix such as INTAKE_SMS_ is no variable


def _settings_fields() -> set[str]:
    from intake.mailboxes import SourceSettings
    from intake.settings import Settings
    from intake.sms import SmsSettings
    from reviewdesk.settings import PortalSettings
    return {(cls.model_config["env_prefix"] + name).upper()
            for cls in (Settings, SourceSettings, PortalSettings, SmsSettings) for name in cls.model_fields}


def test_every_setting_is_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"INTAKE_[A-Z0-9_]*[A-Z0-9]", readme))
    wanted = _written_in_code() | _settings_fields()
    assert {"INTAKE_SECRET_KEY", "INTAKE_PUBLIC_URL", "INTAKE_SMTP_HOST", "INTAKE_HTTPS_COOKIES"} <= wanted
    assert sorted(wanted - documented) == []
