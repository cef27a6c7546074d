"""Business configuration: a versioned YAML file an operator can edit (`--config FILE`).

The defaults ship in `foundation/default_config.yaml`. Sections:
  limits      resource limits for one document (time, memory, pages, pixels, OCR)
  (the classifiers and the rules stage add their own sections: channels, perils, patterns, thresholds, rules, expertise)
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from foundation.errors import ConfigError

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default_config.yaml")


class Limits(BaseModel):
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
    orientation_axis_ratio: float = 0.55         # column/row profile ratio above which lines may run down the page
    orientation_recheck_confidence: float = 0.6  # mean word confidence under which the orientation is questioned
    osd_min_confidence: float = 2.0              # Tesseract OSD's orientation confidence taken as sure
    # phone photos of paper (parsers/photo.py)
    photo_correct: bool = True
    html_max_bytes: int = 2_000_000      # HTML bodies are truncated past this before conversion


class Config(BaseModel):
    """The whole configuration. Unknown sections are kept (extra="allow") so parts can grow independently."""
    model_config = ConfigDict(extra="allow")

    version: str = "1"
    limits: Limits = Limits()
    source_path: Optional[str] = None

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
    view = build(raw or {})
    if len(_VIEWS) >= _VIEWS_MAX:
        _VIEWS.clear()
    _VIEWS[key] = (config, view)
    return view


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as error:
        raise ConfigError(f"configuration file not found: {path}") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"configuration file {path} is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise ConfigError(f"configuration file {path} must hold a mapping at the top level")
    return data


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


@functools.lru_cache(maxsize=8)
def load_config(path: Optional[str] = None) -> Config:
    """Load the default configuration, overlaid with the operator's file when one is given.

    An operator's file only needs the keys it changes: mappings are merged key by key, lists are replaced.
    """
    data = _read_yaml(DEFAULT_CONFIG_PATH)
    if path:
        data = _merge(data, _read_yaml(Path(path)))
    try:
        config = Config.model_validate(data)
    except ValidationError as error:
        raise ConfigError(f"invalid configuration {path or DEFAULT_CONFIG_PATH}: {error}") from error
    config.source_path = str(path) if path else str(DEFAULT_CONFIG_PATH)
    return config
