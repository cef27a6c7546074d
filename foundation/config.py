"""Business configuration: a versioned YAML file an operator can edit (`--config FILE`).

The defaults ship in `foundation/default_config.yaml`. Sections:
  limits      resource limits for one document (time, memory, pages, pixels, OCR)
  (the classifiers and the rules stage add their own sections: channels, perils, patterns, thresholds, rules, expertise)
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

from pydantic import BaseModel, ConfigDict, PrivateAttr, TypeAdapter, ValidationError

from foundation.errors import ConfigError
from foundation.yamlmarks import Marks, explain, merge_marks, read_yaml, unknown_key

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default_config.yaml")


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document_timeout_s: float = 60.0     # wall time for one message, all parts included
    max_rss_mb: int = 1500               # a worker above this is killed and the message is unreadable_input
    max_message_bytes: int = 60_000_000
    max_pdf_pages: int = 40              # pages read per PDF (text layer); more are noted, not read
    max_ocr_pages: int = 10              # pages sent to OCR per document
    max_image_pixels: int = 60_000_000   # per decoded page image (a 9000x9000 scan is downsampled before OCR)
    ocr_dpi: int = 300                   # render resolution for image-only PDF pages
    ocr_timeout_s: float = 40.0          # one Tesseract call
    ocr_languages: str = "fra"
    # page orientation (parsers/orientation.py): a quarter-turned page is found by its line profiles, an
    # upside-down one by a poor first OCR; Tesseract OSD decides when sure, else a strip is read both ways
    orientation_axis_ratio: float = 1.0          # blank-column/blank-row share ratio above which lines run down the page
    orientation_recheck_confidence: float = 0.6  # mean word confidence under which the orientation is questioned
    osd_min_confidence: float = 2.0              # Tesseract OSD's orientation confidence taken as sure
    # phone photos of paper (parsers/photo.py)
    photo_correct: bool = True
    html_max_bytes: int = 2_000_000      # HTML bodies are truncated past this before conversion
    # Office files and archives attached to a message (parsers/office.py, parsers/unpack.py)
    office_timeout_s: float = 60.0       # one LibreOffice conversion (.doc, or a file the libraries fail on)
    office_max_cells: int = 20_000       # spreadsheet cells read per workbook; more are noted, not read
    archive_max_members: int = 50        # files read from one attached archive
    archive_max_member_bytes: int = 30_000_000  # one unpacked member
    archive_max_total_bytes: int = 60_000_000   # all members of one archive, unpacked (Office packages too)
    archive_max_ratio: float = 100.0     # unpacked/packed size of a member past this is a bomb, refused
    archive_max_depth: int = 2           # an archive in an archive is read; one more level is refused


class Reminders(BaseModel):
    """scheduler.py's follow-up steps of an open dossier."""
    model_config = ConfigDict(extra="forbid")

    every_h: float = 24.0


# Every top-level section and the module that reads it. A section whose reader registers a schema
# (`register_section`, beside the settings class) is checked key by key at load; any other top-level key
# is an error. A new section: add its name here and register its schema where it is read.
SECTION_NAMES = {
    "version", "limits", "reminders",                 # this module
    "classifiers", "calibration",                     # classifiers/settings.py, classifiers/calibration.py
    "rules",                                          # rulestage/settings.py
    "portal",                                         # reviewdesk/portal_config.py
    "mailboxes", "fax_dirs",                          # intake/mailboxes.py (checked by load_sources)
    "api", "operations",                              # reviewdesk/portal_config.py
    "webhooks", "followup",                           # intake/webhooks.py, intake/followup.py
}
_SCHEMAS: dict[str, Any] = {}


def register_section(name: str, schema: Any) -> Any:
    """Declare the pydantic model (or type) a section must validate against; returns it (usable as a decorator
    argument). Stages call it at import; `load_config` checks every registered section strictly."""
    SECTION_NAMES.add(name)
    _SCHEMAS[name] = schema
    return schema


def registered_sections() -> dict[str, Any]:
    return dict(_SCHEMAS)


class Config(BaseModel):
    """The whole configuration. Sections read by the stages are kept as raw mappings (extra="allow") and
    validated against their registered schema; an unknown top-level key is refused by `load_config`."""
    model_config = ConfigDict(extra="allow")

    version: str = "1"
    limits: Limits = Limits()
    reminders: Reminders = Reminders()
    source_path: Optional[str] = None
    _marks: Marks = PrivateAttr(default_factory=dict)

    def section(self, name: str, default: Any = None) -> Any:
        return getattr(self, name, default) if name in type(self).model_fields else (self.model_extra or {}).get(name, default)


T = TypeVar("T")
_VIEWS: dict[tuple[int, str], tuple[Any, Any]] = {}
_VIEWS_MAX = 64


def section_view(config: Any, name: str, build: Callable[[Any], T]) -> T:
    """A typed (and compiled) view of one configuration section, built once per Config object.

    `build` gets the raw section (a dict, or None when absent) and returns the stage's settings object
    (validated, regexes compiled). The cache is keyed by the config's identity and checked against the
    object itself, so a new or copied Config never sees another one's view.
    """
    key = (id(config), name)
    hit = _VIEWS.get(key)
    if hit is not None and hit[0] is config:
        return hit[1]
    raw = config.section(name) if config is not None else None
    try:
        view = build(raw or {})
    except ValidationError as error:
        marks = getattr(config, "_marks", None) or {}
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(
            explain(error, _SCHEMAS.get(name), (name,), marks))) from None
    if len(_VIEWS) >= _VIEWS_MAX:
        _VIEWS.clear()
    _VIEWS[key] = (config, view)
    return view


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def check_data(data: dict[str, Any], marks: Marks) -> list[str]:
    """Every problem of a merged configuration, one line each with its file and line (empty: valid)."""
    problems = [unknown_key((key,), SECTION_NAMES, marks) for key in data if key not in SECTION_NAMES]
    try:
        Config.model_validate({k: v for k, v in data.items() if k in Config.model_fields})
    except ValidationError as error:
        problems += explain(error, Config, (), marks)
    for name, schema in _SCHEMAS.items():
        if name in data:
            try:
                TypeAdapter(schema).validate_python(data[name] if data[name] is not None else {})
            except ValidationError as error:
                problems += explain(error, schema, (name,), marks)
    return problems


def merged_data(path: Optional[str] = None) -> tuple[dict[str, Any], Marks]:
    """The defaults overlaid with the operator's file: the data and where each key was written."""
    data, marks = read_yaml(DEFAULT_CONFIG_PATH)
    if path:
        extra, extra_marks = read_yaml(Path(path))
        data, marks = _merge(data, extra), merge_marks(marks, extra_marks)
    return data, marks


@functools.lru_cache(maxsize=8)
def load_config(path: Optional[str] = None) -> Config:
    """Load the default configuration, overlaid with the operator's file when one is given.

    An operator's file only needs the keys it changes: mappings are merged key by key, lists are replaced.
    Strict: an unknown key anywhere (in a registered section) is a ConfigError naming file, line and the
    nearest known key.
    """
    data, marks = merged_data(path)
    problems = check_data(data, marks)
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))
    config = Config.model_validate(data)
    config.source_path = str(path) if path else str(DEFAULT_CONFIG_PATH)
    config._marks = marks
    return config
