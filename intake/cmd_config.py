"""`intake config check [FILE]` and `intake config show`: the business configuration, checked and merged.

check: the defaults overlaid with FILE (or --config / INTAKE_CONFIG), every section validated strictly; each
problem on a line `file:line: unknown key rules.trust_treshold (did you mean trust_threshold?)`; exit 4.
show: the merged configuration as YAML (or JSON with --json), secrets (passwords, tokens, keys) masked.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any, Optional

from foundation.errors import ExitCode

SECRET_KEY = re.compile(r"(password|passwd|secret|token|credential|api_?key|private_key)", re.IGNORECASE)
MASK = "********"


def load_schemas() -> None:
    """Import every module that registers a configuration section, so `load_config` checks them all at once."""
    import classifiers.calibration  # noqa: F401
    import intake.followup  # noqa: F401
    import intake.webhooks  # noqa: F401
    import classifiers.settings  # noqa: F401
    import reviewdesk.portal_config  # noqa: F401
    import rulestage.settings  # noqa: F401


def mask_secrets(value: Any) -> Any:
    """A copy of the data with the value of every secret-looking key replaced by a mask."""
    if isinstance(value, dict):
        return {k: (MASK if SECRET_KEY.search(str(k)) and v not in (None, "") and not isinstance(v, (dict, list))
                    else mask_secrets(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    return value


def _path(args: argparse.Namespace) -> Optional[str]:
    if getattr(args, "file", None):
        return args.file
    if getattr(args, "config", None):
        return args.config
    from intake.settings import get_settings
    return get_settings().config


def cmd_check(args: argparse.Namespace) -> int:
    from foundation.config import check_data, merged_data, registered_sections
    load_schemas()
    path = _path(args)
    data, marks = merged_data(path)
    problems = check_data(data, marks)
    if not problems:  # mailboxes and fax folders (YAML and INTAKE_MAILBOXES / INTAKE_FAX_DIRS), as polling reads them
        from foundation.errors import ConfigError
        from intake.mailboxes import load_sources
        try:
            load_sources(path)
        except ConfigError as error:
            problems.append(str(error))
    shown = f"defaults + {path}" if path else "defaults"
    if args.json:
        print(json.dumps({"file": path, "valid": not problems, "problems": problems}, ensure_ascii=False))
    elif problems:
        print(f"intake: configuration ({shown}) has {len(problems)} problem(s):", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
    else:
        checked = sorted(k for k in data if k in registered_sections() or k in ("limits", "reminders"))
        print(f"configuration OK ({shown}); sections checked key by key: {', '.join(checked)}")
    return ExitCode.config if problems else ExitCode.ok


def cmd_show(args: argparse.Namespace) -> int:
    import yaml

    from foundation.config import load_config, merged_data
    load_schemas()
    path = _path(args)
    load_config(path)  # refuse to show an invalid configuration as if it were in force
    data, _ = merged_data(path)
    data = mask_secrets(data)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        sys.stdout.write(f"# merged configuration: defaults{' + ' + path if path else ''}\n")
        sys.stdout.write(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120))
    return ExitCode.ok


def register(sub: argparse._SubParsersAction, formatter: Any = argparse.HelpFormatter) -> None:
    p = sub.add_parser("config", help="check or show the business configuration (YAML)", formatter_class=formatter)
    actions = p.add_subparsers(dest="config_action", required=True)
    c = actions.add_parser("check", formatter_class=formatter,
                           help="validate the defaults overlaid with FILE: unknown keys with file, line, nearest key")
    c.add_argument("file", nargs="?", metavar="FILE",
                   help="operator's YAML file (default: --config, else INTAKE_CONFIG, else the defaults alone)")
    s = actions.add_parser("show", formatter_class=formatter,
                           help="print the merged configuration in force, secrets masked")
    s.add_argument("file", nargs="?", metavar="FILE", help="operator's YAML file (default: as for check)")
    for q in (c, s):
        q.add_argument("--config", metavar="FILE", help=argparse.SUPPRESS)
        q.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=lambda args: (cmd_check if args.config_action == "check" else cmd_show)(args))
