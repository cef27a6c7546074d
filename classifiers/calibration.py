"""Calibrated confidence: the classifiers' hand-set confidences mapped to how often a field read at that
confidence was right on labelled messages (`intake eval --calibrate`, see intake/calibration.py).

The map lives in the configuration's `calibration` section, one piecewise-constant curve per field (and a
default curve for fields with too few labelled observations): a list of `[raw_upper_bound, probability]`
pairs, ascending. A raw confidence takes the probability of the first pair whose bound it does not exceed.
After this step a field at 0.95 is right about 95 % of the time on the data the curves were fitted on, and
the rules stage's `trust_threshold` is a probability, chosen from the reliability table.

The raw confidence is kept on the field (`raw_confidence`) so a re-fit always starts from the classifiers'
own scale, and so a reviewer can be told why a value is not trusted.
"""
from __future__ import annotations

from bisect import bisect_left
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from foundation.config import register_section, section_view
from foundation.models import Extraction

Curve = list[tuple[float, float]]


class CalibrationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    fitted_on: Optional[str] = None          # what the curves were fitted on (documentation for the operator)
    fields: dict[str, Curve] = Field(default_factory=dict)
    default: Curve = Field(default_factory=list)

    @field_validator("fields")
    @classmethod
    def _sorted_fields(cls, value: dict[str, Curve]) -> dict[str, Curve]:
        for name, curve in value.items():
            _check(curve, name)
        return value

    @field_validator("default")
    @classmethod
    def _sorted_default(cls, value: Curve) -> Curve:
        _check(value, "default")
        return value

    def curve(self, name: str) -> Curve:
        return self.fields.get(name) or self.default


register_section("calibration", CalibrationSettings)


def _check(curve: Curve, name: str) -> None:
    bounds = [b for b, _ in curve]
    if bounds != sorted(bounds):
        raise ValueError(f"calibration curve {name!r}: bounds must be ascending")
    for bound, prob in curve:
        if not (0.0 <= bound <= 1.0 and 0.0 <= prob <= 1.0):
            raise ValueError(f"calibration curve {name!r}: values must lie in [0, 1]")


def calibration_settings(config: Any) -> CalibrationSettings:
    return section_view(config, "calibration", CalibrationSettings.model_validate)


def apply_curve(curve: Curve, raw: float) -> float:
    """The probability for a raw confidence (the last point's for anything above the last bound)."""
    if not curve:
        return raw
    index = bisect_left([b for b, _ in curve], raw)
    return curve[min(index, len(curve) - 1)][1]


def calibrate(extraction: Extraction, config: Any) -> Extraction:
    """Every field's confidence as a calibrated probability (in place; returns the extraction)."""
    settings = calibration_settings(config)
    if not settings.enabled or not (settings.fields or settings.default):
        return extraction
    for name, value in extraction.fields.items():
        curve = settings.curve(name)
        if not curve or value.value is None or value.corrected_by:
            continue
        raw = value.raw_confidence if value.raw_confidence is not None else value.confidence
        value.raw_confidence = raw
        value.confidence = apply_curve(curve, raw)
    return extraction
